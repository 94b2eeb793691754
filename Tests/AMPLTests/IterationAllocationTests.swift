import CAllocationCounter
import Datasets
import Networks
import Numerics
import Testing
@testable import AMPL

@Suite("AMPL hot path")
struct IterationAllocationTests {
    /// One actor-critic-GAN iteration (batch sampling, critic step, GAN batches through a model, actor step with
    /// the Q term, discriminator step, soft updates) makes no heap allocation once warm, with raw states and with
    /// z-scored ones (`actorCritic.normalizeStates`).
    @Test(arguments: [false, true]) func iterationAllocatesNothingAfterWarmUp(scaled: Bool) throws {
        let data = try Small.dataset(episodes: 20)
        let s = Small.observationDim, a = Small.actionDim
        let scaling = scaled ? InputScaling(mean: Array(repeating: 0.5, count: s), std: Array(repeating: 2, count: s)) : nil
        let learner = ActorCriticGAN(observationDim: s, actionDim: a, maxAction: 1, config: Small.actorCritic,
                                     observationScaling: scaling, seed: 1)
        let b = Small.actorCritic.batchSize
        let critic = TransitionBatch(size: b, observationDim: s, actionDim: a)
        let gan = TransitionBatch(size: b, observationDim: s, actionDim: a)
        let pairs = TransitionBatch(size: 2 * b, observationDim: s, actionDim: a)
        let model = FakeModel()
        var sampling = RandomStream(seed: 2, purpose: .batchSampling)
        var random = IterationRandom(seed: 3)

        func iteration(_ t: Int) throws {
            data.sampleUniformly(into: critic, random: &sampling)
            data.sampleUniformly(into: gan, random: &sampling)
            data.sampleUniformly(into: pairs, random: &sampling)
            _ = try learner.iterate(criticBatch: critic, ganStates: gan.observations, realPairs: pairs, model: model,
                                    termination: Small.termination, warmStart: false, updateActor: t % 2 == 0,
                                    random: &random)
        }
        for t in 0..<20 { try iteration(t) }
        let before = ampl_thread_allocation_count()
        for t in 0..<200 { try iteration(t) }
        let allocations = ampl_thread_allocation_count() - before
        #expect(allocations == 0, "\(allocations) heap allocations in 200 iterations")
    }
}
