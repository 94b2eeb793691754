import Foundation
import CZeroMQ

/// Every failure of the transport layer, phrased so that the message alone tells an operator what broke,
/// where (endpoint, peer, file) and, when there is a fix, how to apply it.
///
/// Malformed *input* is not a `ClusterError`: a frame that fails a check is a `Rejection`, which the
/// receiving loop logs and drops (see `WireDecoder`).
public enum ClusterError: Error, Equatable, CustomStringConvertible {
    /// A libzmq call failed. `reason` is `zmq_strerror(code)`.
    case socket(operation: String, endpoint: String, peer: String?, code: Int32, reason: String)
    /// A ROUTER send named a peer that is not connected (ROUTER_MANDATORY turns the silent drop into this).
    case peerUnreachable(peer: String, endpoint: String)
    /// A send or receive did not complete within the socket's timeout (the peer's queue is full or it is gone).
    case timedOut(operation: String, endpoint: String, peer: String?)
    /// An endpoint string that this layer cannot use.
    case invalidEndpoint(String, reason: String)
    /// A CURVE key file the configuration needs is not there.
    case keyFileMissing(path: String, howToCreate: String)
    /// A CURVE key file exists but does not hold a usable key.
    case keyFileInvalid(path: String, reason: String)
    /// `ampl keygen` refuses to overwrite an existing secret key.
    case keyFileExists(path: String)
    /// Binding or connecting beyond this machine without CURVE keys.
    case curveRequired(endpoint: String)
    /// This libzmq was built without CURVE (`zmq_has("curve") == 0`).
    case curveUnavailable

    public var description: String {
        switch self {
        case let .socket(operation, endpoint, peer, code, reason):
            let who = peer.map { " peer \($0)" } ?? ""
            return "ZeroMQ \(operation) failed on \(endpoint)\(who): \(reason) (errno \(code))"
        case let .peerUnreachable(peer, endpoint):
            return "peer \(peer) is not connected to \(endpoint); the message was not sent"
        case let .timedOut(operation, endpoint, peer):
            let who = peer.map { " to peer \($0)" } ?? ""
            return "ZeroMQ \(operation)\(who) on \(endpoint) timed out"
        case let .invalidEndpoint(endpoint, reason):
            return "cannot use endpoint '\(endpoint)': \(reason)"
        case let .keyFileMissing(path, howToCreate):
            return "CURVE key file \(path) does not exist; create it with `\(howToCreate)`"
        case let .keyFileInvalid(path, reason):
            return "CURVE key file \(path) is not usable: \(reason)"
        case let .keyFileExists(path):
            return "\(path) already exists; refusing to overwrite a key (delete it first if you mean to)"
        case let .curveRequired(endpoint):
            return "\(endpoint) is reachable from other machines, so CURVE encryption is required, and no key "
                + "directory was given: pass --keys DIR or set AMPL_KEYS=DIR, after creating the keys with "
                + "`ampl keygen --out DIR` (see docs/cluster.md)"
        case .curveUnavailable:
            return "this libzmq was built without CURVE support; install a libzmq with libsodium (Debian libzmq3-dev)"
        }
    }

    /// The error for the libzmq call that just failed, read from `zmq_errno()`.
    static func lastZMQError(_ operation: String, endpoint: String, peer: String? = nil) -> ClusterError {
        let code = zmq_errno()
        if code == EAGAIN { return .timedOut(operation: operation, endpoint: endpoint, peer: peer) }
        if code == EHOSTUNREACH, let peer { return .peerUnreachable(peer: peer, endpoint: endpoint) }
        return .socket(operation: operation, endpoint: endpoint, peer: peer, code: code, reason: zmqErrorText(code))
    }
}

/// `zmq_strerror(code)` as a Swift string.
func zmqErrorText(_ code: Int32) -> String {
    String(cString: zmq_strerror(code))
}
