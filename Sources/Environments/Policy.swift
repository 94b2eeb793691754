import Numerics

/// Something that picks actions: a trained actor, a behaviour policy, or `RandomPolicy`.
///
/// `act` is called once per environment step, on the thread running the episode. `rng` is the episode's policy
/// stream, owned by the caller, so a stochastic policy is reproducible from the evaluation seed alone.
/// `observation` is valid only during the call; `action` has `spec.actionDimension` slots to fill.
public protocol Policy: AnyObject {
    func act(observation: UnsafeBufferPointer<Float>, rng: inout RandomStream,
             into action: UnsafeMutableBufferPointer<Float>)
}

/// Uniform actions in the environment's action box: D4RL's reference "random" policy.
public final class RandomPolicy: Policy {
    private let low: [Float]
    private let high: [Float]

    public init(spec: EnvironmentSpec) {
        low = spec.actionLow
        high = spec.actionHigh
    }

    public func act(observation: UnsafeBufferPointer<Float>, rng: inout RandomStream,
                    into action: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<action.count { action[i] = rng.uniform(low[i], high[i]) }
    }
}
