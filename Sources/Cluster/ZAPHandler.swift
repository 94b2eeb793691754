import Foundation

/// Where the transport layer writes what it refuses; the default is standard error.
public typealias ClusterLog = @Sendable (String) -> Void

public enum ClusterLogs {
    public static let standardError: ClusterLog = { line in
        FileHandle.standardError.write(Data("[cluster] \(line)\n".utf8))
    }
}

/// The ZeroMQ Authentication Protocol handler (ZAP, RFC 27; zmq_curve(7)): libzmq asks it, over
/// `inproc://zeromq.zap.01`, whether each CURVE client may connect, and it answers yes only for public keys
/// on the `AllowList`. Refusals are logged with the key and address.
///
/// It runs on a thread of its own, which owns its REP socket. The socket is bound in `init`, before `init`
/// returns, so a CURVE server made afterwards in the same context never handshakes without it. `stop()` (or
/// deinit) ends the thread within one poll interval and closes the socket. A CURVE server socket keeps its
/// handler alive (`makeCurveServer`); call `stop()` only after closing the sockets it authenticates, because
/// libzmq 4.3 lets CURVE clients in unchecked when no handler answers.
public final class ZAPHandler: @unchecked Sendable {
    /// The endpoint libzmq sends ZAP requests to; fixed by RFC 27, one per context.
    public static let endpoint = "inproc://zeromq.zap.01"
    /// The ZAP domain CURVE server sockets of this project set (`SocketOption.zapDomain`).
    public static let domain = "ampl"
    /// How often the thread looks at the stop flag while no request arrives.
    static let pollMilliseconds = 100

    private enum Status {
        static let allowed = "200"
        static let denied = "400"
        static let internalError = "500"
    }

    let context: ZMQContext
    private let allowList: AllowList
    private let log: ClusterLog
    private let lock = NSLock()
    private var stopping = false
    private var counts = (accepted: 0, refused: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// Binds the ZAP endpoint in `context` and starts answering.
    public init(context: ZMQContext, allowList: AllowList, log: @escaping ClusterLog = ClusterLogs.standardError) throws {
        self.context = context
        self.allowList = allowList
        self.log = log
        let socket = try ZMQSocket(context, type: .reply, name: "ZAP handler", options: [.linger(milliseconds: 0)])
        try socket.bind(Self.endpoint)
        // From here on the socket belongs to the thread.
        let thread = Thread { [unowned self] in
            self.serve(socket)
            self.finished.signal()
        }
        thread.name = "ampl-zap"
        thread.start()
    }

    deinit { stop() }

    /// Stops the thread and closes the socket; waits for both. Safe to call more than once.
    public func stop() {
        let wasRunning: Bool = lock.withLock {
            defer { stopping = true }
            return !stopping
        }
        if wasRunning { finished.wait() }
    }

    /// Handshakes let in and refused so far.
    public var decisions: (accepted: Int, refused: Int) { lock.withLock { counts } }

    private var shouldStop: Bool { lock.withLock { stopping } }

    private func serve(_ socket: ZMQSocket) {
        while !shouldStop {
            do {
                guard try socket.waitForInput(timeoutMilliseconds: Self.pollMilliseconds),
                      let request = try socket.receive(wait: .dontWait) else { continue }
                try socket.send(answer(request.frames.map(\.array)).map { .bytes($0) })
            } catch {
                log("ZAP handler: \(error)")
            }
        }
    }

    /// The reply frames for one request: version, request id, status code, status text, user id, metadata.
    func answer(_ request: [[UInt8]]) -> [[UInt8]] {
        // Request: version, request id, domain, address, routing id, mechanism, credentials…
        let version = Array("1.0".utf8)
        let requestID = request.count > 1 ? request[1] : []
        func reply(_ status: String, _ text: String, user: String = "") -> [[UInt8]] {
            [version, requestID, Array(status.utf8), Array(text.utf8), Array(user.utf8), []]
        }
        guard request.count >= 6, request[0] == version else {
            log("ZAP handler: malformed request of \(request.count) frames")
            return reply(Status.internalError, "malformed ZAP request")
        }
        let text = { (frame: [UInt8]) in String(decoding: frame, as: UTF8.self) }
        let domain = text(request[2]), address = text(request[3]), mechanism = text(request[5])
        guard domain == Self.domain, mechanism == "CURVE", request.count == 7,
              request[6].count == CurveKey.byteCount else {
            lock.withLock { counts.refused += 1 }
            log("ZAP: refused a \(mechanism) connection from \(address) in domain '\(domain)': only CURVE is allowed")
            return reply(Status.denied, "CURVE required")
        }
        let key = CurveKey(bytes: request[6])
        guard let name = allowList.name(of: key) else {
            lock.withLock { counts.refused += 1 }
            log("ZAP: refused CURVE key \(key.z85) from \(address): not on the allow-list")
            return reply(Status.denied, "key not allowed")
        }
        lock.withLock { counts.accepted += 1 }
        return reply(Status.allowed, "OK", user: name)
    }
}
