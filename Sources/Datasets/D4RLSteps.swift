/// The contents of a D4RL-layout HDF5 file exactly as stored: one row per environment step, episodes
/// concatenated (environments-and-datasets.md §4.3). `D4RLFile` reads and writes this; `OfflineDataset`
/// turns it into training transitions the way `d4rl.qlearning_dataset` does.
public struct D4RLSteps: Sendable, Equatable {
    /// (N, S) `observations`: the state before each step.
    public var observations: ShapedArray
    /// (N, A) `actions`
    public var actions: ShapedArray
    /// (N) `rewards`
    public var rewards: [Float]
    /// (N) `terminals`: the environment ended the episode at this step.
    public var terminals: [Bool]
    /// (N) `timeouts`: this step was the episode's last by the time limit. All false when the file has none.
    public var timeouts: [Bool]
    /// (N, S) `next_observations`, when the file has them.
    public var nextObservations: ShapedArray?
    /// (N, nq) `infos/qpos`, the simulator position before the step.
    public var qpos: ShapedArray?
    /// (N, nv) `infos/qvel`, the simulator velocity before the step.
    public var qvel: ShapedArray?
    /// (N) `infos/action_log_probs` of the behaviour policy.
    public var actionLogProbs: [Float]?
    public var metadata: DatasetMetadata
    /// The behaviour policy's arrays under `metadata/policy/`, keyed by the rest of the path ("fc0/weight").
    public var policyArrays: [String: ShapedArray]

    public init(observations: ShapedArray, actions: ShapedArray, rewards: [Float], terminals: [Bool],
                timeouts: [Bool], nextObservations: ShapedArray? = nil, qpos: ShapedArray? = nil,
                qvel: ShapedArray? = nil, actionLogProbs: [Float]? = nil, metadata: DatasetMetadata = DatasetMetadata(),
                policyArrays: [String: ShapedArray] = [:]) {
        self.observations = observations
        self.actions = actions
        self.rewards = rewards
        self.terminals = terminals
        self.timeouts = timeouts
        self.nextObservations = nextObservations
        self.qpos = qpos
        self.qvel = qvel
        self.actionLogProbs = actionLogProbs
        self.metadata = metadata
        self.policyArrays = policyArrays
    }

    /// N, the number of steps.
    public var count: Int { observations.rows }
    public var observationDim: Int { observations.cols }
    public var actionDim: Int { actions.cols }

    /// The D4RL key of each per-step array with its row count, in file order (optional keys only if present).
    var rowCounts: [(key: String, rows: Int)] {
        var counts: [(String, Int)] = [("observations", observations.rows), ("actions", actions.rows),
                                       ("rewards", rewards.count), ("terminals", terminals.count),
                                       ("timeouts", timeouts.count)]
        if let nextObservations { counts.append(("next_observations", nextObservations.rows)) }
        if let qpos { counts.append(("infos/qpos", qpos.rows)) }
        if let qvel { counts.append(("infos/qvel", qvel.rows)) }
        if let actionLogProbs { counts.append(("infos/action_log_probs", actionLogProbs.count)) }
        return counts
    }

    /// The D4RL key of each per-step float array with its values and row width, for the finiteness check.
    var floatColumns: [(key: String, values: [Float], width: Int)] {
        var columns: [(String, [Float], Int)] = [("observations", observations.values, observationDim),
                                                 ("actions", actions.values, actionDim), ("rewards", rewards, 1)]
        if let nextObservations { columns.append(("next_observations", nextObservations.values, nextObservations.cols)) }
        if let qpos { columns.append(("infos/qpos", qpos.values, qpos.cols)) }
        if let qvel { columns.append(("infos/qvel", qvel.values, qvel.cols)) }
        if let actionLogProbs { columns.append(("infos/action_log_probs", actionLogProbs, 1)) }
        return columns
    }

    /// Checks what the reader and the writer both rely on: at least one step, every per-step key with N rows,
    /// next observations as wide as observations, and no NaN or Inf in the float arrays. `path` is the file
    /// named in the error.
    public func validate(path: String) throws {
        guard count > 0 else { throw DatasetError.empty(path: path, reason: "'observations' has no rows") }
        for (key, rows) in rowCounts where rows != count {
            throw DatasetError.lengthMismatch(path: path, key: key, rows: rows, otherKey: "observations",
                                              otherRows: count)
        }
        if let nextObservations, nextObservations.cols != observationDim {
            throw DatasetError.badShape(path: path, key: "next_observations", shape: nextObservations.shape,
                                        expected: "the width of 'observations', \(observationDim)")
        }
        for (key, values, width) in floatColumns {
            if let index = values.firstIndex(where: { !$0.isFinite }) {
                throw DatasetError.nonFinite(path: path, key: key, row: index / max(width, 1))
            }
        }
    }
}

extension D4RLSteps {
    /// Returns of the episodes that end in a terminal or timeout step; a trailing unfinished episode is left out.
    public var completeEpisodeReturns: [Double] {
        var returns: [Double] = []
        var total = 0.0
        for step in 0..<count {
            total += Double(rewards[step])
            if terminals[step] || timeouts[step] {
                returns.append(total)
                total = 0
            }
        }
        return returns
    }
}
