import CAllocationCounter
import Datasets
import Numerics
import Testing
@testable import AMPL

@Suite("AMPL hot path")
struct IterationAllocationTests {
    /// One actor-critic-GAN iteration (batch sampling, critic step, GAN batches through a model, actor step with
    /// the Q term, discriminator step, soft updates) makes no heap allocation once warm.
    @Test func iterationAllocatesNothingAfterWarmUp() throws {
        let data = try Small.dataset(episodes: 20)
        let learner = Small.learner()
        let b = Small.actorCritic.batchSize, s = Small.observationDim, a = Small.actionDim
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
