import Foundation

/// What a worker's I/O thread hands to its training thread.
enum WorkerEvent: Sendable {
    /// A message from the coordinator other than a heartbeat or a logged rejection.
    case message(ReceivedMessage)
    /// The coordinator went silent for `deadAfter`; the socket was reopened after a back-off and HELLO sent
    /// again. Work in progress is void: the coordinator treats the HELLO as a worker without state.
    case reconnected
}

/// A worker's end of the control channel in the Paranoid Pirate pattern (zguide ch. 4, the worker's role). An
/// I/O thread owns the DEALER: it says HELLO, heartbeats whenever nothing else went out for an interval (also
/// while the training thread loads a dataset or trains), counts any message from the coordinator as a sign of
/// life, and when the coordinator has been silent for `deadAfter` it closes the socket, waits
/// (`ReconnectBackoff`: 1 s doubling to 32 s, reset once the coordinator answers), opens a new one with the
/// same identity and says HELLO again. The training thread sends through a `ThreadPipe` and waits for
/// `WorkerEvent`s.
final class WorkerLink: @unchecked Sendable {
    private struct Settings {
        var heartbeat: Heartbeat
        /// The run the worker serves; nil accepts any (before ASSIGN, after RESYNC or a reconnect).
        var runID: UInt64?
    }

    let identity: PeerIdentity
    let endpoint: String
    private let context: ZMQContext
    private let security: Security<WorkerKeys>
    private let hello: HelloBody
    private let pipe: ThreadPipe
    private let events = Mailbox<WorkerEvent>()
    private let settings: Locked<Settings>
    private let log: ClusterLog
    /// The process that started this worker (`ampl train --workers`): when it is gone, so is the run.
    private let parent: pid_t?
    private let stopped = DispatchSemaphore(value: 0)

    // I/O thread only.
    private var socket: ZMQSocket
    private var lastHeard: Double
    private var lastSent = 0.0
    private var backoff = ReconnectBackoff()

    init(context: ZMQContext, endpoint: String, identity: PeerIdentity, hello: HelloBody, security: Security<WorkerKeys>,
         heartbeat: Heartbeat, parent: pid_t?, log: @escaping ClusterLog) throws {
        self.context = context
        self.endpoint = endpoint
        self.identity = identity
        self.hello = hello
        self.security = security
        self.parent = parent
        self.log = log
        settings = Locked(Settings(heartbeat: heartbeat, runID: nil))
        pipe = try ThreadPipe(context: context, name: "worker")
        socket = try ControlChannel.connectWorker(context, endpoint: endpoint, identity: identity, security: security,
                                                  heartbeat: heartbeat)
        lastHeard = MonotonicClock.now()
        sayHello()
        let thread = Thread { [weak self] in
            while let link = self, link.turn() {}
            self?.stopped.signal()
        }
        thread.name = "ampl-worker-io"
        thread.start()
    }

    // MARK: Training thread

    func send(_ message: OutgoingMessage) { pipe.post(message) }

    /// The next event, waiting up to `timeout` seconds.
    func next(timeout: Double) -> WorkerEvent? { events.take(timeout: timeout) }

    /// The run this worker now serves (nil: none) and the coordinator's heartbeat settings, from ASSIGN.
    func adopt(runID: UInt64?, heartbeat: Heartbeat? = nil) {
        settings.withLock { settings in
            settings.runID = runID
            if let heartbeat { settings.heartbeat = heartbeat }
        }
    }

    var runID: UInt64? { settings.withLock { $0.runID } }

    /// HELLO again (after RESYNC).
    func sayHello() {
        guard let message = try? OutgoingMessage(.hello, runID: 0, body: hello) else { return }
        send(message)
        log("said HELLO to \(endpoint) as \(identity)")
    }

    /// Sends what is queued (a final BYE, say) and stops the I/O thread, waiting at most `deadAfter`.
    func close() {
        pipe.requestStop()
        _ = stopped.wait(timeout: .now() + settings.withLock { $0.heartbeat.deadAfter })
    }

    // MARK: I/O thread

    private func turn() -> Bool {
        let (heartbeat, runID) = settings.withLock { ($0.heartbeat, $0.runID) }
        let wait = Int(heartbeat.interval / CoordinatorLink.turnsPerInterval * 1_000)
        let ready = (try? Poller.waitForInput([socket, pipe.wakeEnd], timeoutMilliseconds: wait)) ?? []
        let (queued, stop) = pipe.drain()
        for item in queued { transmit(item.message) }
        if stop { return false }
        if ready.contains(0) { receiveQueued(runID: runID) }
        if let parent, getppid() != parent {
            log("the coordinator process \(parent) that started this worker is gone; exiting")
            exit(0)
        }
        let now = MonotonicClock.now()
        if now - lastSent >= heartbeat.interval { transmit(OutgoingMessage(.heartbeat, runID: runID ?? 0)) }
        if now - lastHeard >= heartbeat.deadAfter { reconnect(silence: now - lastHeard, heartbeat: heartbeat) }
        return true
    }

    private func transmit(_ message: OutgoingMessage) {
        do {
            try socket.send(message, wait: .dontWait)
            lastSent = MonotonicClock.now()
        } catch {
            log("could not send \(message.header.type) to the coordinator: \(error)")
        }
    }

    private func receiveQueued(runID: UInt64?) {
        let decoder = WireDecoder(receiver: .worker, runID: runID)
        for _ in 0..<1_000 {
            guard let envelope = try? decoder.receive(from: socket, wait: .dontWait) else { return }
            switch envelope.result {
            case .failure(let rejection):
                // Not a sign of life: a coordinator that only sends garbage dies by timeout.
                log("rejected a message from the coordinator: \(rejection)")
            case .success(let message):
                lastHeard = MonotonicClock.now()
                backoff.succeeded()
                switch message.type {
                case .heartbeat: break
                case .reject:
                    log("the coordinator rejected a message: \((try? message.body(as: RejectBody.self).reason) ?? "?")")
                default: events.post(.message(message))
                }
            }
        }
    }

    /// The coordinator is silent: a new socket after the back-off, then HELLO (Paranoid Pirate).
    private func reconnect(silence: Double, heartbeat: Heartbeat) {
        let delay = backoff.failed()
        log(String(format: "coordinator silent for %.2f s; reconnecting to %@ in %.0f s", silence, endpoint, delay))
        Thread.sleep(forTimeInterval: delay)
        do {
            socket = try ControlChannel.connectWorker(context, endpoint: endpoint, identity: identity, security: security,
                                                      heartbeat: heartbeat)
        } catch {
            log("could not reopen the socket to \(endpoint): \(error)")
        }
        lastHeard = MonotonicClock.now()
        adopt(runID: nil)
        events.post(.reconnected)
        if let message = try? OutgoingMessage(.hello, runID: 0, body: hello) { transmit(message) }
    }
}
