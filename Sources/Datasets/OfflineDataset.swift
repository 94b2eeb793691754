import Numerics

/// The offline dataset the trainer learns from: N transitions (s, a, r, s', d) as contiguous Float32 columns,
/// plus what the algorithm derives from them (algorithm spec §3.1, §5.2): episode starts for μ0, complete-episode
/// returns, the observation range, and reward rescaling.
///
/// Built from a D4RL file by `init(qlearningFrom:sourcePath:)` or from a Minari directory by `MinariDataset`.
/// Immutable once built: copies share the storages, and nobody writes to them.
public struct OfflineDataset: Sendable, TransitionSource {
    public let columns: TransitionColumns
    /// (N): true where the episode was cut by the time limit right after this transition. D4RL's timeout step
    /// itself is not a transition (its successor is unknown), so the flag moves to the transition before it.
    public let timeouts: [Bool]
    /// Row 0 and every row that follows a terminal or timeout: the first transition of each episode.
    public let episodeStarts: [Int]
    /// Undiscounted returns of the episodes that ended by a terminal or a timeout, in file order. Summed over
    /// the file's steps, so a timeout step's reward counts even though that step is not a transition.
    public let episodeReturns: [Double]
    public let metadata: DatasetMetadata
    /// The file or directory it was read from, if any.
    public let sourcePath: String?

    init(columns: TransitionColumns, timeouts: [Bool], episodeReturns: [Double], metadata: DatasetMetadata,
         sourcePath: String?) {
        precondition(timeouts.count == columns.rows, "\(timeouts.count) timeout flags for \(columns.rows) rows")
        self.columns = columns
        self.timeouts = timeouts
        self.episodeReturns = episodeReturns
        self.metadata = metadata
        self.sourcePath = sourcePath
        var starts: [Int] = columns.rows > 0 ? [0] : []
        for row in 1..<max(columns.rows, 1) where columns.terminals[row - 1] != 0 || timeouts[row - 1] {
            starts.append(row)
        }
        episodeStarts = starts
    }

    /// N, the number of transitions.
    public var count: Int { columns.rows }
    public var observationDim: Int { columns.observationDim }
    public var actionDim: Int { columns.actionDim }

    /// (N, S)
    public var observations: Matrix { columns.observations.matrix(rows: count, cols: observationDim) }
    /// (N, A)
    public var actions: Matrix { columns.actions.matrix(rows: count, cols: actionDim) }
    /// (N, 1)
    public var rewards: Matrix { columns.rewards.matrix(rows: count, cols: 1) }
    /// (N, S)
    public var nextObservations: Matrix { columns.nextObservations.matrix(rows: count, cols: observationDim) }
    /// (N, 1), 1 for terminal transitions.
    public var terminals: Matrix { columns.terminals.matrix(rows: count, cols: 1) }

    /// obs_range = 2 · max(|s|, |s'|) per dimension over the dataset (S values); model termination uses it.
    public func observationRange() -> [Float] {
        var range = [Float](repeating: 0, count: observationDim)
        for matrix in [observations, nextObservations] {
            for row in 0..<count {
                for dim in 0..<observationDim { range[dim] = max(range[dim], abs(matrix[row, dim])) }
            }
        }
        return range.map { 2 * $0 }
    }

    /// The smallest and largest reward.
    public func rewardBounds() -> (min: Float, max: Float) {
        let values = UnsafeBufferPointer(columns.rewards.buffer)
        return (values.min() ?? 0, values.max() ?? 0)
    }

    /// The reference's reward rescaling, r̃ = (r − r_min + 1e-3) / (r_max − r_min), as a new array (N); the
    /// trainer decides when to apply it (`replacingRewards`). If every reward is equal the range is 0 and the
    /// divisor becomes 1, so r̃ = 1e-3 rather than Inf.
    public func rescaledRewards() -> FloatStorage {
        let (low, high) = rewardBounds()
        let range = high > low ? high - low : 1
        let rescaled = FloatStorage(count: count)
        for row in 0..<count { rescaled[row] = (columns.rewards[row] - low + 1e-3) / range }
        return rescaled
    }

    /// The same dataset with another reward array (N), for instance `rescaledRewards()`.
    public func replacingRewards(_ rewards: FloatStorage) -> OfflineDataset {
        OfflineDataset(columns: columns.replacingRewards(rewards), timeouts: timeouts, episodeReturns: episodeReturns,
                       metadata: metadata, sourcePath: sourcePath)
    }

    /// Fills each row of `out` (rows, S) with the observation at a uniformly drawn episode start, with
    /// replacement: the μ0 sample of the MIW estimator under `mu0Source = datasetEpisodeStarts` (§5.2).
    public func sampleEpisodeStarts(into out: Matrix, random: inout RandomStream) {
        precondition(out.cols == observationDim, "start states of width \(out.cols) for S = \(observationDim)")
        precondition(!episodeStarts.isEmpty, "the dataset has no episode starts")
        for row in 0..<out.rows {
            let start = episodeStarts[random.int(below: episodeStarts.count)]
            (out.base + row * observationDim).update(from: columns.observations.pointer + start * observationDim,
                                                     count: observationDim)
        }
    }
}

/// The observation and action widths an environment expects, for checking a dataset before training on it.
/// Passed in by the caller so this target does not depend on `Environments`.
public struct ExpectedDimensions: Sendable, Equatable {
    public var envName: String
    public var observationDim: Int
    public var actionDim: Int

    public init(envName: String, observationDim: Int, actionDim: Int) {
        self.envName = envName
        self.observationDim = observationDim
        self.actionDim = actionDim
    }
}

extension OfflineDataset {
    /// Throws `DatasetError.dimensionMismatch` naming the file, the key and the environment if the widths differ.
    public func checkDimensions(_ expected: ExpectedDimensions) throws {
        let path = sourcePath ?? "(dataset in memory)"
        if observationDim != expected.observationDim {
            throw DatasetError.dimensionMismatch(path: path, key: "observations", found: observationDim,
                                                 expected: expected.observationDim, envName: expected.envName)
        }
        if actionDim != expected.actionDim {
            throw DatasetError.dimensionMismatch(path: path, key: "actions", found: actionDim,
                                                 expected: expected.actionDim, envName: expected.envName)
        }
    }
}
