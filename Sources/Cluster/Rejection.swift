/// Why a received message was not accepted. The receiving loop logs the reason and drops the message;
/// nothing in a rejected message is ever used. `docs/protocol.md` lists what each side does next.
public enum Rejection: Error, Equatable, Sendable, CustomStringConvertible {
    /// The header frame is not exactly `WireHeader.size` bytes.
    case headerSize(Int)
    /// The first four bytes are not "AMPL": not our protocol at all.
    case badMagic([UInt8])
    /// A peer speaking another version of this protocol.
    case unsupportedProtocolVersion(UInt16)
    /// A message type code this build does not know.
    case unknownMessageType(UInt16)
    /// The reserved header field is not zero.
    case reservedNotZero(UInt16)
    /// The member field is below −1.
    case invalidMember(Int32)
    /// The message has a different number of frames than its header announces (2 + float frame count).
    case wrongFrameCount(expected: Int, actual: Int)
    /// The header announces more float frames than `WireDecoder.maxFloatFrames`.
    case tooManyFloatFrames(Int)
    /// A type that carries no floats arrived with float frames.
    case unexpectedFloats(MessageType, frames: Int)
    /// The control frame is larger than `WireDecoder.maxControlBytes`.
    case controlTooLarge(Int)
    /// A float frame whose size is not a whole number of Float32 values.
    case partialFloat(frame: Int, bytes: Int)
    /// The header's element count does not match the bytes in the float frames.
    case elementCountMismatch(announced: UInt64, payloadBytes: Int)
    /// The payload does not hash to the header's CRC-32C: corrupted or forged.
    case crcMismatch(announced: UInt32, computed: UInt32)
    /// A message from another run (an old coordinator's workers, or an old worker after a restart).
    case staleRunID(expected: UInt64, received: UInt64)
    /// The message type may not be sent by the peer it came from (e.g. ASSIGN from a worker).
    case wrongSender(MessageType)
    /// The control frame is not the JSON this message type needs.
    case badControl(MessageType, reason: String)

    public var description: String {
        switch self {
        case .headerSize(let size): return "header frame is \(size) bytes, expected \(WireHeader.size)"
        case .badMagic(let bytes): return "bad magic \(bytes.map { String($0, radix: 16) }), expected \"AMPL\""
        case .unsupportedProtocolVersion(let v):
            return "protocol version \(v), this build speaks \(WireHeader.protocolVersion)"
        case .unknownMessageType(let code): return "unknown message type \(code)"
        case .reservedNotZero(let value): return "reserved header field is \(value), must be 0"
        case .invalidMember(let member): return "member \(member) is invalid (−1 means none)"
        case let .wrongFrameCount(expected, actual): return "\(actual) frames, header announces \(expected)"
        case .tooManyFloatFrames(let n): return "\(n) float frames, limit is \(WireDecoder.maxFloatFrames)"
        case let .unexpectedFloats(type, frames): return "\(type) carries no floats but has \(frames) float frames"
        case .controlTooLarge(let n): return "control frame is \(n) bytes, limit is \(WireDecoder.maxControlBytes)"
        case let .partialFloat(frame, bytes): return "float frame \(frame) is \(bytes) bytes, not a multiple of 4"
        case let .elementCountMismatch(announced, bytes):
            return "header announces \(announced) floats, float frames hold \(bytes) bytes"
        case let .crcMismatch(announced, computed):
            return "payload CRC32C \(String(computed, radix: 16)) does not match header \(String(announced, radix: 16))"
        case let .staleRunID(expected, received): return "run id \(received) is stale, this run is \(expected)"
        case .wrongSender(let type): return "\(type) may only be sent by the \(type.sender)"
        case let .badControl(type, reason): return "\(type) control frame is not valid: \(reason)"
        }
    }
}
