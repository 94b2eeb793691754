import Numerics

/// Transitions (s, a, r, s', d) stored as five parallel Float32 arrays, one row per transition: the layout
/// behind both the offline dataset and the ring buffers, chosen so a batch gather copies each row of each
/// array with one short memcpy.
///
/// Ownership: the storages are shared by reference. Whoever owns the dataset or buffer is the only writer.
public struct TransitionColumns: Sendable {
    public let rows: Int
    public let observationDim: Int
    public let actionDim: Int
    /// (rows, S)
    public let observations: FloatStorage
    /// (rows, A)
    public let actions: FloatStorage
    /// (rows)
    public let rewards: FloatStorage
    /// (rows, S)
    public let nextObservations: FloatStorage
    /// (rows): 1 where the episode ended in a terminal state at this step (the done mask d), else 0.
    public let terminals: FloatStorage

    /// Zero-filled columns for `rows` transitions.
    public init(rows: Int, observationDim: Int, actionDim: Int) {
        self.init(rows: rows, observationDim: observationDim, actionDim: actionDim,
                  observations: FloatStorage(count: rows * observationDim),
                  actions: FloatStorage(count: rows * actionDim),
                  rewards: FloatStorage(count: rows),
                  nextObservations: FloatStorage(count: rows * observationDim),
                  terminals: FloatStorage(count: rows))
    }

    init(rows: Int, observationDim: Int, actionDim: Int, observations: FloatStorage, actions: FloatStorage,
         rewards: FloatStorage, nextObservations: FloatStorage, terminals: FloatStorage) {
        precondition(observations.count == rows * observationDim && nextObservations.count == rows * observationDim
                     && actions.count == rows * actionDim && rewards.count == rows && terminals.count == rows,
                     "TransitionColumns: storage sizes do not match \(rows) rows of S=\(observationDim), A=\(actionDim)")
        self.rows = rows
        self.observationDim = observationDim
        self.actionDim = actionDim
        self.observations = observations
        self.actions = actions
        self.rewards = rewards
        self.nextObservations = nextObservations
        self.terminals = terminals
    }

    /// The same columns with another reward array (used to apply reward rescaling without copying the rest).
    func replacingRewards(_ newRewards: FloatStorage) -> TransitionColumns {
        precondition(newRewards.count == rows, "replacing \(rows) rewards with \(newRewards.count)")
        return TransitionColumns(rows: rows, observationDim: observationDim, actionDim: actionDim,
                                 observations: observations, actions: actions, rewards: newRewards,
                                 nextObservations: nextObservations, terminals: terminals)
    }

    /// Copies transition `row` into slot `slot` of `batch`.
    @inline(__always)
    func copyRow(_ row: Int, into batch: TransitionBatch, slot: Int) {
        let s = observationDim, a = actionDim
        (batch.observations.base + slot * s).update(from: observations.pointer + row * s, count: s)
        (batch.actions.base + slot * a).update(from: actions.pointer + row * a, count: a)
        batch.rewards.base[slot] = rewards.pointer[row]
        (batch.nextObservations.base + slot * s).update(from: nextObservations.pointer + row * s, count: s)
        batch.terminals.base[slot] = terminals.pointer[row]
    }
}
