import Numerics

extension OfflineDataset {
    /// Transitions from a D4RL file's steps, following `d4rl.qlearning_dataset` (algorithm spec §3.1):
    ///
    /// - A step is a transition unless it is a timeout step: the time limit ended the episode there, and in
    ///   the reference the row after it already belongs to the next episode. Terminal steps are kept, with d = 1.
    /// - s' is `next_observations[i]` when the file has that key. Otherwise it is `observations[i + 1]`, as in
    ///   qlearning_dataset, and the last step is dropped because it has no following row.
    ///
    /// So for a file without `next_observations` the transitions are exactly qlearning_dataset's. With the key,
    /// the same steps are kept except the last (kept when it is not a timeout, since its s' is known), and a
    /// terminal step's s' is the true final state rather than the next episode's first observation.
    /// `sourcePath` names the file in errors.
    public init(qlearningFrom steps: D4RLSteps, sourcePath: String? = nil) throws {
        let path = sourcePath ?? "(steps in memory)"
        try steps.validate(path: path)
        let hasNextObservations = steps.nextObservations != nil
        let lastStep = steps.count - 1

        // Choose the steps that become transitions, moving each timeout flag onto the transition before it.
        var keptSteps: [Int] = []
        var cutAfter: [Bool] = []
        var episodeHasTransition = false
        for step in 0..<steps.count {
            if steps.timeouts[step] {
                if episodeHasTransition { cutAfter[cutAfter.count - 1] = true }
                episodeHasTransition = false
                continue
            }
            if step == lastStep && !hasNextObservations { break }
            keptSteps.append(step)
            cutAfter.append(false)
            episodeHasTransition = !steps.terminals[step]
        }
        guard !keptSteps.isEmpty else {
            throw DatasetError.empty(path: path, reason: "no transitions remain after dropping timeout steps"
                                     + (hasNextObservations ? "" : " and the last step (no 'next_observations')"))
        }

        let s = steps.observationDim, a = steps.actionDim
        let columns = TransitionColumns(rows: keptSteps.count, observationDim: s, actionDim: a)
        steps.observations.values.withUnsafeBufferPointer { observations in
            let nextSource = steps.nextObservations?.values ?? []
            nextSource.withUnsafeBufferPointer { nextObservations in
                steps.actions.values.withUnsafeBufferPointer { actions in
                    for (row, step) in keptSteps.enumerated() {
                        (columns.observations.pointer + row * s).update(from: observations.baseAddress! + step * s,
                                                                        count: s)
                        let next = hasNextObservations ? nextObservations.baseAddress! + step * s
                                                       : observations.baseAddress! + (step + 1) * s
                        (columns.nextObservations.pointer + row * s).update(from: next, count: s)
                        (columns.actions.pointer + row * a).update(from: actions.baseAddress! + step * a, count: a)
                        columns.rewards[row] = steps.rewards[step]
                        columns.terminals[row] = steps.terminals[step] ? 1 : 0
                    }
                }
            }
        }
        self.init(columns: columns, timeouts: cutAfter, episodeReturns: steps.completeEpisodeReturns,
                  metadata: steps.metadata, sourcePath: sourcePath)
    }
}
