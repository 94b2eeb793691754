/// Walker2d-v4 (gymnasium 1.4.0 `walker2d_v4.py`, model `walker2d.xml` from the same wheel; not the v5 model).
///
/// A two-legged planar walker: reward = Δx/dt + 1 − 0.001 · Σaᵢ², dt = 0.002 · 4 = 0.008 s; the +1 is paid on
/// every step, the terminating one included. Terminates when not healthy (`isHealthy`). Observation (17):
/// qpos[1...8] (z, torso angle, six joint angles), then qvel[0...8] clipped to ±10. Reset: qpos0 and zero
/// velocity, each + U(−0.005, 0.005).
public enum Walker2d {
    public static let spec = EnvironmentSpec(
        name: "walker2d", observationDimension: 17, actionDimension: 6,
        actionLow: [Float](repeating: -1, count: 6), actionHigh: [Float](repeating: 1, count: 6),
        maxEpisodeSteps: 1000, positionCount: 9, velocityCount: 9,
        referenceScores: .walker2d, rolloutTermination: .walker2d)

    static let task = LocomotionTask(
        spec: spec, modelFileName: "walker2d.xml", frameSkip: 4, controlCostWeight: 1e-3, healthyReward: 1,
        observationVelocityLimit: 10, resetNoise: .uniform(scale: 5e-3),
        isHealthy: { qpos, _ in isHealthy(qpos: qpos) })

    /// Builds the simulator from `modelsDirectory` (default: `MuJoCoModels.defaultDirectory()`).
    public static func make(modelsDirectory: String? = nil) throws -> LocomotionEnvironment {
        try LocomotionEnvironment(task: task, modelsDirectory: modelsDirectory)
    }

    /// The simulator's health rule: 0.8 < z < 2.0 and −1 < angle < 1, with z = qpos[1] and angle = qpos[2];
    /// strict, so a NaN is unhealthy. Unlike Hopper, there is no range check on the rest of the state.
    public static func isHealthy<Positions: RandomAccessCollection<Double>>(qpos: Positions) -> Bool
    where Positions.Index == Int {
        let z = qpos[qpos.startIndex + 1]
        let angle = qpos[qpos.startIndex + 2]
        return 0.8 < z && z < 2.0 && -1 < angle && angle < 1
    }

    /// The model-rollout rule (algorithm spec §3.9) on a predicted observation: done unless
    /// 0.8 < height s[0] < 2.0 and −1 < angle s[1] < 1 (a NaN fails, so it is done). Compared in Double, as
    /// numpy compares float32 observations with Python floats (Float(0.8) is just above 0.8, so it is healthy).
    public static func isTerminalObservation(_ observation: UnsafeBufferPointer<Float>) -> Bool {
        let height = Double(observation[0])
        let angle = Double(observation[1])
        return !(0.8 < height && height < 2.0 && -1 < angle && angle < 1)
    }
}
