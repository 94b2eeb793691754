import CZeroMQ
import Foundation

/// The socket types the project uses.
public enum SocketType: Sendable {
    /// Coordinator side of the control channel: addresses each worker by its routing identity.
    case router
    /// Worker side of the control channel.
    case dealer
    /// The ZAP handler's socket (RFC 27 is a request-reply protocol).
    case reply
    /// A request socket, used by tests that speak ZAP by hand.
    case request
    /// One end of an `inproc://` pipe between two threads of one process (`ThreadPipe`).
    case pair

    var zmqValue: Int32 {
        switch self {
        case .router: return ZMQ_ROUTER
        case .dealer: return ZMQ_DEALER
        case .reply: return ZMQ_REP
        case .request: return ZMQ_REQ
        case .pair: return ZMQ_PAIR
        }
    }
}

/// An owned libzmq socket: created in `init`, closed in `deinit` after setting a bounded linger, so that closing
/// never hangs on a dead peer.
///
/// **Ownership: one owner at a time.** libzmq sockets are not thread-safe. A socket is used by exactly one thread
/// or actor (the coordinator actor, a worker loop, the ZAP thread); it may be handed to another owner, never
/// shared. That hand-over is why the type is `@unchecked Sendable`: the compiler cannot see the single-owner
/// rule, so the code keeps it. Sending and receiving live in `ZMQSocket+Multipart.swift`.
public final class ZMQSocket: @unchecked Sendable {
    /// How long a closing socket keeps unsent messages for a live peer: enough to flush a final BYE,
    /// short enough that process exit never waits long on a dead peer (libzmq's default is forever).
    public static let defaultLingerMilliseconds: Int32 = 1_000

    let handle: UnsafeMutableRawPointer
    public let type: SocketType
    /// A readable name for errors until the socket is bound or connected ("coordinator", "worker 3").
    public let name: String
    /// The endpoint this socket last bound or connected to; errors name it.
    public private(set) var endpoint: String
    let context: ZMQContext
    /// The ZAP handler of a CURVE server socket, kept alive as long as the socket (`makeCurveServer`).
    var retainedAuthenticator: ZAPHandler?

    public init(_ context: ZMQContext, type: SocketType, name: String, options: [SocketOption] = []) throws {
        guard let handle = zmq_socket(context.handle, type.zmqValue) else {
            throw ClusterError.lastZMQError("zmq_socket", endpoint: name)
        }
        self.handle = handle
        self.type = type
        self.name = name
        self.endpoint = name
        self.context = context
        try set(.linger(milliseconds: Self.defaultLingerMilliseconds))
        for option in options { try set(option) }
    }

    deinit {
        zmq_close(handle)
    }

    /// Sets one option; see `SocketOption` for what each does.
    public func set(_ option: SocketOption) throws {
        for (name, value) in option.settings {
            let rc = value.withUnsafeBytes { zmq_setsockopt(handle, name, $0.baseAddress, $0.count) }
            if rc != 0 { throw ClusterError.lastZMQError("setsockopt(\(option.name))", endpoint: endpoint) }
        }
    }

    /// Binds and returns the endpoint actually bound: `tcp://127.0.0.1:*` picks a free port and the result
    /// names it (read back from ZMQ_LAST_ENDPOINT).
    @discardableResult
    public func bind(_ endpoint: String) throws -> String {
        if zmq_bind(handle, endpoint) != 0 { throw ClusterError.lastZMQError("bind", endpoint: endpoint) }
        self.endpoint = try lastEndpoint()
        return self.endpoint
    }

    /// Connects; libzmq reconnects by itself whenever the connection drops.
    public func connect(_ endpoint: String) throws {
        if zmq_connect(handle, endpoint) != 0 { throw ClusterError.lastZMQError("connect", endpoint: endpoint) }
        self.endpoint = endpoint
    }

    /// ZMQ_LAST_ENDPOINT: the endpoint of the last bind or connect, with wildcards resolved.
    public func lastEndpoint() throws -> String {
        let capacity = 256   // longest tcp/ipc endpoint string plus its NUL, with room to spare
        var buffer = [CChar](repeating: 0, count: capacity)
        var size = capacity
        if zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) != 0 {
            throw ClusterError.lastZMQError("getsockopt(LAST_ENDPOINT)", endpoint: endpoint)
        }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
