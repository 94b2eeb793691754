import Environments
import Numerics
import Testing

/// Walker2d-v4 health, termination, reward and observation rules (environments-and-datasets.md §3.2).
struct Walker2dTests {
    let standing: [Double] = [0, 1.25, 0, 0, 0, 0, 0, 0, 0]
    let still = [Double](repeating: 0, count: 9)

    func with(_ state: [Double], _ index: Int, _ value: Double) -> [Double] {
        var changed = state
        changed[index] = value
        return changed
    }

    @Test func heightMustBeStrictlyBetweenPointEightAndTwo() {
        #expect(Walker2d.isHealthy(qpos: standing))
        #expect(!Walker2d.isHealthy(qpos: with(standing, 1, 0.8)))
        #expect(Walker2d.isHealthy(qpos: with(standing, 1, 0.8.nextUp)))
        #expect(!Walker2d.isHealthy(qpos: with(standing, 1, 2.0)))
        #expect(Walker2d.isHealthy(qpos: with(standing, 1, 2.0.nextDown)))
    }

    @Test func angleMustBeStrictlyBetweenMinusOneAndOne() {
        #expect(!Walker2d.isHealthy(qpos: with(standing, 2, 1)))
        #expect(!Walker2d.isHealthy(qpos: with(standing, 2, -1)))
        #expect(Walker2d.isHealthy(qpos: with(standing, 2, 1.0.nextDown)))
        #expect(Walker2d.isHealthy(qpos: with(standing, 2, (-1.0).nextUp)))
    }

    @Test func otherStateValuesAreNotChecked() {
        #expect(Walker2d.isHealthy(qpos: with(standing, 5, 1000)))
        #expect(Walker2d.isHealthy(qpos: with(standing, 0, -1e6)))
    }

    @Test func nanIsUnhealthy() {
        #expect(!Walker2d.isHealthy(qpos: with(standing, 1, .nan)))
        #expect(!Walker2d.isHealthy(qpos: with(standing, 2, .nan)))
    }

    @Test func terminatingStepStillPaysTheHealthyReward() throws {
        let walker = try Walker2d.make()
        walker.setState(qpos: with(standing, 1, 2.5), qvel: still)       // too high: unhealthy
        let action: [Float] = [1, -1, 0.5, 0, 0, -3]
        let xBefore = walker.qpos[0]
        let (_, outcome) = walker.step(action)
        let expected = (walker.qpos[0] - xBefore) / 0.008 + 1 - 1e-3 * (1 + 1 + 0.25 + 9)
        #expect(outcome.terminated)
        #expect(abs(outcome.reward - expected) < 1e-9)
    }

    @Test func fastVelocitiesDoNotTerminate() throws {
        let walker = try Walker2d.make()
        walker.setState(qpos: standing, qvel: with(still, 0, 500))
        let (observation, outcome) = walker.step([Float](repeating: 0, count: 6))
        #expect(observation[8] == 10, "observed x velocity is clipped")
        #expect(!outcome.terminated)
    }

    @Test func observationIsPositionsWithoutXThenClippedVelocities() throws {
        let walker = try Walker2d.make()
        let qpos: [Double] = [3, 1.1, 0.2, -0.1, 0.3, -0.3, 0.4, -0.5, 0.6]
        let qvel: [Double] = [11, -12, 1, 2, 3, 4, 5, 6, -7]
        walker.setState(qpos: qpos, qvel: qvel)
        let expected: [Float] = [1.1, 0.2, -0.1, 0.3, -0.3, 0.4, -0.5, 0.6, 10, -10, 1, 2, 3, 4, 5, 6, -7]
        #expect(walker.observation() == expected)
    }
}
