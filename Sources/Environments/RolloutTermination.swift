import Numerics

/// When a transition predicted by the dynamics model ends its rollout (algorithm spec §3.9, environment rule).
///
/// The rules read the predicted next *observation* in raw (unnormalised) units, not the simulator state, so
/// they can be applied to model output. Each rule's per-row test lives next to its environment.
public enum RolloutTermination: String, Sendable, Equatable, CaseIterable {
    /// HalfCheetah, Pendulum: rollouts only end at their horizon.
    case never
    /// Hopper: see `Hopper.isTerminalObservation`.
    case hopper
    /// Walker2d: see `Walker2d.isTerminalObservation`.
    case walker2d

    /// Whether one next observation (`observation.count` = the observation dimension) ends the rollout.
    public func isTerminal(_ observation: UnsafeBufferPointer<Float>) -> Bool {
        switch self {
        case .never: false
        case .hopper: Hopper.isTerminalObservation(observation)
        case .walker2d: Walker2d.isTerminalObservation(observation)
        }
    }

    /// Writes 1 into `done[r]` when row r of `nextObservations` (rows, S) ends its rollout, else 0.
    /// The trainer ORs its augmented rule (observation and reward ranges) into these flags afterwards.
    public func markDone(nextObservations: Matrix, done: UnsafeMutableBufferPointer<Float>) {
        precondition(done.count >= nextObservations.rows,
                     "done has \(done.count) slots for \(nextObservations.rows) rows")
        for row in 0..<nextObservations.rows {
            let observation = UnsafeBufferPointer(start: nextObservations.base + row * nextObservations.cols,
                                                  count: nextObservations.cols)
            done[row] = isTerminal(observation) ? 1 : 0
        }
    }
}
