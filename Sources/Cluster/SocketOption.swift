import CZeroMQ

/// The socket options this project sets, by name, each with the value type libzmq expects.
/// Options must be set before `bind`/`connect` to affect that connection (libzmq applies most at connect time).
public enum SocketOption: Sendable, Equatable {
    /// How long `zmq_close` may keep unsent messages around for a live peer (ZMQ_LINGER).
    case linger(milliseconds: Int32)
    /// Messages queued per peer before sends block or fail (ZMQ_SNDHWM); a message counts once, any size.
    case sendHighWaterMark(Int32)
    /// Messages queued per peer on the receiving side (ZMQ_RCVHWM).
    case receiveHighWaterMark(Int32)
    /// ROUTER only: fail a send to an unknown peer with EHOSTUNREACH instead of dropping it (ZMQ_ROUTER_MANDATORY).
    case routerMandatory(Bool)
    /// ROUTER only: a new connection that presents a routing identity already in use takes it over, instead
    /// of being refused (ZMQ_ROUTER_HANDOVER). A worker that reopens its socket keeps its identity.
    case routerHandover(Bool)
    /// DEALER: the identity a ROUTER sees for this socket, stable across reconnects (ZMQ_ROUTING_ID).
    case routingID([UInt8])
    /// OS-level TCP keepalive (ZMQ_TCP_KEEPALIVE): the project turns it off and relies on heartbeats.
    case tcpKeepalive(Bool)
    /// Largest single frame the socket accepts; bigger ones close the connection (ZMQ_MAXMSGSIZE, −1 = no limit).
    case maxMessageSize(Int64)
    /// How long a blocking send may wait, −1 = forever (ZMQ_SNDTIMEO).
    case sendTimeout(milliseconds: Int32)
    /// How long a blocking receive may wait, −1 = forever (ZMQ_RCVTIMEO).
    case receiveTimeout(milliseconds: Int32)
    /// Makes the socket a CURVE server with this 32-byte secret key (ZMQ_CURVE_SERVER + ZMQ_CURVE_SECRETKEY).
    case curveServer(secretKey: [UInt8])
    /// Makes the socket a CURVE client (ZMQ_CURVE_SERVERKEY, ZMQ_CURVE_PUBLICKEY, ZMQ_CURVE_SECRETKEY).
    case curveClient(serverPublicKey: [UInt8], publicKey: [UInt8], secretKey: [UInt8])
    /// The ZAP domain passed to the authentication handler (ZMQ_ZAP_DOMAIN).
    case zapDomain(String)

    /// The option's case name, for error messages. Never the value: CURVE options carry secret keys.
    var name: String {
        String(String(describing: self).prefix { $0 != "(" })
    }

    /// The (option, bytes) pairs handed to `zmq_setsockopt`, in order.
    var settings: [(name: Int32, value: [UInt8])] {
        switch self {
        case .linger(let ms): return [(ZMQ_LINGER, Self.bytes(ms))]
        case .sendHighWaterMark(let n): return [(ZMQ_SNDHWM, Self.bytes(n))]
        case .receiveHighWaterMark(let n): return [(ZMQ_RCVHWM, Self.bytes(n))]
        case .routerMandatory(let on): return [(ZMQ_ROUTER_MANDATORY, Self.bytes(Int32(on ? 1 : 0)))]
        case .routerHandover(let on): return [(ZMQ_ROUTER_HANDOVER, Self.bytes(Int32(on ? 1 : 0)))]
        case .routingID(let id): return [(ZMQ_ROUTING_ID, id)]
        case .tcpKeepalive(let on): return [(ZMQ_TCP_KEEPALIVE, Self.bytes(Int32(on ? 1 : 0)))]
        case .maxMessageSize(let n): return [(ZMQ_MAXMSGSIZE, Self.bytes(n))]
        case .sendTimeout(let ms): return [(ZMQ_SNDTIMEO, Self.bytes(ms))]
        case .receiveTimeout(let ms): return [(ZMQ_RCVTIMEO, Self.bytes(ms))]
        case .curveServer(let secret):
            return [(ZMQ_CURVE_SERVER, Self.bytes(Int32(1))), (ZMQ_CURVE_SECRETKEY, secret)]
        case let .curveClient(server, publicKey, secret):
            return [(ZMQ_CURVE_SERVERKEY, server), (ZMQ_CURVE_PUBLICKEY, publicKey), (ZMQ_CURVE_SECRETKEY, secret)]
        case .zapDomain(let domain): return [(ZMQ_ZAP_DOMAIN, Array(domain.utf8))]
        }
    }

    /// The native-endian bytes of an integer option value, as `zmq_setsockopt` reads them.
    private static func bytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value) { Array($0) }
    }
}
