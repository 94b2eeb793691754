import Foundation
import Numerics

/// A message ready to send: header, control frame and Float32 payload, with the element count and CRC
/// computed once in `init`. Sending the same value to many peers (the ENSEMBLE broadcast) reuses both and
/// sends the payload zero-copy each time.
public struct OutgoingMessage: Sendable {
    public let header: WireHeader
    /// UTF-8 JSON with the message's control fields; empty for messages that have none.
    public let control: [UInt8]
    public let payload: [FloatBlob]

    /// Builds a message. Violating the protocol's limits here is a programming error and traps.
    public init(_ type: MessageType, runID: UInt64, round: Int = 0, version: UInt64 = 0, member: Int? = nil,
                control: [UInt8] = [], payload: [FloatBlob] = []) {
        precondition(type.carriesFloats || payload.isEmpty, "\(type) carries no Float32 payload")
        precondition(payload.count <= WireDecoder.maxFloatFrames, "at most \(WireDecoder.maxFloatFrames) float frames")
        precondition(control.count <= WireDecoder.maxControlBytes, "control frame over \(WireDecoder.maxControlBytes) bytes")
        precondition(round >= 0 && round <= Int(UInt32.max), "round \(round) does not fit the header")
        precondition(member.map { $0 >= 0 && $0 <= Int(Int32.max) } ?? true, "member \(member!) does not fit")
        var crc = CRC32C.checksum(control)
        for blob in payload {
            crc = blob.withUnsafeBytes { CRC32C.checksum($0, continuing: crc) }
        }
        header = WireHeader(type: type, runID: runID, version: version,
                            elementCount: UInt64(payload.reduce(0) { $0 + $1.count }), round: UInt32(round),
                            member: member.map { Int32($0) } ?? WireHeader.noMember, payloadCRC: crc,
                            floatFrameCount: UInt16(payload.count))
        self.control = control
        self.payload = payload
    }

    /// Builds a message whose control frame is `body` encoded as JSON.
    public init<Body: Encodable>(_ type: MessageType, runID: UInt64, round: Int = 0, version: UInt64 = 0,
                                 member: Int? = nil, body: Body, payload: [FloatBlob] = []) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys   // the same body always gives the same bytes and CRC
        self.init(type, runID: runID, round: round, version: version, member: member,
                  control: Array(try encoder.encode(body)), payload: payload)
    }

    /// Bytes of all frames: header, control and payload.
    public var byteCount: Int {
        WireHeader.size + control.count + payload.reduce(0) { $0 + $1.byteCount }
    }

    /// The frames in wire order: header, control, then each float frame (zero-copy).
    public var frames: [OutgoingFrame] {
        [.bytes(header.encoded()), .bytes(control)] + payload.map { .floats($0) }
    }
}

extension ZMQSocket {
    /// Sends a protocol message; on a ROUTER, `peer` is the worker it goes to.
    public func send(_ message: OutgoingMessage, to peer: PeerIdentity? = nil, wait: Wait = .block) throws {
        try send(message.frames, to: peer, wait: wait)
        context.observer?.sent(message.header, bytes: message.byteCount, to: peer)
    }
}
