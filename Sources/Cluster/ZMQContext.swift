import Foundation
import CZeroMQ

/// Owns one libzmq context: the I/O threads behind every socket made from it, and the namespace of
/// `inproc://` endpoints (the ZAP handler and the sockets it authenticates must share a context).
///
/// A libzmq context is thread-safe, hence `Sendable`. Every `ZMQSocket` keeps its context alive, so the
/// context is terminated only after its last socket has closed; `zmq_ctx_term` then returns at once.
public final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    /// Told of every protocol message this context's sockets send or receive (the coordinator's metrics).
    public let observer: (any WireObserver)?

    public init(observer: (any WireObserver)? = nil) throws {
        guard let handle = zmq_ctx_new() else {
            throw ClusterError.lastZMQError("zmq_ctx_new", endpoint: "(context)")
        }
        self.handle = handle
        self.observer = observer
    }

    deinit {
        // Retry on EINTR: a signal may interrupt the wait for sockets to finish lingering.
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }

    /// Whether this libzmq can encrypt with CURVE (Debian's libzmq3-dev can).
    public static var hasCurve: Bool { zmq_has("curve") != 0 }

    /// The libzmq version as "major.minor.patch".
    public static var libraryVersion: String {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }
}
