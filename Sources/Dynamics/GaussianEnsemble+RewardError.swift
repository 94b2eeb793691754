import Datasets
import Networks
import Numerics

extension GaussianEnsemble {
    /// Mean |μ_r(s, a) − r| over `rows` of `dataset` and over the elites, where μ_r is an elite's de-normalised
    /// predicted mean reward (no sampling noise, no random numbers): how well the fitted model predicts the
    /// rewards it feeds the rollouts. In the dataset's reward units (the rescaled r̃ in training).
    public func meanAbsoluteRewardError(dataset: OfflineDataset, rows: [Int], chunkRows: Int = 1024) -> Double {
        guard !rows.isEmpty, !elites.isEmpty else { return .nan }
        let s = observationDim, a = actionDim, width = inputWidth, d = targetWidth
        let chunk = min(chunkRows, rows.count)
        let inputs = FloatStorage(count: chunk * width)
        let workspace = network.makeWorkspace(maxRows: chunk)
        let norm = normalization
        let columns = dataset.columns
        var total = 0.0
        var start = 0
        while start < rows.count {
            let count = min(chunk, rows.count - start)
            for k in 0..<count {
                let row = rows[start + k], x = inputs.pointer + k * width
                x.update(from: columns.observations.pointer + row * s, count: s)
                (x + s).update(from: columns.actions.pointer + row * a, count: a)
                norm.normalizeInput(x)
            }
            for m in elites {
                let out = network.forward(inputs.matrix(rows: count, cols: width), params: memberParams[m], workspace: workspace)
                for k in 0..<count {
                    let predicted = out.base[k * 2 * d] * norm.targetStd[0] + norm.targetMean[0]
                    total += Double(abs(predicted - columns.rewards.pointer[rows[start + k]]))
                }
            }
            start += count
        }
        return total / Double(rows.count * elites.count)
    }
}
