/// Hyperparameters of the dynamics ensemble and of its weighted-MLE fit (algorithm spec §3.3–§3.4). Defaults are
/// the paper run's.
public struct EnsembleConfig: Codable, Sendable, Equatable {
    /// E, the number of members.
    public var members = 7
    /// K, how many members with the lowest holdout loss are used for sampling.
    public var elites = 5
    /// Widths of the hidden layers (SiLU after each).
    public var hidden = [200, 200, 200, 200]
    /// Adam's learning rate.
    public var learningRate: Float = 1e-3
    /// Coupled L2 weight decay per layer: one value per hidden layer, then one for the output heads. The learned
    /// log-std bounds have none.
    public var weightDecay: [Float] = [2.5e-5, 5e-5, 7.5e-5, 7.5e-5, 1e-4]
    /// Rows per member in one gradient step, drawn with replacement from the train split.
    public var batchSize = 128
    /// The holdout share of the dataset: n_train = max(⌊(1 − fraction)·N⌋, N − maxHoldout).
    public var holdoutFraction = 0.2
    /// The largest holdout (the reference's 8092, not 8192).
    public var maxHoldout = 8092
    /// Gradient steps in one model epoch; early stopping is checked after each.
    public var stepsPerModelEpoch = 1000
    /// Stop after this many consecutive model epochs in which no member improved.
    public var patience = 10
    /// A member improves when (best − current)/|best| exceeds this.
    public var improvementThreshold: Float = 0.01
    /// A hard cap on the gradient steps of one fit (never reached in practice).
    public var maxSteps = 10_000_000
    /// Initial value of every member's learned upper log-std bound (log-variance 0.5).
    public var initialMaxLogStd: Float = 0.25
    /// Initial value of every member's learned lower log-std bound (log-variance −10).
    public var initialMinLogStd: Float = -5
    /// c in the training loss term c·Σ 2·maxLogStd − c·Σ 2·minLogStd.
    public var boundPenalty: Float = 0.01

    public init() {}
}
