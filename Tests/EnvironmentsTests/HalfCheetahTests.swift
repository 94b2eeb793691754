import Environments
import Numerics
import Testing

/// HalfCheetah-v4 rules and the uniform-random baseline (environments-and-datasets.md §2, §3).
struct HalfCheetahTests {
    @Test func randomPolicyMatchesTheD4RLReferenceMinimum() throws {
        let evaluator = Evaluator(environment: try HalfCheetah.make())
        let result = evaluator.run(policy: RandomPolicy(spec: HalfCheetah.spec), episodes: 100, seed: 2022)
        #expect(abs(result.meanReturn - ReferenceScores.halfCheetah.minimum) < 20, "mean \(result.meanReturn)")
        #expect(result.meanLength == 1000)
        #expect(abs(result.normalizedScoreMean) < 0.2)
    }

    @Test func observationIsPositionsWithoutXThenUnclippedVelocities() throws {
        let cheetah = try HalfCheetah.make()
        let qpos: [Double] = [5, 0.5, 0.1, -0.1, 0.2, -0.2, 0.3, -0.3, 0.4]
        let qvel: [Double] = [20, -30, 1, 2, 3, 4, 5, 6, 70]
        cheetah.setState(qpos: qpos, qvel: qvel)
        let expected: [Float] = [0.5, 0.1, -0.1, 0.2, -0.2, 0.3, -0.3, 0.4, 20, -30, 1, 2, 3, 4, 5, 6, 70]
        #expect(cheetah.observation() == expected)
    }

    @Test func rewardIsForwardVelocityMinusControlCostOnTheUnclippedAction() throws {
        let cheetah = try HalfCheetah.make()
        var rng = RandomStream(seed: 1, purpose: .test)
        _ = cheetah.reset(rng: &rng)
        let start = (cheetah.qpos, cheetah.qvel)

        let inBox: [Float] = [1, -1, 0.5, 0, 0, 0]
        let outOfBox: [Float] = [3, -2, 0.5, 0, 0, 0]                 // MuJoCo clamps this to `inBox`
        let xBefore = cheetah.qpos[0]
        let (observationInBox, outcomeInBox) = cheetah.step(inBox)
        let forwardVelocity = (cheetah.qpos[0] - xBefore) / 0.05
        #expect(abs(outcomeInBox.reward - (forwardVelocity - 0.1 * 2.25)) < 1e-9)

        cheetah.setState(qpos: start.0, qvel: start.1)
        let (observationOutOfBox, outcomeOutOfBox) = cheetah.step(outOfBox)
        #expect(observationOutOfBox == observationInBox, "the simulator clamps controls to ctrlrange")
        #expect(abs(outcomeOutOfBox.reward - (forwardVelocity - 0.1 * 13.25)) < 1e-9)
    }

    @Test func episodesAreTruncatedAtStepThousandAndNeverTerminated() throws {
        let cheetah = try HalfCheetah.make()
        var rng = RandomStream(seed: 2, purpose: .test)
        _ = cheetah.reset(rng: &rng)
        let zero = [Float](repeating: 0, count: 6)
        for step in 1...1000 {
            let outcome = cheetah.step(zero).outcome
            #expect(!outcome.terminated)
            if outcome.truncated != (step == 1000) {
                Issue.record("step \(step): truncated \(outcome.truncated)")
                break
            }
        }
        _ = cheetah.reset(rng: &rng)
        #expect(cheetah.elapsedSteps == 0)
    }

    @Test func resetNoiseIsUniformOnPositionsAndNormalOnVelocities() throws {
        let cheetah = try HalfCheetah.make()
        var rng = RandomStream(seed: 4, purpose: .test)
        var largestPosition = 0.0
        var velocitySquares = 0.0
        let resets = 200
        for _ in 0..<resets {
            _ = cheetah.reset(rng: &rng)
            largestPosition = max(largestPosition, cheetah.qpos.map(abs).max()!)
            velocitySquares += cheetah.qvel.reduce(0) { $0 + $1 * $1 }
        }
        #expect(largestPosition <= 0.1 && largestPosition > 0.09)
        let velocityStd = (velocitySquares / Double(resets * 9)).squareRoot()
        #expect(abs(velocityStd - 0.1) < 0.01, "std \(velocityStd)")
    }

    @Test func sameSeedGivesTheSameEpisode() throws {
        let first = Evaluator(environment: try HalfCheetah.make())
        let second = Evaluator(environment: try HalfCheetah.make())
        let policy = RandomPolicy(spec: HalfCheetah.spec)
        #expect(first.runEpisode(policy: policy, seed: 9, episode: 3) == second.runEpisode(policy: policy, seed: 9, episode: 3))
    }
}
