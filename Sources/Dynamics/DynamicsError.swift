/// Why fitting, restoring or reshaping the dynamics ensemble failed.
public enum DynamicsError: Error, CustomStringConvertible, Equatable {
    /// A training loss was NaN or infinite: training cannot continue from these parameters.
    case nonFiniteLoss(member: Int, step: Int, loss: Float)
    /// The row weights of a weighted fit cannot be normalised to mean 1.
    case invalidWeights(String)
    /// The dataset is too small to split into train and holdout rows.
    case datasetTooSmall(rows: Int)
    /// A parameter blob, normalisation or elite list does not fit this ensemble.
    case shapeMismatch(String)

    public var description: String {
        switch self {
        case let .nonFiniteLoss(member, step, loss):
            return "non-finite loss (\(loss)) in network 'ensemble', member \(member), step \(step) of the model round"
        case let .invalidWeights(reason): return "model-fit weights: \(reason)"
        case let .datasetTooSmall(rows):
            return "the dataset has \(rows) transitions: too few for a train and a holdout split"
        case let .shapeMismatch(detail): return "ensemble: \(detail)"
        }
    }
}
