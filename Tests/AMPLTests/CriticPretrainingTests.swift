import Datasets
import Foundation
import Networks
import Numerics
import Testing
@testable import AMPL

@Suite("Critic pre-training on Monte-Carlo returns")
struct CriticPretrainingTests {
    /// G_t = r_t + γ·G_{t+1} inside an episode, G_t = r_t at each episode's last row (timeouts cut with G = 0 after).
    @Test func returnsFollowTheRecurrenceWithinEpisodes() throws {
        let dataset = try Small.dataset(episodes: 4, length: 6)
        let gamma: Float = 0.9
        let returns = DatasetReturns.discounted(dataset, gamma: gamma)
        let starts = Set(dataset.episodeStarts)
        #expect(starts.count == 4)
        for t in 0..<dataset.count {
            let r = dataset.rewards.base[t]
            if t + 1 == dataset.count || starts.contains(t + 1) {
                #expect(returns[t] == r, "row \(t)")
            } else {
                #expect(abs(returns[t] - (r + gamma * returns[t + 1])) < 1e-5, "row \(t)")
            }
        }
    }

    /// Both heads' MSE to the returns falls well below its start, and the target critic equals the critic after.
    @Test func pretrainingFitsTheReturnsAndSyncsTheTarget() throws {
        let dataset = try Small.dataset(episodes: 5, length: 8)
        let learner = Small.learner(seed: 4)
        let returns = DatasetReturns.discounted(dataset, gamma: learner.config.gamma)
        let probe = DatasetValueProbe(critic: learner.critic, dataset: dataset, returns: returns)
        #expect(probe.rows == dataset.count)
        let relabelled = dataset.replacingRewards(returns)
        let batch = TransitionBatch(size: learner.config.batchSize, observationDim: dataset.observationDim,
                                    actionDim: dataset.actionDim)
        var random = RandomStream(seed: 4, purpose: .criticPretraining)
        let before = probe.measure(learner.critic).mse
        for _ in 0..<10_000 {
            relabelled.sampleUniformly(into: batch, random: &random)
            try learner.pretrainCriticStep(batch)
        }
        learner.syncCriticTarget()
        let after = probe.measure(learner.critic)
        #expect(before > 1 && after.mse < 0.1 * before, "MSE \(before) -> \(after.mse)")
        #expect(abs(after.qMean - probe.meanReturn) < 0.25 * probe.meanReturn, "Q \(after.qMean), G \(probe.meanReturn)")
        #expect(learner.criticTarget.params.values.toArray() == learner.critic.params.values.toArray())
    }

    @Test func negativeStepsAreRejected() throws {
        var resolver = ConfigResolver()
        resolver.overrides = ["schedule.criticPretrainSteps=-1"]
        #expect(throws: ConfigError.self) { try resolver.resolve() }
        resolver.overrides = ["schedule.criticPretrainSteps=10"]
        #expect(try resolver.resolve().schedule.criticPretrainSteps == 10)
        resolver.scale = 0.1
        #expect(try resolver.resolve().schedule.criticPretrainSteps == 10)      // not scaled
        #expect(AMPLConfig().schedule.criticPretrainSteps == 0)
    }
}
