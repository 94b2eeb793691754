import Foundation

/// Why the coordinator gave up on its workers. Fault handling (reassigning a dead worker's members, deadlines,
/// resync) is not wired yet, so for now every one of these ends the run with a message naming the worker.
public enum RemoteEnsembleError: Error, Equatable, CustomStringConvertible {
    case workersMissing(expected: Int, arrived: Int, endpoint: String, seconds: Double)
    case workerLeft(String)
    case workerRejected(String, reason: String)
    case workerSilent(String, seconds: Double)
    case unexpected(String)

    public var description: String {
        switch self {
        case let .workersMissing(expected, arrived, endpoint, seconds):
            return "only \(arrived) of \(expected) workers said HELLO on \(endpoint) within \(Int(seconds)) s; start "
                + "them with `ampl worker --coordinator \(endpoint)`"
        case let .workerLeft(peer):
            return "worker \(peer) said BYE during the run (taking over its members is not implemented yet)"
        case let .workerRejected(peer, reason):
            return "worker \(peer) refused the run: \(reason)"
        case let .workerSilent(peer, seconds):
            return "worker \(peer) sent nothing for \(Int(seconds)) s while the coordinator waited for it"
        case let .unexpected(detail):
            return "protocol error: \(detail)"
        }
    }
}

/// The coordinator's end of the control channel in the Paranoid Pirate pattern (zguide ch. 4, the queue's
/// role): one ROUTER, the `PeerTable` of workers, heartbeats to every live worker whenever the coordinator
/// waits, and a `WireDecoder` in front of everything that arrives. It hands the training messages to its owner
/// (`RemoteEnsemble`) and deals with the rest itself: HELLO, HEARTBEAT, REJECT, BYE, bad frames.
///
/// The coordinator is single-threaded: it heartbeats and reads only while inside a call (a model round, a
/// rollout generation). Liveness is therefore judged only while it waits, and only after every queued message
/// was read; a worker counts as lost after `silenceLimit`, far beyond the Paranoid Pirate `deadAfter`, because
/// a worker loading its dataset or preparing a round cannot heartbeat either. Wiring `PeerTable.sweep` with
/// `deadAfter` needs an I/O thread on both sides and comes with fault handling.
///
/// Ownership: one thread (the training thread).
public final class CoordinatorLink {
    /// Longest silence of an awaited worker before the run stops.
    public static let silenceLimit = 120.0

    public let socket: ZMQSocket
    public let runID: UInt64
    public private(set) var peers: PeerTable
    private let decoder: WireDecoder
    private let log: (String) -> Void

    /// Binds the ROUTER (`endpoint` may end in `:*`; read the port from `endpoint`).
    public init(context: ZMQContext, endpoint: String, security: Security<CoordinatorKeys>, memberCount: Int,
                runID: UInt64 = UInt64.random(in: 1...UInt64.max), log: @escaping (String) -> Void) throws {
        socket = try ControlChannel.bindCoordinator(context, endpoint: endpoint, security: security)
        self.runID = runID
        peers = PeerTable(memberCount: memberCount)
        decoder = WireDecoder(receiver: .coordinator, runID: runID)
        self.log = log
    }

    public var endpoint: String { socket.endpoint }

    /// Waits until `count` workers have said HELLO (at most `timeout` seconds), then places the members
    /// round-robin over them (`PeerTable.assignRoundRobin`). Returns each worker's members, spares empty.
    public func gatherWorkers(_ count: Int, timeout: Double) throws -> [PeerIdentity: [Int]] {
        let deadline = MonotonicClock.now() + timeout
        while peers.livePeers.count < count {
            let now = MonotonicClock.now()
            guard now < deadline else {
                throw RemoteEnsembleError.workersMissing(expected: count, arrived: peers.livePeers.count,
                                                         endpoint: endpoint, seconds: timeout)
            }
            _ = try nextTrainingMessage(waitMilliseconds: Int(min(deadline - now, peers.heartbeat.interval) * 1_000))
        }
        return peers.assignRoundRobin()
    }

