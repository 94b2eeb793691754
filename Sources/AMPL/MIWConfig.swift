/// How an ω round evaluates the frozen Q quantities of its loss (algorithm spec §5.3).
public enum MIWQEvaluation: String, Codable, Sendable, CaseIterable {
    /// After `copySyncSteps` reference steps, q_i, v_i and the start term come from tables computed once per round.
    case precomputed
    /// Every quantity recomputed at every step with the drifting copy Q̃, exactly as the reference.
    case perStep
}

/// Hyperparameters of the MIW estimator ω(s, a) ("TD-DICE", algorithm spec §3.5, §4.5, §5.3).
public struct MIWConfig: Codable, Sendable, Equatable {
    /// Hidden widths of ω (LeakyReLU 0.01; the last layer starts at U(±3e-3), b = 0).
    public var hidden = [400, 300]
    /// α of ω = (softplus(x − 1e-8) + 1e-8)^α (0.5 for MuJoCo, 0.2 for Maze2D and Adroit).
    public var power: Float = 0.5
    /// Adam learning rate of ω (no weight decay, default betas).
    public var learningRate: Float = 1e-6
    /// Global gradient-norm clip over ω's parameters, after the constraint correction.
    public var gradientClip: Float = 1.0
    /// δ of the Huber loss on pred − target (two batch means).
    public var huberDelta: Float = 1.0
    /// The constraint correction pushes toward mean ω ≤ this.
    public var constraintThreshold: Float = 10
    /// Dataset rows per step.
    public var batchSize = 1024
    /// μ0 states drawn (with replacement) per step for the start term.
    public var startStates = 2048
    /// Rate of the ω̄ and Q̃ soft updates (the reference's `beta` = 2τ).
    public var targetRate: Float = 0.01
    /// Whether the frozen Q quantities are precomputed once per round or recomputed every step.
    public var qEvaluation = MIWQEvaluation.precomputed
    /// Steps at the start of each round run in per-step mode so that Q̃ reaches the online critic (0.99^2000 ≈ 2e-9).
    public var copySyncSteps = 2000
    /// M: policy draws per dataset row averaged into the precomputed v_i.
    public var nextActionDraws = 1
    /// The start-term table averages at least this many μ0 evaluations (the reference's pool of 100,000 resets).
    public var startTermEvaluations = 100_000

    public init() {}
}
