import Environments
import Numerics
import Testing

/// Pendulum-v1 one-step values, computed by hand from gymnasium's formulas (see `PendulumEnvironment`).
struct PendulumTests {
    /// Sets (θ, θ̇), takes one step with torque `u`, returns the new state and the reward.
    func step(angle: Double, velocity: Double, torque: Float) -> (angle: Double, velocity: Double, reward: Double) {
        let pendulum = PendulumEnvironment()
        pendulum.setState(qpos: [angle], qvel: [velocity])
        let outcome = pendulum.step([torque]).outcome
        return (pendulum.qpos[0], pendulum.qvel[0], outcome.reward)
    }

    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-12 }

    @Test func oneStepInsideAllLimits() {
        // θ̇' = 0.5 + (15 sin 1 + 3 · 1.5) · 0.05, θ' = 1 + θ̇' · 0.05, r = −(1 + 0.1 · 0.25 + 0.001 · 2.25)
        let next = step(angle: 1, velocity: 0.5, torque: 1.5)
        #expect(close(next.velocity, 1.3561032386059226))
        #expect(close(next.angle, 1.0678051619302962))
        #expect(close(next.reward, -1.02725))
    }

    @Test func torqueIsClippedInDynamicsAndCostAndAngleIsNormalizedInCost() {
        // u = 5 acts as 2; normalize(4) = 4 − 2π, so r = −((4 − 2π)² + 0.1 + 0.004).
        let next = step(angle: 4, velocity: -1, torque: 5)
        #expect(close(next.velocity, -1.267601871480946))
        #expect(close(next.angle, 3.936619906425953))
        #expect(close(next.reward, -5.31693514692074))
        let negative = step(angle: -4, velocity: 0, torque: -0.5)
        #expect(close(negative.reward, -5.2131851469207415))
    }

    @Test func speedIsClippedAtEight() {
        let next = step(angle: 1, velocity: 7.9, torque: 2)
        #expect(next.velocity == 8)
        #expect(close(next.angle, 1.4))
        #expect(close(next.reward, -7.245))
    }

    @Test func observationIsCosSinVelocity() {
        let pendulum = PendulumEnvironment()
        pendulum.setState(qpos: [Double.pi / 3], qvel: [-2.5])
        let observation = pendulum.observation()
        #expect(abs(observation[0] - 0.5) < 1e-6)
        #expect(abs(observation[1] - Float(3.0).squareRoot() / 2) < 1e-6)
        #expect(observation[2] == -2.5)
    }

    @Test func resetIsUniformInTheStartBoxAndEpisodesLast200Steps() {
        let pendulum = PendulumEnvironment()
        var rng = RandomStream(seed: 5, purpose: .test)
        for _ in 0..<100 {
            _ = pendulum.reset(rng: &rng)
            #expect(abs(pendulum.qpos[0]) <= Double.pi && abs(pendulum.qvel[0]) <= 1)
        }
        var lastStep = 0
        for step in 1...200 where pendulum.step([0]).outcome.truncated {
            lastStep = step
            break
        }
        #expect(lastStep == 200)
    }

    @Test func randomPolicyScoresNearTheChosenReferenceMinimum() {
        let evaluator = Evaluator(environment: PendulumEnvironment())
        let result = evaluator.run(policy: RandomPolicy(spec: PendulumEnvironment.spec), episodes: 200, seed: 7)
        #expect(result.meanLength == 200)
        #expect(abs(result.meanReturn - ReferenceScores.pendulum.minimum) < 100, "mean \(result.meanReturn)")
    }
}
