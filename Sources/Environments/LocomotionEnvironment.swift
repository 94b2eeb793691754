import Numerics

/// The constants that make one gymnasium-v4 MuJoCo locomotion task (HalfCheetah, Hopper, Walker2d) out of the
/// shared mechanics in `LocomotionEnvironment`. Each task file defines one.
struct LocomotionTask: Sendable {
    let spec: EnvironmentSpec
    /// File name inside the models folder (see `MuJoCoModels`).
    let modelFileName: String
    /// Physics steps per environment step.
    let frameSkip: Int
    /// Weight of Σ aᵢ² in the reward, on the action as given (not clipped).
    let controlCostWeight: Double
    /// Paid on every step, including the terminating one (v4 with terminate_when_unhealthy=True); 0 for none.
    let healthyReward: Double
    /// Velocities in the observation are clipped to ±this; nil leaves them as they are.
    let observationVelocityLimit: Double?
    let resetNoise: ResetNoise
    /// Health on the raw simulator state (unclipped velocities); nil for a task that never terminates.
    let isHealthy: (@Sendable (_ qpos: UnsafeBufferPointer<Double>, _ qvel: UnsafeBufferPointer<Double>) -> Bool)?
}

/// How reset perturbs the model's initial state (qpos0, zero velocity).
enum ResetNoise: Sendable {
    /// qpos + U(−scale, scale) and qvel + U(−scale, scale).
    case uniform(scale: Double)
    /// qpos + U(−scale, scale) and qvel + scale · N(0, 1).
    case uniformPositionsNormalVelocities(scale: Double)
}

/// A MuJoCo locomotion environment with gymnasium-v4 semantics (gymnasium 1.4.0 `mujoco_env.py` and the task
/// files, written here from the project spec, environments-and-datasets.md §3):
/// - step: ctrl = action (not clipped), `frameSkip` × `mj_step`, then `mj_rnePostConstraint`;
/// - reward: (x_after − x_before) / dt + healthy reward − weight · Σ aᵢ², with x = qpos[0] and
///   dt = timestep · frameSkip;
/// - terminated: the task's health rule fails on the state after the step; truncated: step `maxEpisodeSteps`;
/// - observation: qpos[1...] (x left out), then qvel, clipped for Hopper and Walker2d only;
/// - reset: `mj_resetData`, qpos0 and zero velocity plus noise, `mj_forward`.
public final class LocomotionEnvironment: Environment, @unchecked Sendable {
    public var spec: EnvironmentSpec { task.spec }
    public private(set) var elapsedSteps = 0

    private let task: LocomotionTask
    private let simulation: MuJoCoSimulation
    private let initialPositions: [Double]
    /// Seconds per environment step.
    private let dt: Double

    /// Loads the task's model from `modelsDirectory` (default: `MuJoCoModels.defaultDirectory()`) and checks it
    /// is the model the task describes.
    init(task: LocomotionTask, modelsDirectory: String?) throws {
        let path = MuJoCoModels.path(of: task.modelFileName, in: modelsDirectory)
        let simulation = try MuJoCoSimulation(modelPath: path)
        let spec = task.spec
        guard simulation.positionCount == spec.positionCount, simulation.velocityCount == spec.velocityCount,
              simulation.controlCount == spec.actionDimension else {
            throw EnvironmentError.modelInvalid(path: path, reason: "expected nq \(spec.positionCount), nv "
                + "\(spec.velocityCount), nu \(spec.actionDimension); got \(simulation.positionCount), "
                + "\(simulation.velocityCount), \(simulation.controlCount)")
        }
        for i in 0..<spec.actionDimension {
            let range = simulation.controlRange(i)
            guard range.low == Double(spec.actionLow[i]), range.high == Double(spec.actionHigh[i]) else {
                throw EnvironmentError.modelInvalid(path: path, reason: "actuator \(i) ctrlrange "
                    + "[\(range.low), \(range.high)] differs from the action box")
            }
        }
        self.task = task
        self.simulation = simulation
        self.initialPositions = simulation.initialPositions
        self.dt = simulation.timestep * Double(task.frameSkip)
    }

    public func reset(rng: inout RandomStream, observation: UnsafeMutableBufferPointer<Float>) {
        simulation.resetData()
        var positions = initialPositions
        var velocities = [Double](repeating: 0, count: simulation.velocityCount)
        switch task.resetNoise {
        case .uniform(let scale):
            for i in positions.indices { positions[i] += rng.uniform(-scale, scale) }
            for i in velocities.indices { velocities[i] += rng.uniform(-scale, scale) }
        case .uniformPositionsNormalVelocities(let scale):
            for i in positions.indices { positions[i] += rng.uniform(-scale, scale) }
            for i in velocities.indices { velocities[i] += scale * Double(rng.normal()) }
        }
        simulation.setState(positions: positions, velocities: velocities)
        elapsedSteps = 0
        observe(into: observation)
    }

    public func step(action: UnsafeBufferPointer<Float>, observation: UnsafeMutableBufferPointer<Float>) -> StepOutcome {
        let xBefore = simulation.position(0)
        simulation.simulate(action: action, frameSkip: task.frameSkip)
        elapsedSteps += 1

        let forwardVelocity = (simulation.position(0) - xBefore) / dt
        var squaredAction = 0.0
        for value in action { squaredAction += Double(value) * Double(value) }
        let reward = forwardVelocity + task.healthyReward - task.controlCostWeight * squaredAction

        var terminated = false
        if let isHealthy = task.isHealthy {
            terminated = !simulation.withState { qpos, qvel in isHealthy(qpos, qvel) }
        }
        observe(into: observation)
        return StepOutcome(reward: reward, terminated: terminated, truncated: elapsedSteps >= spec.maxEpisodeSteps)
    }

    public func observe(into observation: UnsafeMutableBufferPointer<Float>) {
        precondition(observation.count == spec.observationDimension,
                     "\(spec.name) observation has \(spec.observationDimension) values, buffer \(observation.count)")
        var next = 0
        for i in 1..<simulation.positionCount {
            observation[next] = Float(simulation.position(i))
            next += 1
        }
        for i in 0..<simulation.velocityCount {
            var velocity = simulation.velocity(i)
            if let limit = task.observationVelocityLimit { velocity = min(max(velocity, -limit), limit) }
            observation[next] = Float(velocity)
            next += 1
        }
    }

    public var qpos: [Double] { simulation.positions }
    public var qvel: [Double] { simulation.velocities }

    public func setState(qpos: [Double], qvel: [Double]) {
        simulation.setState(positions: qpos, velocities: qvel)
    }
}

private extension RandomStream {
    /// Uniform in [low, high) with 53 random bits: reset noise is added to Double state.
    mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * uniformDouble() }
}
