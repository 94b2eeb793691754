import Numerics

/// A preallocated minibatch of B transitions that samplers fill in place, so the training loop allocates
/// nothing per step. All five matrices are views into one storage owned by the batch.
public struct TransitionBatch: Sendable {
    public let size: Int
    /// (B, S)
    public let observations: Matrix
    /// (B, A)
    public let actions: Matrix
    /// (B, 1)
    public let rewards: Matrix
    /// (B, S)
    public let nextObservations: Matrix
    /// (B, 1): the done mask d, 1 for a terminal transition.
    public let terminals: Matrix
    /// Keeps the views' memory alive for as long as the batch exists.
    private let storage: FloatStorage

    public init(size: Int, observationDim: Int, actionDim: Int) {
        let s = observationDim, a = actionDim
        let storage = FloatStorage(count: size * (2 * s + a + 2))
        // Consecutive blocks: observations, actions, rewards, next observations, terminals.
        self.size = size
        self.storage = storage
        observations = storage.matrix(rows: size, cols: s, offset: 0)
        actions = storage.matrix(rows: size, cols: a, offset: size * s)
        rewards = storage.matrix(rows: size, cols: 1, offset: size * (s + a))
        nextObservations = storage.matrix(rows: size, cols: s, offset: size * (s + a + 1))
        terminals = storage.matrix(rows: size, cols: 1, offset: size * (2 * s + a + 1))
    }
}
