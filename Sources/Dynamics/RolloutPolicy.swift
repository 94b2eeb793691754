import Numerics

/// The policy that chooses actions in model rollouts (algorithm spec §3.8, §5.1). The implicit policy
/// conforms: each row gets its own action π(s_i), with fresh noise drawn from `random`.
///
/// Called from the thread that generates rollouts; should not allocate after warm-up.
public protocol RolloutPolicy: AnyObject {
    /// One action per row, in environment units.
    ///     observations: (B, S)   actions: (B, A)
    func act(observations: Matrix, into actions: Matrix, random: inout RandomStream)
}
