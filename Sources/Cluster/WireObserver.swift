/// Sees every protocol message a context's sockets send or receive, for live metrics and byte counts
/// (`ClusterMetrics`). Called on the thread that owns the socket, so an observer must be thread-safe and quick.
///
/// Bytes are the message's own frames (header, control, float frames) as `ZMQSocket` hands them to libzmq or
/// gets them back, without the routing identity; ZMTP framing (2–9 bytes a frame) and CURVE (a 16-byte MAC and
/// an 8-byte nonce a frame) come on top on the wire.
public protocol WireObserver: AnyObject, Sendable {
    /// `message` was handed to libzmq for `peer` (nil on a DEALER).
    func sent(_ message: WireHeader, bytes: Int, to peer: PeerIdentity?)
    /// A message arrived from `peer`; `header` is nil when it was rejected before its header could be read.
    func received(_ header: WireHeader?, bytes: Int, from peer: PeerIdentity?)
}
