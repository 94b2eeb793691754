/// How a run with `ampl worker` processes tolerates faults (docs/protocol.md §5, §8). Ignored by the
/// coordinator alone.
public struct ClusterSettings: Codable, Sendable, Equatable {
    /// Seconds between heartbeats in both directions (the Paranoid Pirate interval; workers adopt it from ASSIGN).
    public var heartbeatInterval = 0.5
    /// Silent heartbeat intervals after which a peer is dead: 3 × 0.5 s = dead after 1.5 s.
    public var liveness = 3
    /// Fewest members a model round may finish with when workers die or straggle; 0 = the number of elites.
    public var minMembers = 0
    /// A member that has not reported a model epoch (or its ROUND_DONE) this many seconds after the phase
    /// started is left out of the round, as if its worker had died.
    public var modelEpochDeadlineSeconds = 600.0
    /// How long a model round or rollout generation waits for workers to join when too few are alive.
    public var workerWaitSeconds = 120.0

    public init() {}

    /// `minMembers` resolved: 0 means the number of elites.
    public func minimumMembers(elites: Int) -> Int { minMembers > 0 ? minMembers : elites }
}
