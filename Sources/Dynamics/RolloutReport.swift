/// What one rollout generation (or one chunk of it) added to the rollout buffer.
public struct RolloutReport: Codable, Sendable, Equatable {
    /// Transitions inserted into the buffer.
    public var transitionsAdded: Int
    /// Start states drawn from the dataset (rollouts begun).
    public var startStates: Int
    /// Rollouts cut short by a terminal transition.
    public var terminated: Int
    /// Mean reward of the inserted transitions (rescaled units, after the out-of-range penalty).
    public var meanReward: Double
    /// Wall-clock time.
    public var seconds: Double

    public init(transitionsAdded: Int, startStates: Int, terminated: Int, meanReward: Double, seconds: Double) {
        self.transitionsAdded = transitionsAdded
        self.startStates = startStates
        self.terminated = terminated
        self.meanReward = meanReward
        self.seconds = seconds
    }
}
