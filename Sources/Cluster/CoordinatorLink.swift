import Foundation

/// Why the coordinator gave up on its workers; each message names the workers, members or endpoint involved.
public enum RemoteEnsembleError: Error, Equatable, CustomStringConvertible {
    case workersMissing(expected: Int, arrived: Int, endpoint: String, seconds: Double)
    case workerRejected(String, reason: String)
    case tooFewMembers(round: Int, remaining: [Int], needed: Int, missing: [Int: String])
    case noWorkers(seconds: Double)
    case unexpected(String)

    public var description: String {
        switch self {
        case let .workersMissing(expected, arrived, endpoint, seconds):
            return "only \(arrived) of \(expected) workers said HELLO on \(endpoint) within \(Int(seconds)) s; start "
                + "them with `ampl worker --coordinator \(endpoint)`"
        case let .workerRejected(peer, reason):
            return "worker \(peer) refused the run: \(reason)"
        case let .tooFewMembers(round, remaining, needed, missing):
            let why = missing.sorted { $0.key < $1.key }.map { "member \($0.key): \($0.value)" }.joined(separator: "; ")
            return "model round \(round) has \(remaining.count) members left (\(remaining)), fewer than "
                + "cluster.minMembers = \(needed); \(why). The last checkpoint is the resume point (--resume)"
        case let .noWorkers(seconds):
            return "no live worker for \(Int(seconds)) s while rollouts were due"
        case let .unexpected(detail):
            return "protocol error: \(detail)"
        }
    }
}

/// The coordinator's end of the control channel in the Paranoid Pirate pattern (zguide ch. 4, the queue's
/// role). An I/O thread owns the ROUTER for the whole run: it heartbeats every live worker, reads everything
/// that arrives through a `WireDecoder`, keeps the `PeerTable` (any message counts as a sign of life; a worker
/// silent for `deadAfter` is declared dead and its members are handed on), answers HELLO placement, RESYNC and
/// REJECT itself, and hands joins, departures and training messages to the training thread as
/// `CoordinatorEvent`s. Liveness therefore holds while the trainer runs actor-critic iterations.
///
/// The training thread talks to it through `send` (a `ThreadPipe`), `nextEvent` and the table's snapshot
/// `peers`; it places members with `gatherWorkers`.
public final class CoordinatorLink: @unchecked Sendable {
    /// Turns of the I/O loop per heartbeat interval when nothing arrives: a death is declared at most a fifth
    /// of an interval after `deadAfter`.
    static let turnsPerInterval = 5.0

    public let runID: UInt64
    public let endpoint: String
    public let heartbeat: Heartbeat
    private let socket: ZMQSocket
    private let pipe: ThreadPipe
    private let table: Locked<PeerTable>
    private let events = Mailbox<CoordinatorEvent>()
    private let decoder: WireDecoder
    private let log: ClusterLog
    private let stopped = DispatchSemaphore(value: 0)
    /// The file answered to DATASET_REQUEST, once the run has one.
    private let dataset = Locked<DatasetFile?>(nil)

    /// Binds the ROUTER (`endpoint` may end in `:*`; read the port from `endpoint`) and starts the I/O thread.
    public init(context: ZMQContext, endpoint: String, security: Security<CoordinatorKeys>, memberCount: Int,
                heartbeat: Heartbeat = .standard, runID: UInt64 = UInt64.random(in: 1...UInt64.max),
                log: @escaping ClusterLog) throws {
        socket = try ControlChannel.bindCoordinator(context, endpoint: endpoint, security: security,
                                                    heartbeat: heartbeat, log: log)
        self.endpoint = socket.endpoint
        self.runID = runID
        self.heartbeat = heartbeat
        pipe = try ThreadPipe(context: context, name: "coordinator")
        table = Locked(PeerTable(memberCount: memberCount, heartbeat: heartbeat))
        decoder = WireDecoder(receiver: .coordinator, runID: runID)
        self.log = log
        // The thread holds the link only during a turn, so a link nobody closes still goes away.
        let thread = Thread { [weak self] in
            while let link = self, link.turn() {}
            self?.stopped.signal()
        }
        thread.name = "ampl-coordinator-io"
        thread.start()
    }

    // MARK: Training thread

    /// A copy of the peer table as it is now.
    public var peers: PeerTable { table.withLock { $0 } }

    /// Queues `message` for `peer`; the I/O thread sends it (a failure is logged there: the peer may be gone,
    /// which the table will tell).
    public func send(_ message: OutgoingMessage, to peer: PeerIdentity) { pipe.post(message, to: peer) }

    /// The next event, waiting up to `timeout` seconds.
    public func nextEvent(timeout: Double) -> CoordinatorEvent? { events.take(timeout: timeout) }

    /// Waits until `count` workers are alive (at most `timeout` seconds), then places the members round-robin
    /// over them (`PeerTable.assignRoundRobin`). Returns each worker's members, spares empty.
    public func gatherWorkers(_ count: Int, timeout: Double) throws -> [PeerIdentity: [Int]] {
        let deadline = MonotonicClock.now() + timeout
        while peers.livePeers.count < count {
            let now = MonotonicClock.now()
            guard now < deadline else {
                throw RemoteEnsembleError.workersMissing(expected: count, arrived: peers.livePeers.count,
                                                         endpoint: endpoint, seconds: timeout)
            }
            if case .message(let peer, let message)? = nextEvent(timeout: min(deadline - now, heartbeat.interval)) {
                log("ignored \(message.type) from \(peer) before the members were placed")
            }
        }
        return table.withLock { $0.assignRoundRobin() }
    }

    /// Serves `file` to workers that ask for it (DATASET_REQUEST), from the I/O thread.
    public func serveDataset(_ file: DatasetFile) { dataset.withLock { $0 = file } }

