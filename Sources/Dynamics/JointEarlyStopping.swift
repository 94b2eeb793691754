/// The reference's joint early-stopping counter over all ensemble members (algorithm spec §3.4 item 6, §5.4
/// item 3). After each model epoch every member reports whether its holdout loss improved (its snapshot rule,
/// `WeightedMLETrainer.isImprovement`); the counter resets on model epoch 1 or when any member improved, and
/// otherwise grows by one. Training stops when it reaches `patience`.
///
/// In one process `WeightedMLETrainer.fit` applies it; in distributed mode the coordinator applies it to the
/// workers' reports, so every member trains for the same number of model epochs either way.
public struct JointEarlyStopping: Codable, Sendable, Equatable {
    public let patience: Int
    /// Model epochs recorded so far.
    public private(set) var modelEpochs = 0
    /// Consecutive model epochs, up to the last one, in which no member improved.
    public private(set) var epochsWithoutImprovement = 0

    public init(patience: Int) {
        precondition(patience >= 1, "patience must be at least 1")
        self.patience = patience
    }

    /// Records one model epoch; returns whether training should stop now.
    @discardableResult
    public mutating func record(anyMemberImproved: Bool) -> Bool {
        modelEpochs += 1
        epochsWithoutImprovement = (modelEpochs == 1 || anyMemberImproved) ? 0 : epochsWithoutImprovement + 1
        return shouldStop
    }

    public var shouldStop: Bool { epochsWithoutImprovement >= patience }
}
