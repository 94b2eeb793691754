import Foundation

/// Heartbeat settings of the Paranoid Pirate pattern (zguide ch. 4): each side sends a HEARTBEAT when it has sent
/// nothing else for `interval`, counts *any* incoming message as a sign of life, and declares the other side
/// dead after `liveness` intervals of silence. Big payloads do not cause false deaths: a peer busy receiving
/// a long message is still hearing from us, and its own replies count.
public struct Heartbeat: Sendable, Equatable {
    /// Seconds between heartbeats (architecture §4; measured to detect a cut host in ≈ 1.5 s).
    public static let defaultInterval = 0.5
    /// Missed intervals before a peer is dead; the guide suggests 3 to 5.
    public static let defaultLiveness = 3
    /// First wait before a worker reopens its socket after losing the coordinator (zguide: 1 s).
    public static let reconnectInitialDelay = 1.0
    /// The reconnect wait doubles after each failure up to this (zguide: 32 s).
    public static let reconnectMaxDelay = 32.0

    /// The project's defaults: heartbeat every 0.5 s, dead after 1.5 s of silence.
    public static let standard = Heartbeat(interval: defaultInterval, liveness: defaultLiveness)

    /// Seconds between heartbeats.
    public var interval: Double
    /// Intervals of silence after which a peer is dead.
    public var liveness: Int

    public init(interval: Double, liveness: Int) {
        precondition(interval > 0 && liveness > 0, "heartbeat interval and liveness must be positive")
        self.interval = interval
        self.liveness = liveness
    }

    /// Seconds of silence after which a peer is dead: `interval × liveness` (1.5 s by default).
    public var deadAfter: Double { interval * Double(liveness) }
}

/// Liveness of one link, seen from one end (Paranoid Pirate): when we last heard from the peer and when we last
/// sent to it. Pure logic: it never reads a clock; callers pass the time, so tests drive it with a fake clock.
public struct PeerLiveness: Sendable, Equatable {
    public let heartbeat: Heartbeat
    /// When anything last arrived from the peer.
    public private(set) var lastHeard: Double
    /// When anything was last sent to the peer.
    public private(set) var lastSent: Double

    /// A link that starts now, as if both sides had just spoken.
    public init(heartbeat: Heartbeat, now: Double) {
        self.heartbeat = heartbeat
        lastHeard = now
        lastSent = now
    }

    /// Any message from the peer, heartbeat or not, resets its liveness.
    public mutating func heard(at now: Double) { lastHeard = max(lastHeard, now) }

    /// Any message to the peer postpones the next heartbeat.
    public mutating func sent(at now: Double) { lastSent = max(lastSent, now) }

    /// Whole heartbeat intervals the peer has left before it is dead: `liveness` just after a message, 0 = dead.
    public func liveness(at now: Double) -> Int {
        let missed = Int(((now - lastHeard) / heartbeat.interval).rounded(.down))
        return max(0, heartbeat.liveness - missed)
    }

    /// Silent for `deadAfter` seconds or more.
    public func isDead(at now: Double) -> Bool { now - lastHeard >= heartbeat.deadAfter }

    /// Nothing sent for one interval: time to send a HEARTBEAT.
    public func heartbeatDue(at now: Double) -> Bool { now - lastSent >= heartbeat.interval }
}

/// The worker's reconnect wait after losing the coordinator (Paranoid Pirate): start at 1 s, double after
/// every further failure, never more than 32 s, back to the start once the coordinator answers.
public struct ReconnectBackoff: Sendable, Equatable {
    public private(set) var nextDelay = Heartbeat.reconnectInitialDelay

    public init() {}

    /// The delay to wait now; the one after it is twice as long.
    public mutating func failed() -> Double {
        defer { nextDelay = min(nextDelay * 2, Heartbeat.reconnectMaxDelay) }
        return nextDelay
    }

    /// The coordinator answered: the next failure starts from the initial delay again.
    public mutating func succeeded() { nextDelay = Heartbeat.reconnectInitialDelay }
}

/// Seconds on a monotonic clock (never jumps with the wall clock), the time base of `PeerLiveness` and
/// `PeerTable` in production. Tests pass their own times instead.
public enum MonotonicClock {
    public static func now() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }
}
