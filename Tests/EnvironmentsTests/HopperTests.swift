import Environments
import Numerics
import Testing

/// Hopper-v4 health, termination, reward and observation rules (environments-and-datasets.md §3.2).
struct HopperTests {
    /// Standing state: x, z, angle, three joints; six velocities.
    let standing: [Double] = [0, 1.25, 0, 0, 0, 0]
    let still = [Double](repeating: 0, count: 6)

    func healthy(qpos: [Double], qvel: [Double]? = nil) -> Bool {
        Hopper.isHealthy(qpos: qpos, qvel: qvel ?? still)
    }

    func with(_ state: [Double], _ index: Int, _ value: Double) -> [Double] {
        var changed = state
        changed[index] = value
        return changed
    }

    @Test func heightMustExceedPointSevenWithNoUpperBound() {
        #expect(healthy(qpos: standing))
        #expect(!healthy(qpos: with(standing, 1, 0.7)))
        #expect(healthy(qpos: with(standing, 1, 0.7.nextUp)))
        #expect(healthy(qpos: with(standing, 1, 150)), "z is not in the state-range check")
    }

    @Test func angleMustBeStrictlyInsidePointTwo() {
        #expect(!healthy(qpos: with(standing, 2, 0.2)))
        #expect(!healthy(qpos: with(standing, 2, -0.2)))
        #expect(healthy(qpos: with(standing, 2, 0.2.nextDown)))
        #expect(healthy(qpos: with(standing, 2, (-0.2).nextUp)))
    }

    @Test func stateFromIndexTwoOnMustBeStrictlyInsideHundred() {
        #expect(!healthy(qpos: with(standing, 3, 100)))
        #expect(!healthy(qpos: with(standing, 5, -100)))
        #expect(healthy(qpos: with(standing, 4, 99.9)))
        #expect(!healthy(qpos: standing, qvel: with(still, 0, 100)), "x velocity is part of state_vector()[2:]")
        #expect(healthy(qpos: standing, qvel: with(still, 0, 99.9)))
        #expect(!healthy(qpos: standing, qvel: with(still, 5, -100)))
        #expect(healthy(qpos: with(standing, 0, 1e6)), "x position is not checked")
    }

    @Test func nanAndInfinityAreUnhealthy() {
        #expect(!healthy(qpos: with(standing, 1, .nan)))
        #expect(!healthy(qpos: with(standing, 2, .nan)))
        #expect(!healthy(qpos: with(standing, 4, .nan)))
        #expect(!healthy(qpos: standing, qvel: with(still, 3, .nan)))
        #expect(!healthy(qpos: standing, qvel: with(still, 3, .infinity)))
    }

    @Test func terminatingStepStillPaysTheHealthyReward() throws {
        let hopper = try Hopper.make()
        hopper.setState(qpos: with(standing, 2, 0.5), qvel: still)    // tilted: unhealthy
        let action: [Float] = [0.5, -0.5, 2]                        // 2 is outside the box: cost uses it as is
        let xBefore = hopper.qpos[0]
        let (_, outcome) = hopper.step(action)
        let expected = (hopper.qpos[0] - xBefore) / 0.008 + 1 - 1e-3 * (0.25 + 0.25 + 4)
        #expect(outcome.terminated)
        #expect(!outcome.truncated)
        #expect(abs(outcome.reward - expected) < 1e-9)
    }

    @Test func healthUsesTheUnclippedVelocity() throws {
        let hopper = try Hopper.make()
        // High in the air (healthy height, no contact) and moving fast: the observation shows 10, the rule 500.
        hopper.setState(qpos: with(standing, 1, 5), qvel: with(still, 0, 500))
        let (observation, outcome) = hopper.step([0, 0, 0])
        #expect(observation[5] == 10)
        #expect(outcome.terminated)
    }

    @Test func resetStartIsHealthyAndNearTheModelPose() throws {
        let hopper = try Hopper.make()
        var rng = RandomStream(seed: 3, purpose: .test)
        let observation = hopper.reset(rng: &rng)
        for (value, target) in zip(hopper.qpos, standing) { #expect(abs(value - target) <= 0.005) }
        for value in hopper.qvel { #expect(abs(value) <= 0.005) }
        #expect(observation.count == 11)
        #expect(!hopper.step([0, 0, 0]).outcome.terminated)
    }

    @Test func observationIsPositionsWithoutXThenClippedVelocities() throws {
        let hopper = try Hopper.make()
        let qpos: [Double] = [7, 1.3, 0.1, -0.2, 0.3, -0.4]
        let qvel: [Double] = [50, -50, 9.5, -9.5, 10.5, 0.25]
        hopper.setState(qpos: qpos, qvel: qvel)
        let expected: [Float] = [1.3, 0.1, -0.2, 0.3, -0.4, 10, -10, 9.5, -9.5, 10, 0.25]
        #expect(hopper.observation() == expected)
        #expect(hopper.qvel == qvel, "clipping is for the observation only")
    }
}