    /// Says BYE to every live worker, waits until each has answered BYE or stopped being alive (at most
    /// `deadAfter`), then stops the I/O thread. libzmq never tells a sender that a message left, and drops what
    /// it has not sent when the process exits: only the answer shows that a worker got its BYE, so the process
    /// may exit after `close` without leaving a worker waiting for it. The link sends nothing afterwards.
    public func close() {
        let leaving = peers.livePeers.map(\.identity)
        for peer in leaving { send(OutgoingMessage(.bye, runID: runID), to: peer) }
        let deadline = MonotonicClock.now() + heartbeat.deadAfter
        // Each answer (or death) arrives as a `lost` event, which ends the wait for it.
        while leaving.contains(where: { peers.peers[$0]?.state == .alive }), MonotonicClock.now() < deadline {
            _ = nextEvent(timeout: deadline - MonotonicClock.now())
        }
        for peer in leaving where peers.peers[peer]?.state == .alive { log("worker \(peer) did not answer BYE") }
        pipe.requestStop()
        _ = stopped.wait(timeout: .now() + heartbeat.deadAfter)
    }

    // MARK: I/O thread

    /// One turn: send what the training thread queued, read what arrived, heartbeat, judge silence.
    /// false once the link was asked to stop.
    private func turn() -> Bool {
        let wait = Int(heartbeat.interval / Self.turnsPerInterval * 1_000)
        let ready = (try? Poller.waitForInput([socket, pipe.wakeEnd], timeoutMilliseconds: wait)) ?? []
        let (queued, stop) = pipe.drain()
        for item in queued { transmit(item.message, to: item.peer!) }
        if stop { return false }
        if ready.contains(0) { receiveQueued() }
        let now = MonotonicClock.now()
        for peer in table.withLock({ $0.heartbeatsDue(at: now) }) {
            transmit(OutgoingMessage(.heartbeat, runID: runID), to: peer)
        }
        let (departures, lastHeard) = table.withLock { table in
            let departures = table.sweep(at: now)
            return (departures, departures.map { table.peers[$0.identity]?.link.lastHeard ?? now })
        }
        for (departure, heard) in zip(departures, lastHeard) {
            log(String(format: "worker %@ declared dead after %.2f s of silence", "\(departure.identity)", now - heard))
            events.post(.lost(departure, silence: now - heard))
        }
        return true
    }

    private func transmit(_ message: OutgoingMessage, to peer: PeerIdentity) {
        do {
            try socket.send(message, to: peer, wait: .dontWait)
            table.withLock { $0.sent(to: peer, at: MonotonicClock.now()) }
        } catch {
            log("could not send \(message.header.type) to worker \(peer): \(error)")
        }
    }

    /// Everything queued on the socket, but at most a bounded batch per turn so heartbeats stay on time.
    private func receiveQueued() {
        for _ in 0..<1_000 {
            guard let envelope = try? decoder.receive(from: socket, wait: .dontWait), let peer = envelope.peer else { return }
            handle(envelope.result, from: peer)
        }
    }

    private func handle(_ result: Result<ReceivedMessage, Rejection>, from peer: PeerIdentity) {
        let message: ReceivedMessage
        switch result {
        case .failure(let rejection):
            log("rejected a message from \(peer): \(rejection)")
            if case .staleRunID = rejection {
                // A worker of an earlier run: it must say HELLO and be treated as new.
                transmit(OutgoingMessage(.resync, runID: runID), to: peer)
            } else if let reply = try? OutgoingMessage(.reject, runID: runID, body: RejectBody(reason: "\(rejection)")) {
                transmit(reply, to: peer)
            }
            return
        case .success(let decoded):
            message = decoded
        }
        let now = MonotonicClock.now()
        if message.type == .hello {
            guard let hello = try? message.body(as: HelloBody.self) else {
                log("worker \(peer) sent a HELLO without incarnation and rank; ignored")
                return
            }
            let outcome = table.withLock { $0.hello(from: peer, incarnation: hello.incarnation, rank: hello.rank, at: now) }
            log("worker \(peer) said HELLO (incarnation \(hello.incarnation)): \(outcome)")
            events.post(.joined(peer, outcome))
            return
        }
        switch table.withLock({ $0.heard(from: peer, at: now) }) {
        case .alive: break
        case .unknown, .mustResync:
            // Unknown, or declared dead and now heard again (a healed partition on the old connection): nothing
            // it sends is used until it has said HELLO again.
            transmit(OutgoingMessage(.resync, runID: runID), to: peer)
            return
        }
        switch message.type {
        case .heartbeat: return
        case .datasetRequest: serveDatasetChunk(message, to: peer)
        case .bye:
            guard let departure = table.withLock({ $0.bye(from: peer, at: now) }) else { return }
            log("worker \(peer) said BYE")
            events.post(.lost(departure, silence: 0))
        default:
            events.post(.message(peer, message))
        }
    }

    /// DATASET_REQUEST, answered here so that a transfer never waits for the training thread. A request that
    /// cannot be answered gets a REJECT naming why.
    private func serveDatasetChunk(_ message: ReceivedMessage, to peer: PeerIdentity) {
        do {
            guard let file = dataset.withLock({ $0 }) else { throw RemoteEnsembleError.unexpected("no dataset is served yet") }
            transmit(try file.chunkMessage(try message.body(as: DatasetRequestBody.self).chunk, runID: runID), to: peer)
        } catch {
            log("could not answer the DATASET_REQUEST of \(peer): \(error)")
            if let reply = try? OutgoingMessage(.reject, runID: runID, body: RejectBody(reason: "\(error)")) {
                transmit(reply, to: peer)
            }
        }
    }
}