    public func send(_ message: OutgoingMessage, to peer: PeerIdentity) throws {
        try socket.send(message, to: peer)
        peers.sent(to: peer, at: MonotonicClock.now())
    }

    /// The next training message (EPOCH_REPORT, ROUND_DONE, ROLLOUTS) from a live worker. Heartbeats go out
    /// while it waits. Throws when a worker leaves or refuses the run, or when one of `awaiting` has been
    /// silent for `silenceLimit`.
    public func receive(awaiting: [PeerIdentity]) throws -> (peer: PeerIdentity, message: ReceivedMessage) {
        while true {
            if let received = try nextTrainingMessage(waitMilliseconds: Int(peers.heartbeat.interval * 1_000)) {
                return received
            }
            // Nothing is queued: whoever we still wait for has really been silent.
            let now = MonotonicClock.now()
            for peer in awaiting {
                guard let lastHeard = peers.peers[peer]?.link.lastHeard else { continue }
                if now - lastHeard >= Self.silenceLimit {
                    throw RemoteEnsembleError.workerSilent("\(peer)", seconds: now - lastHeard)
                }
            }
        }
    }

    /// One poll turn: heartbeats that are due, then at most one message. Returns a training message, or nil
    /// when the turn ended without one (timeout, or a message handled here).
    private func nextTrainingMessage(waitMilliseconds: Int) throws -> (peer: PeerIdentity, message: ReceivedMessage)? {
        try sendDueHeartbeats()
        guard try socket.waitForInput(timeoutMilliseconds: max(0, waitMilliseconds)),
              let envelope = try decoder.receive(from: socket, wait: .dontWait), let peer = envelope.peer else {
            return nil
        }
        let now = MonotonicClock.now()
        let message: ReceivedMessage
        switch envelope.result {
        case .failure(let rejection):
            log("rejected a message from \(peer): \(rejection)")
            if case .staleRunID = rejection {
                // A worker of an earlier run: it must say HELLO and be treated as new.
                try? send(OutgoingMessage(.resync, runID: runID), to: peer)
            } else {
                try? send(try OutgoingMessage(.reject, runID: runID, body: RejectBody(reason: "\(rejection)")), to: peer)
            }
            return nil
        case .success(let decoded):
            message = decoded
        }
        if message.type == .hello {
            let hello = try? message.body(as: HelloBody.self)
            let outcome = peers.hello(from: peer, incarnation: hello?.incarnation ?? Incarnation(0), rank: hello?.rank,
                                      at: now)
            if outcome != .waitingForAssignment {
                log("worker \(peer) said HELLO after the members were placed; it stays idle (\(outcome))")
            }
            return nil
        }
        switch peers.heard(from: peer, at: now) {
        case .alive: break
        case .unknown, .mustResync:
            try? send(OutgoingMessage(.resync, runID: runID), to: peer)
            return nil
        }
        switch message.type {
        case .heartbeat:
            return nil
        case .bye:
            _ = peers.bye(from: peer, at: now)
            throw RemoteEnsembleError.workerLeft("\(peer)")
        case .reject:
            let reason = (try? message.body(as: RejectBody.self).reason) ?? "(no reason given)"
            throw RemoteEnsembleError.workerRejected("\(peer)", reason: reason)
        default:
            return (peer, message)
        }
    }

    private func sendDueHeartbeats() throws {
        for peer in peers.heartbeatsDue(at: MonotonicClock.now()) {
            try send(OutgoingMessage(.heartbeat, runID: runID), to: peer)
        }
    }

    /// Says BYE to every live worker (the end of the run); errors are ignored, the workers may be gone.
    public func sayGoodbye() {
        for peer in peers.livePeers { try? send(OutgoingMessage(.bye, runID: runID), to: peer.identity) }
    }
}
