/// Control fields of the messages whose meaning belongs to the transport layer. The control fields of the
/// training messages (ASSIGN, TRAIN_ROUND, …) are defined next to the code that acts on them.

/// HELLO: a worker introduces itself (Paranoid Pirate's READY).
public struct HelloBody: Codable, Equatable, Sendable {
    /// Drawn once per process start; see `Incarnation`.
    public var incarnation: Incarnation
    /// The launcher's rank for this worker (`--rank`, SLURM_PROCID, …), used to order member assignment.
    public var rank: Int?

    public init(incarnation: Incarnation, rank: Int?) {
        self.incarnation = incarnation
        self.rank = rank
    }
}

/// REJECT: tells the sender of a bad message what was wrong, for its log. Never answered.
public struct RejectBody: Codable, Equatable, Sendable {
    /// `Rejection.description` of the rejected message.
    public var reason: String

    public init(reason: String) { self.reason = reason }
}
