/// What one actor–critic–GAN iteration measured: the losses of spec §3.6–§3.7 and the values behind them.
public struct IterationLosses: Sendable, Equatable {
    /// Huber(Q1, y) + Huber(Q2, y), δ = 500.
    public var critic: Float = 0
    /// The critic's global gradient norm before clipping.
    public var criticGradientNorm: Float = 0
    /// Mean of y = r + (1 − d)·γ·Q'·1[|Q'| < 2000].
    public var targetMean: Float = 0
    /// Fraction of rows whose bootstrap value was zeroed by the |Q'| < 2000 mask.
    public var maskedFraction: Float = 0
    /// Mean Q1(s, a) of the critic batch before the step.
    public var criticQMean: Float = 0
    /// L_π: L_G during warm start, else −(λ/Q̄_abs)·mean min(Q1, Q2) + L_G. Computed every iteration.
    public var actor: Float = 0
    /// L_G = BCE(D(fake), 1).
    public var generator: Float = 0
    /// L_D = ½[BCE(D(real), y_real) + BCE(D(fake), 0)].
    public var discriminator: Float = 0
    /// mean min(Q1, Q2)(s_b, π(s_b)) under the online critic after its step.
    public var qMean: Float = 0
    /// mean |min(Q1, Q2)|(s_b, π(s_b)), the value this iteration's EMA update blends in.
    public var qAbsMean: Float = 0
    /// Q̄_abs as the actor loss used it (before this iteration's EMA update).
    public var qAbsEMA: Float = 0
    /// Rows of the fake (and real) discriminator batch: B + the non-terminal model next states.
    public var fakeRows = 0
    /// Mean D(real) and mean D(fake) before the discriminator step.
    public var discriminatorReal: Float = 0
    public var discriminatorFake: Float = 0
    /// Whether the actor took a step this iteration.
    public var actorUpdated = false

    public init() {}
}
