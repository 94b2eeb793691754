/// What one ω round did (algorithm spec §3.5, §5.3).
public struct MIWRoundReport: Sendable, Equatable {
    /// Mean Huber loss over the round's steps.
    public var loss: Float = 0
    /// The last step's loss, pred = mean ω·Q and target = start + γ·mean v·ω̄.
    public var finalLoss: Float = 0
    public var finalPred: Float = 0
    public var finalTarget: Float = 0
    /// Mean of the per-step batch means of ω over the round.
    public var meanWeight: Float = 0
    /// Smallest and largest ω seen in the round's batches.
    public var minWeight: Float = .infinity
    public var maxWeight: Float = -.infinity
    public var steps = 0
    /// Steps that ran in per-step mode (all of them under `perStep`, the copy-sync steps under `precomputed`).
    public var perStepSteps = 0
    public var seconds: Double = 0
    /// Time spent building the precomputed tables (included in `seconds`).
    public var tableSeconds: Double = 0
    public var mode: MIWQEvaluation = .precomputed

    public init() {}
}
