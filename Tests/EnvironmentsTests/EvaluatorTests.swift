import Environments
import Numerics
import Testing

/// Evaluation statistics and seeding.
struct EvaluatorTests {
    /// Always the same torque: a deterministic policy, so returns differ only through the start states.
    final class ConstantPolicy: Policy {
        func act(observation: UnsafeBufferPointer<Float>, rng: inout RandomStream,
                 into action: UnsafeMutableBufferPointer<Float>) {
            action[0] = 0.5
        }
    }

    @Test func statisticsSummariseTheEpisodes() {
        let result = EvaluationResult(spec: PendulumEnvironment.spec, returns: [-1200, -600, 0], lengths: [200, 100, 200])
        #expect(result.meanReturn == -600)
        #expect(abs(result.stdReturn - (240_000.0).squareRoot()) < 1e-9)
        #expect(result.minReturn == -1200 && result.maxReturn == 0)
        #expect(abs(result.meanLength - 500.0 / 3) < 1e-12)
        #expect(result.normalizedScoreMean == 50)
        #expect(abs(result.normalizedScoreStd - 100 * (240_000.0).squareRoot() / 1200) < 1e-9)
    }

    @Test func seedFixesTheEpisodesAndEpisodesDiffer() {
        let evaluator = Evaluator(environment: PendulumEnvironment())
        let policy = RandomPolicy(spec: PendulumEnvironment.spec)
        let first = evaluator.run(policy: policy, episodes: 5, seed: 11)
        let again = evaluator.run(policy: policy, episodes: 5, seed: 11)
        let otherSeed = evaluator.run(policy: policy, episodes: 5, seed: 12)
        #expect(first == again)
        #expect(first.returns != otherSeed.returns)
        #expect(Set(first.returns).count == 5)
    }

    @Test func policiesEvaluatedWithOneSeedShareStartStates() {
        let environment = PendulumEnvironment()
        var starts: [[Double]] = []
        for policy: any Policy in [ConstantPolicy(), RandomPolicy(spec: PendulumEnvironment.spec)] {
            var rng = RandomStream(seed: 3, purpose: .evaluation, 4, 0)   // episode 4's reset stream
            _ = environment.reset(rng: &rng)
            starts.append(environment.qpos + environment.qvel)
            _ = Evaluator(environment: environment).runEpisode(policy: policy, seed: 3, episode: 4)
        }
        #expect(starts[0] == starts[1])
    }

    @Test func randomPolicyStaysInTheActionBox() {
        let policy = RandomPolicy(spec: PendulumEnvironment.spec)
        var rng = RandomStream(seed: 1, purpose: .test)
        var action: [Float] = [0]
        let observation: [Float] = [1, 0, 0]
        for _ in 0..<1000 {
            observation.withUnsafeBufferPointer { observation in
                action.withUnsafeMutableBufferPointer { policy.act(observation: observation, rng: &rng, into: $0) }
            }
            #expect(-2 <= action[0] && action[0] < 2)
        }
    }
}
