import Datasets
import Numerics

/// The dynamics model's view of an offline dataset (algorithm spec §3.4 item 1): row i is the input
/// x_i = (s_i, a_i) and the target y_i = (r_i, s'_i − s_i). The dataset's rewards are used as they are: the
/// caller rescales them (r̃) before building the trainer.
struct ModelTrainingData: Sendable {
    let dataset: OfflineDataset

    init(_ dataset: OfflineDataset) { self.dataset = dataset }

    var count: Int { dataset.count }
    var observationDim: Int { dataset.observationDim }
    var actionDim: Int { dataset.actionDim }
    /// S + A
    var inputWidth: Int { observationDim + actionDim }
    /// 1 + S
    var targetWidth: Int { 1 + observationDim }

    /// Writes row `row`'s raw x (S + A values) and y (1 + S values).
    @inline(__always)
    func copyRow(_ row: Int, input: UnsafeMutablePointer<Float>, target: UnsafeMutablePointer<Float>) {
        let s = observationDim, a = actionDim
        let columns = dataset.columns
        let observation = columns.observations.pointer + row * s
        let next = columns.nextObservations.pointer + row * s
        input.update(from: observation, count: s)
        (input + s).update(from: columns.actions.pointer + row * a, count: a)
        target[0] = columns.rewards.pointer[row]
        for j in 0..<s { target[1 + j] = next[j] - observation[j] }
    }
}
