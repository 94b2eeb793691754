import Numerics

/// Everything one model round shares across its model epochs (algorithm spec §3.4, §5.4 item 1): the
/// normalised row weights, the train/holdout split, the z-scored holdout rows, and per member the bootstrap
/// stream, the steps taken and the best snapshot. Built by `WeightedMLETrainer.beginRound`.
final class ModelRound {
    let index: Int
    /// (N): w_i / mean_j w_j, so the mean over the whole dataset is 1.
    let weights: FloatStorage
    /// Dataset rows of the train split.
    let trainRows: [Int]
    /// (H, S+A), (H, D), (H): the holdout rows z-scored, with their weights.
    let holdoutInputs: FloatStorage
    let holdoutTargets: FloatStorage
    let holdoutWeights: FloatStorage
    let holdoutCount: Int
    /// Per member: the stream of its bootstrap draws, (seed, .modelBootstrap, m, round).
    var bootstrap: [RandomStream]
    /// Per member: gradient steps taken in this round.
    var stepsTaken: [Int]
    /// Per member: the best holdout loss so far and the W, b that achieved it.
    var bestLoss: [Float?]
    var bestWeights: [FloatStorage?]

    init(index: Int, weights: FloatStorage, trainRows: [Int], holdoutRows: [Int], data: ModelTrainingData,
         normalization: ModelNormalization, members: Int, seed: UInt64) {
        self.index = index
        self.weights = weights
        self.trainRows = trainRows
        let inputs = data.inputWidth, targets = data.targetWidth
        holdoutCount = holdoutRows.count
        holdoutInputs = FloatStorage(count: holdoutCount * inputs)
        holdoutTargets = FloatStorage(count: holdoutCount * targets)
        holdoutWeights = FloatStorage(count: holdoutCount)
        for (k, row) in holdoutRows.enumerated() {
            let x = holdoutInputs.pointer + k * inputs, y = holdoutTargets.pointer + k * targets
            data.copyRow(row, input: x, target: y)
            normalization.normalizeInput(x)
            normalization.normalizeTarget(y)
            holdoutWeights[k] = weights[row]
        }
        bootstrap = (0..<members).map { RandomStream(seed: seed, purpose: .modelBootstrap, $0, index) }
        stepsTaken = Array(repeating: 0, count: members)
        bestLoss = Array(repeating: nil, count: members)
        bestWeights = Array(repeating: nil, count: members)
    }
}
