/// What the coordinator's I/O thread (`CoordinatorLink`) hands to the training thread, in arrival order.
public enum CoordinatorEvent: Sendable {
    /// A worker said HELLO: a new one, a restarted process, or a known worker that reconnected and dropped
    /// its run state. The peer table has already placed it; `outcome` says how (members, spare, or waiting for
    /// placement, in which case whoever places the members provisions it).
    case joined(PeerIdentity, PeerTable.HelloOutcome)
    /// A worker was declared dead (silent for `deadAfter`) or said BYE; the table already moved its members.
    case lost(PeerTable.Departure, silence: Double)
    /// A training message (EPOCH_REPORT, ROUND_DONE, ROLLOUTS, REJECT) from a live worker.
    case message(PeerIdentity, ReceivedMessage)
}
