/// Hyperparameters of the actor–critic–GAN learner (algorithm spec §3.2, §3.6, §3.7, §3.10, §4.3–§4.6), with the
/// values of the paper run (`submit_jobs_server_gan.py`) as defaults.
public struct ActorCriticConfig: Codable, Sendable, Equatable {
    /// B: rows of the critic batch, of the GAN state batch s_f, and of the actor's Q-term batch.
    public var batchSize = 512
    /// Discount γ.
    public var gamma: Float = 0.99
    /// Polyak rate τ of the critic target, the actor target and the |Q| EMA Q̄_abs.
    public var tau: Float = 0.005

    /// Adam learning rate of the implicit actor.
    public var actorLearningRate: Float = 2e-4
    /// Adam β1 of the actor and of the discriminator (the reference's GAN-style (0.4, 0.999)).
    public var ganBeta1: Float = 0.4
    /// Adam β2 of the actor and of the discriminator.
    public var ganBeta2: Float = 0.999
    /// Adam learning rate of the twin critic (PyTorch's default betas).
    public var criticLearningRate: Float = 3e-4
    /// Adam learning rate of the discriminator.
    public var discriminatorLearningRate: Float = 2e-4

    /// Global gradient-norm clip of the twin critic, over both heads.
    public var criticGradientClip: Float = 0.1
    /// λ_c of the conservative target 0.75·min(Q1ᵗ, Q2ᵗ) + 0.25·max(Q1ᵗ, Q2ᵗ) (`lmbda`).
    public var conservativeLambda: Float = 0.75
    /// Bootstrap values with |Q'| ≥ this are zeroed in the critic target.
    public var bootstrapMask: Float = 2000
    /// δ of the critic's Huber loss (each head; the two losses are summed).
    public var criticHuberDelta: Float = 500

    /// The actor steps when the global iteration t satisfies t mod policyFrequency = 0.
    public var policyFrequency = 2
    /// λ of the actor loss −(λ / Q̄_abs)·mean min(Q1, Q2) + L_G (`log_lagrange`, a plain coefficient).
    public var actorLossWeight: Float = 10

    /// k, the width of the implicit actor's noise input; below 1 means min(10, ⌊S/2⌋) (spec §3.2).
    public var noiseDim = 50
    /// σ of the policy noise ε ~ N(0, σ²) (1e-3 for the human and cloned datasets).
    public var noiseStd: Float = 1.0
    /// The scaled noise is clamped to ±noiseClamp.
    public var noiseClamp: Float = 3
    /// Real labels of the discriminator are drawn from U[labelSmoothingLow, 1) per row.
    public var labelSmoothingLow: Float = 0.8
    /// Dataset actions are mapped to raw space by atanh(clamp(a / maxAction, ±atanhClamp)) (float32: 0.99999988).
    public var atanhClamp: Float = 1 - 1e-7

    /// Hidden widths of the implicit actor (LeakyReLU 0.01).
    public var actorHidden = [400, 300]
    /// Hidden widths of each critic head.
    public var criticHidden = [400, 300]
    /// Hidden widths of the discriminator.
    public var discriminatorHidden = [400, 300]

    /// Z-score the state inputs of the actor, the critic and the discriminator with the dataset's per-column
    /// mean and std (the statistics the dynamics model uses for s). `false` feeds raw states, as the reference
    /// does; see docs/algorithm.md for why `quick` turns it on.
    public var normalizeStates = false

    /// Evaluation draws this many actor samples per state and executes the one with the highest min(Q1, Q2).
    public var evaluationCandidates = 10

    public init() {}

    /// k for an observation width S: `noiseDim`, or the reference's automatic min(10, ⌊S/2⌋) when it is below 1.
    public func effectiveNoiseDim(observationDim: Int) -> Int {
        noiseDim >= 1 ? noiseDim : min(10, observationDim / 2)
    }
}
