/// When things happen (spec ampl-algorithm §4.1, §5.5). `--scale s` scales the fields marked "scaled".
public struct Schedule: Codable, Sendable, Equatable {
    /// Actor-critic epochs. Scaled.
    public var epochs = 1000
    /// AC iterations per epoch (the reference's `eval_freq`); an evaluation follows every epoch.
    public var itersPerEpoch = 1000
    /// Epochs between model rounds (an ω round, then a weighted model fit); rounds run at e mod this = 0. Scaled.
    public var modelRetrainPeriodEpochs = 100
    /// Epochs whose actor loss is the GAN term only; the real-fraction anneal starts after them. Scaled.
    public var warmStartEpochs = 40
    /// Epochs per decrement of the real-data fraction. Scaled.
    public var realFractionStepEpochs = 5
    /// Size of each decrement of the real-data fraction.
    public var realFractionStep = 0.1
    /// Lower bound f of the real-data fraction.
    public var realFractionFinal = 0.5
    /// AC iterations between model-rollout generations. Scaled.
    public var rolloutGenerationFreq = 250
    /// ω steps per model round (none before the first fit). Scaled.
    public var miwStepsPerRound = 100_000
    /// Capacity of the generated-data buffer, in epochs of generated data.
    public var rolloutRetainEpochs = 5
    /// Critic pre-training steps before epoch 1 (a deviation from the reference, which has none; docs/algorithm.md):
    /// both twin-critic heads regress on dataset rows' discounted Monte-Carlo returns, minibatches of
    /// `actorCritic.batchSize` rows, the critic's Adam, then the target critic is set to the critic. 0 = off.
    /// Not scaled: it is the number of steps the critic needs to fit the returns, whatever the run's length.
    public var criticPretrainSteps = 0

    public init() {}

    /// `--scale s`: each scaled field v becomes max(1, ⌊s·v + 0.5⌋); nothing else changes.
    public func scaled(by s: Double) -> Schedule {
        func scale(_ v: Int) -> Int { max(1, Int((s * Double(v) + 0.5).rounded(.down))) }
        var out = self
        out.epochs = scale(epochs)
        out.modelRetrainPeriodEpochs = scale(modelRetrainPeriodEpochs)
        out.warmStartEpochs = scale(warmStartEpochs)
        out.realFractionStepEpochs = scale(realFractionStepEpochs)
        out.rolloutGenerationFreq = scale(rolloutGenerationFreq)
        out.miwStepsPerRound = scale(miwStepsPerRound)
        return out
    }

    /// The real-data fraction p(n) of epoch n (counted from 1), spec §4.2:
    /// clip(1 − step·⌊(n − (warmStart + 1)) / stepEpochs⌋, f, 1).
    public func realFraction(epoch n: Int) -> Double {
        let steps = (Double(n - (warmStartEpochs + 1)) / Double(realFractionStepEpochs)).rounded(.down)
        return min(1, max(realFractionFinal, 1 - realFractionStep * steps))
    }

    /// Rows of a batch of `batchSize` taken from the offline data in epoch n: ⌊p·B⌋ in double precision.
    public func realRows(epoch n: Int, batchSize: Int) -> Int {
        Int((realFraction(epoch: n) * Double(batchSize)).rounded(.down))
    }

    /// Whether a model round (ω round, then model fit) runs before the epoch that follows `completedEpochs`.
    public func isModelRound(completedEpochs e: Int) -> Bool { e % modelRetrainPeriodEpochs == 0 && e < epochs }

    /// Whether generated data enters critic and actor batches in epoch n (spec §1.3: after the real-only phase).
    public func usesGeneratedData(epoch n: Int) -> Bool { realRows(epoch: n, batchSize: 1 << 20) < 1 << 20 }
}
