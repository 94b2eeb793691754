import Numerics

/// A simulated task the agent acts in: the real environment of evaluation and dataset generation.
///
/// Threading and ownership: an environment is a mutable simulator, used by one thread at a time. Buffers passed
/// in belong to the caller; the environment only reads `action` and only writes `observation` during the call.
/// Observations are Float32 (the precision D4RL stores); the simulator state stays in Double.
public protocol Environment: AnyObject {
    /// Dimensions, bounds, episode limit, reference scores and rollout rule; the same for every instance.
    var spec: EnvironmentSpec { get }

    /// Steps taken since the last `reset` (the time-limit counter).
    var elapsedSteps: Int { get }

    /// Starts an episode from a random initial state drawn from `rng`, and writes its observation
    /// (`spec.observationDimension` values). Call before the first `step`.
    func reset(rng: inout RandomStream, observation: UnsafeMutableBufferPointer<Float>)

    /// Applies `action` (`spec.actionDimension` values, not clipped by the environment) for one environment step
    /// and writes the next observation. `truncated` is the time limit: true on step `spec.maxEpisodeSteps`.
    func step(action: UnsafeBufferPointer<Float>, observation: UnsafeMutableBufferPointer<Float>) -> StepOutcome

    /// Writes the observation of the current state, without stepping (e.g. after `setState`).
    func observe(into observation: UnsafeMutableBufferPointer<Float>)

    /// Generalised positions of the simulator (`spec.positionCount` values). Read before `step` to get the state
    /// the transition starts from, which is what D4RL stores as `infos/qpos`.
    var qpos: [Double] { get }

    /// Generalised velocities (`spec.velocityCount` values), D4RL's `infos/qvel`.
    var qvel: [Double] { get }

    /// Puts the simulator into the given state (and recomputes derived quantities), leaving the step counter alone.
    func setState(qpos: [Double], qvel: [Double])
}

/// What one environment step returns besides the observation.
public struct StepOutcome: Sendable, Equatable {
    public var reward: Double
    /// The task ended (e.g. the hopper fell): no value beyond this state.
    public var terminated: Bool
    /// The episode hit the time limit: the state still has a value, the episode is only cut.
    public var truncated: Bool

    public init(reward: Double, terminated: Bool, truncated: Bool) {
        self.reward = reward
        self.terminated = terminated
        self.truncated = truncated
    }

    /// The episode is over, for either reason.
    public var isLast: Bool { terminated || truncated }
}

/// Array conveniences for tests and one-off callers; hot loops use the buffer forms.
extension Environment {
    public func reset(rng: inout RandomStream) -> [Float] {
        var observation = [Float](repeating: 0, count: spec.observationDimension)
        observation.withUnsafeMutableBufferPointer { reset(rng: &rng, observation: $0) }
        return observation
    }

    public func step(_ action: [Float]) -> (observation: [Float], outcome: StepOutcome) {
        precondition(action.count == spec.actionDimension,
                     "\(spec.name) takes \(spec.actionDimension) action values, got \(action.count)")
        var observation = [Float](repeating: 0, count: spec.observationDimension)
        let outcome = action.withUnsafeBufferPointer { actionBuffer in
            observation.withUnsafeMutableBufferPointer { step(action: actionBuffer, observation: $0) }
        }
        return (observation, outcome)
    }

    public func observation() -> [Float] {
        var observation = [Float](repeating: 0, count: spec.observationDimension)
        observation.withUnsafeMutableBufferPointer { observe(into: $0) }
        return observation
    }
}
