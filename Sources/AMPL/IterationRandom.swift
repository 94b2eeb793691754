import Numerics

/// The random streams one actor–critic–GAN iteration draws from, kept apart as the porting checklist asks
/// (spec §8) so that, e.g., a change in label smoothing does not shift the policy noise. The trainer keys them per
/// run and saves them in its checkpoints.
public struct IterationRandom: Codable, Sendable, Equatable {
    /// ε of every implicit-policy forward pass (critic target, GAN batches, actor loss).
    public var policyNoise: RandomStream
    /// The elite member picked per row when the model predicts ŝ'.
    public var modelElite: RandomStream
    /// The model's Gaussian sample for ŝ'.
    public var modelNoise: RandomStream
    /// The discriminator's soft real labels y ~ U[0.8, 1).
    public var labels: RandomStream

    public init(policyNoise: RandomStream, modelElite: RandomStream, modelNoise: RandomStream, labels: RandomStream) {
        self.policyNoise = policyNoise
        self.modelElite = modelElite
        self.modelNoise = modelNoise
        self.labels = labels
    }

    /// The four streams of a run seed, keyed by purpose (and `indices`, e.g. a worker or a test case).
    public init(seed: UInt64, indices: [UInt64] = []) {
        self.init(policyNoise: RandomStream(seed: seed, purpose: .policyNoise, indices: indices),
                  modelElite: RandomStream(seed: seed, purpose: .eliteChoice, indices: indices),
                  modelNoise: RandomStream(seed: seed, purpose: .modelNoise, indices: indices),
                  labels: RandomStream(seed: seed, purpose: .labelNoise, indices: indices))
    }
}
