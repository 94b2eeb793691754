/// Soft Actor-Critic hyperparameters (Haarnoja et al. 2018, with automatic entropy tuning), the defaults of
/// rlkit's SAC that made D4RL's behaviour policies, except where noted.
public struct SACConfig: Codable, Sendable, Equatable {
    /// Hidden widths of the actor and of each critic head.
    public var hidden: [Int] = [256, 256]
    /// Minibatch size of every update.
    public var batchSize = 256
    /// Discount γ.
    public var gamma: Float = 0.99
    /// Polyak rate of the critic target.
    public var tau: Float = 0.005
    public var actorLearningRate: Float = 3e-4
    public var criticLearningRate: Float = 3e-4
    public var alphaLearningRate: Float = 3e-4
    /// Target entropy; nil means −(action dimension).
    public var targetEntropy: Float?
    /// Environment steps with uniform random actions before learning starts.
    public var randomSteps = 10_000
    /// Replay capacity in transitions (rlkit: 1e6).
    public var replayCapacity = 1_000_000
    /// Gradient updates per environment step.
    public var updatesPerStep = 1

    public init() {}
}
