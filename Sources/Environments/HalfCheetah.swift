/// HalfCheetah-v4 (gymnasium 1.4.0 `half_cheetah_v4.py`, model `half_cheetah.xml` from the same wheel).
///
/// A planar cheetah rewarded for running forward: reward = Δx/dt − 0.1 · Σaᵢ², dt = 0.01 · 5 = 0.05 s.
/// Never terminates; episodes end at the 1000-step time limit. Observation (17): qpos[1...8] (x left out), then
/// qvel[0...8], not clipped. Reset: qpos0 + U(−0.1, 0.1), velocities 0.1 · N(0, 1).
public enum HalfCheetah {
    public static let spec = EnvironmentSpec(
        name: "halfcheetah", observationDimension: 17, actionDimension: 6,
        actionLow: [Float](repeating: -1, count: 6), actionHigh: [Float](repeating: 1, count: 6),
        maxEpisodeSteps: 1000, positionCount: 9, velocityCount: 9,
        referenceScores: .halfCheetah, rolloutTermination: .never)

    static let task = LocomotionTask(
        spec: spec, modelFileName: "half_cheetah.xml", frameSkip: 5, controlCostWeight: 0.1, healthyReward: 0,
        observationVelocityLimit: nil, resetNoise: .uniformPositionsNormalVelocities(scale: 0.1), isHealthy: nil)

    /// Builds the simulator from `modelsDirectory` (default: `MuJoCoModels.defaultDirectory()`).
    public static func make(modelsDirectory: String? = nil) throws -> LocomotionEnvironment {
        try LocomotionEnvironment(task: task, modelsDirectory: modelsDirectory)
    }
}
