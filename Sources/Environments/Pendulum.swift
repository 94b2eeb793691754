import Foundation
import Numerics

/// Pendulum-v1 (gymnasium 1.4.0 `classic_control/pendulum.py`), in plain Swift: a small, fast environment for
/// tests and smoke runs that needs no MuJoCo.
///
/// State θ (0 = upright) and θ̇. One step with torque u = clip(a, −2, 2), g = 10, m = l = 1, dt = 0.05:
///   reward = −(normalize(θ)² + 0.1 · θ̇² + 0.001 · u²)  on the state before the step and the clipped torque
///   θ̇' = clip(θ̇ + (3g / 2l · sin θ + 3 / (m l²) · u) · dt, −8, 8),  θ' = θ + θ̇' · dt
/// where normalize maps an angle into [−π, π). Never terminates; 200-step time limit. Observation
/// (cos θ, sin θ, θ̇). Reset: θ ~ U(−π, π), θ̇ ~ U(−1, 1). `qpos` is [θ] and `qvel` is [θ̇].
public final class PendulumEnvironment: Environment, @unchecked Sendable {
    public static let spec = EnvironmentSpec(
        name: "pendulum", observationDimension: 3, actionDimension: 1,
        actionLow: [-maxTorque], actionHigh: [maxTorque],
        maxEpisodeSteps: 200, positionCount: 1, velocityCount: 1,
        referenceScores: .pendulum, rolloutTermination: .never)

    static let maxSpeed = 8.0
    static let maxTorque: Float = 2
    static let dt = 0.05
    static let gravity = 10.0
    static let mass = 1.0
    static let length = 1.0

    public var spec: EnvironmentSpec { Self.spec }
    public private(set) var elapsedSteps = 0
    private var angle = 0.0
    private var angularVelocity = 0.0

    public init() {}

    public func reset(rng: inout RandomStream, observation: UnsafeMutableBufferPointer<Float>) {
        angle = -Double.pi + 2 * Double.pi * rng.uniformDouble()
        angularVelocity = -1 + 2 * rng.uniformDouble()
        elapsedSteps = 0
        observe(into: observation)
    }

    public func step(action: UnsafeBufferPointer<Float>, observation: UnsafeMutableBufferPointer<Float>) -> StepOutcome {
        precondition(action.count == 1, "pendulum takes 1 action value, got \(action.count)")
        let torque = Double(min(max(action[0], -Self.maxTorque), Self.maxTorque))
        let cost = Self.normalizedAngle(angle) * Self.normalizedAngle(angle)
            + 0.1 * angularVelocity * angularVelocity + 0.001 * torque * torque

        let angularAcceleration = 3 * Self.gravity / (2 * Self.length) * sin(angle)
            + 3 / (Self.mass * Self.length * Self.length) * torque
        angularVelocity = min(max(angularVelocity + angularAcceleration * Self.dt, -Self.maxSpeed), Self.maxSpeed)
        angle += angularVelocity * Self.dt
        elapsedSteps += 1

        observe(into: observation)
        return StepOutcome(reward: -cost, terminated: false, truncated: elapsedSteps >= spec.maxEpisodeSteps)
    }

    public func observe(into observation: UnsafeMutableBufferPointer<Float>) {
        precondition(observation.count == 3, "pendulum observation has 3 values, buffer \(observation.count)")
        observation[0] = Float(cos(angle))
        observation[1] = Float(sin(angle))
        observation[2] = Float(angularVelocity)
    }

    public var qpos: [Double] { [angle] }
    public var qvel: [Double] { [angularVelocity] }

    public func setState(qpos: [Double], qvel: [Double]) {
        precondition(qpos.count == 1 && qvel.count == 1, "pendulum state is one angle and one angular velocity")
        angle = qpos[0]
        angularVelocity = qvel[0]
    }

    /// The angle mapped into [−π, π), like Python's `((x + π) % 2π) − π` (a floor modulo, never negative).
    static func normalizedAngle(_ x: Double) -> Double {
        let period = 2 * Double.pi
        let shifted = x + Double.pi
        return shifted - period * (shifted / period).rounded(.down) - Double.pi
    }
}
