import Datasets
import Numerics

/// Discounted Monte-Carlo returns of the offline data, row by row: G_t = r_t + γ·G_{t+1} while row t + 1 continues
/// row t's episode, G_t = r_t at the episode's last row. Episodes split where the dataset's terminals and timeouts
/// say (`OfflineDataset.episodeStarts`). A truncated episode (a timeout, or the file's last row) is cut with G = 0
/// after its last row: no bootstrap, so returns near a time-limit cut are lower than the policy's true values.
/// Rewards are the dataset's, i.e. the rescaled r̃ the critic learns from.
enum DatasetReturns {
    static func discounted(_ dataset: OfflineDataset, gamma: Float) -> FloatStorage {
        let n = dataset.count
        let returns = FloatStorage(count: n)
        let rewards = dataset.rewards, terminals = dataset.terminals
        var next = 0.0
        for t in stride(from: n - 1, through: 0, by: -1) {
            let continues = t + 1 < n && terminals.base[t] == 0 && !dataset.timeouts[t]
            let g = Double(rewards.base[t]) + (continues ? Double(gamma) * next : 0)
            returns[t] = Float(g)
            next = g
        }
        return returns
    }
}

/// The critic against the data on a fixed sample of dataset rows (evenly spaced, no random draws): the mean
/// min(Q1, Q2)(s, a) there, the mean discounted Monte-Carlo return of the same rows, and each head's MSE to those
/// returns. The same rows in every epoch, in resumed and distributed runs alike.
final class DatasetValueProbe {
    let rows: Int
    let observations: FloatStorage   // (rows, S)
    let actions: FloatStorage        // (rows, A)
    let returns: FloatStorage        // (rows)
    let workspace: TwinCriticWorkspace
    let chunk: Int
    /// Mean Monte-Carlo return of the sampled rows.
    let meanReturn: Double

    init(critic: TwinCritic, dataset: OfflineDataset, returns all: FloatStorage, rows: Int = 2048, chunk: Int = 512) {
        let n = dataset.count, s = dataset.observationDim, a = dataset.actionDim
        self.rows = min(rows, n)
        self.chunk = max(1, min(chunk, self.rows))
        observations = FloatStorage(count: self.rows * s)
        actions = FloatStorage(count: self.rows * a)
        returns = FloatStorage(count: self.rows)
        var total = 0.0
        for i in 0..<self.rows {
            let row = i * n / self.rows
            (observations.pointer + i * s).update(from: dataset.observations.base + row * s, count: s)
            (actions.pointer + i * a).update(from: dataset.actions.base + row * a, count: a)
            returns[i] = all[row]
            total += Double(all[row])
        }
        meanReturn = total / Double(max(self.rows, 1))
        workspace = critic.makeWorkspace(maxRows: self.chunk)
    }

    /// mean min(Q1, Q2)(s, a) and the mean over both heads of mean (Q_h(s, a) − G)², on the sampled rows.
    func measure(_ critic: TwinCritic) -> (qMean: Double, mse: Double) {
        let s = critic.observationDim, a = critic.actionDim
        var qTotal = 0.0, squares = 0.0
        var start = 0
        while start < rows {
            let count = min(chunk, rows - start)
            let (q1, q2) = critic.forward(observations: observations.matrix(rows: count, cols: s, offset: start * s),
                                          actions: actions.matrix(rows: count, cols: a, offset: start * a),
                                          workspace: workspace)
            for i in 0..<count {
                let g = returns[start + i]
                qTotal += Double(min(q1.base[i], q2.base[i]))
                let d1 = Double(q1.base[i] - g), d2 = Double(q2.base[i] - g)
                squares += 0.5 * (d1 * d1 + d2 * d2)
            }
            start += count
        }
        let n = Double(max(rows, 1))
        return (qTotal / n, squares / n)
    }
}
