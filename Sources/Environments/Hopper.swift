/// Hopper-v4 (gymnasium 1.4.0 `hopper_v4.py`, model `hopper.xml` from the same wheel).
///
/// A one-legged planar hopper: reward = Δx/dt + 1 − 0.001 · Σaᵢ², dt = 0.002 · 4 = 0.008 s; the +1 is paid on
/// every step, the terminating one included. Terminates when not healthy (`isHealthy`). Observation (11):
/// qpos[1...5] (z, torso angle, three joint angles), then qvel[0...5] clipped to ±10. Reset: qpos0 and zero
/// velocity, each + U(−0.005, 0.005).
public enum Hopper {
    public static let spec = EnvironmentSpec(
        name: "hopper", observationDimension: 11, actionDimension: 3,
        actionLow: [Float](repeating: -1, count: 3), actionHigh: [Float](repeating: 1, count: 3),
        maxEpisodeSteps: 1000, positionCount: 6, velocityCount: 6,
        referenceScores: .hopper, rolloutTermination: .hopper)

    static let task = LocomotionTask(
        spec: spec, modelFileName: "hopper.xml", frameSkip: 4, controlCostWeight: 1e-3, healthyReward: 1,
        observationVelocityLimit: 10, resetNoise: .uniform(scale: 5e-3),
        isHealthy: { qpos, qvel in isHealthy(qpos: qpos, qvel: qvel) })

    /// Builds the simulator from `modelsDirectory` (default: `MuJoCoModels.defaultDirectory()`).
    public static func make(modelsDirectory: String? = nil) throws -> LocomotionEnvironment {
        try LocomotionEnvironment(task: task, modelsDirectory: modelsDirectory)
    }

    /// The simulator's health rule, on the unclipped state; all inequalities strict, so a NaN is unhealthy:
    /// every value of `state_vector()[2:]` (qpos[2...] and all of qvel) in (−100, 100), height z = qpos[1] > 0.7,
    /// torso angle qpos[2] in (−0.2, 0.2).
    public static func isHealthy<State: RandomAccessCollection<Double>>(qpos: State, qvel: State) -> Bool
    where State.Index == Int {
        let z = qpos[qpos.startIndex + 1]
        let angle = qpos[qpos.startIndex + 2]
        let stateInRange = qpos.dropFirst(2).allSatisfy { -100 < $0 && $0 < 100 }
            && qvel.allSatisfy { -100 < $0 && $0 < 100 }
        return stateInRange && z > 0.7 && -0.2 < angle && angle < 0.2
    }

    /// The model-rollout rule (algorithm spec §3.9) on a predicted observation: done unless every value is
    /// finite, |s[1...]| < 100, height s[0] > 0.7 and |angle s[1]| < 0.2. Compared in Double, as numpy
    /// compares float32 observations with Python floats.
    public static func isTerminalObservation(_ observation: UnsafeBufferPointer<Float>) -> Bool {
        let height = Double(observation[0])
        let angle = Double(observation[1])
        let healthy = observation.allSatisfy(\.isFinite)
            && observation.dropFirst().allSatisfy { abs($0) < 100 }
            && height > 0.7 && abs(angle) < 0.2
        return !healthy
    }
}
