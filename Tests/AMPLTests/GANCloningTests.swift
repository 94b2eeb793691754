import Datasets
import Foundation
import Numerics
import Testing
@testable import AMPL

/// The GAN regulariser alone (warm start) is adversarial behaviour cloning: on data whose actions are a
/// deterministic function of the state, the policy's actions must move toward that function.
@Suite("GAN behaviour cloning")
struct GANCloningTests {
    /// a = tanh(u*) with u* = (2·s₀, −s₁): raw targets in about (−6, 6), like saturated behaviour actions.
    static func target(_ s0: Float, _ s1: Float) -> (Float, Float) { (Foundation.tanh(2 * s0), Foundation.tanh(-s1)) }

    static func dataset(rows n: Int) throws -> OfflineDataset {
        var random = RandomStream(seed: 11, purpose: .test)
        var observations = [Float](), actions = [Float](), next = [Float]()
        for _ in 0..<n {
            let s = (0..<3).map { _ in random.normal() }
            observations += s
            let (a0, a1) = target(s[0], s[1])
            actions += [a0, a1]
            next += s.map { $0 + 0.01 }
        }
        let steps = D4RLSteps(observations: ShapedArray(rows: n, cols: 3, values: observations),
                              actions: ShapedArray(rows: n, cols: 2, values: actions),
                              rewards: [Float](repeating: 0.5, count: n), terminals: [Bool](repeating: false, count: n),
                              timeouts: (0..<n).map { $0 % 100 == 99 },
                              nextObservations: ShapedArray(rows: n, cols: 3, values: next))
        return try OfflineDataset(qlearningFrom: steps)
    }

    /// Mean |π(s) − a*(s)| over the first 256 dataset states, one noise draw each.
    static func cloningError(_ learner: ActorCriticGAN, _ data: OfflineDataset) -> Double {
        let rows = 256
        let workspace = learner.actor.makeWorkspace(maxRows: rows)
        var random = RandomStream(seed: 5, purpose: .policyNoise)
        let actions = learner.actor.forward(data.observations.rows(0, rows), workspace: workspace, random: &random).actions
        var total = 0.0
        for i in 0..<rows {
            let (a0, a1) = target(data.observations[i, 0], data.observations[i, 1])
            total += Double(abs(actions[i, 0] - a0) + abs(actions[i, 1] - a1)) / 2
        }
        return total / Double(rows)
    }

    @Test func warmStartMovesThePolicyTowardTheData() throws {
        let data = try Self.dataset(rows: 4000)
        var config = ActorCriticConfig()
        config.batchSize = 128
        config.noiseDim = 2
        config.actorHidden = [64, 64]
        config.criticHidden = [32, 32]
        config.discriminatorHidden = [64, 64]
        let learner = ActorCriticGAN(observationDim: 3, actionDim: 2, maxAction: 1, config: config, seed: 1)
        let critic = TransitionBatch(size: 128, observationDim: 3, actionDim: 2)
        let gan = TransitionBatch(size: 128, observationDim: 3, actionDim: 2)
        let pairs = TransitionBatch(size: 256, observationDim: 3, actionDim: 2)
        var sampling = RandomStream(seed: 2, purpose: .batchSampling)
        var random = IterationRandom(seed: 3)
        let before = Self.cloningError(learner, data)
        for t in 0..<3000 {
            data.sampleUniformly(into: critic, random: &sampling)
            data.sampleUniformly(into: gan, random: &sampling)
            data.sampleUniformly(into: pairs, random: &sampling)
            _ = try learner.iterate(criticBatch: critic, ganStates: gan.observations, realPairs: pairs, model: FakeModel(actionScale: 0),
                                    termination: Small.termination, warmStart: true, updateActor: t % 2 == 0, random: &random)
        }
        let after = Self.cloningError(learner, data)
        #expect(after < 0.5 * before, "cloning error \(before) → \(after)")
    }
}
