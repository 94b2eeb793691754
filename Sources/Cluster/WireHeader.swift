#if _endian(big)
#error("The wire format is little-endian and payload floats are copied as-is: add byte swapping first.")
#endif

/// The fixed 48-byte header frame that starts every message on the control channel. All integers are
/// little-endian and naturally aligned:
///
/// | offset | size | field              | meaning                                                           |
/// |-------:|-----:|--------------------|-------------------------------------------------------------------|
/// | 0      | 4    | magic              | the bytes "AMPL"                                                  |
/// | 4      | 2    | protocol version   | `WireHeader.protocolVersion`; anything else is rejected           |
/// | 6      | 2    | message type       | `MessageType.rawValue`                                            |
/// | 8      | 8    | run id             | chosen by the coordinator at start; stale ids are rejected        |
/// | 16     | 8    | version            | version of the parameters or data carried (0 if none)             |
/// | 24     | 8    | element count      | Float32 elements in all payload frames together                   |
/// | 32     | 4    | round              | alternation round (0 if none)                                     |
/// | 36     | 4    | member             | ensemble member, −1 = none                                        |
/// | 40     | 4    | payload CRC32C     | CRC-32C of the control frame then every float frame, in order     |
/// | 44     | 2    | float frame count  | number of Float32 frames after the control frame                  |
/// | 46     | 2    | reserved           | must be 0                                                         |
///
/// The frames of a message are: this header, one control frame (UTF-8 JSON, possibly empty), then
/// `floatFrameCount` frames of raw Float32.
public struct WireHeader: Equatable, Sendable {
    public static let size = 48
    public static let magic: [UInt8] = Array("AMPL".utf8)
    /// Bumped whenever the layout or the meaning of a field changes; peers must match exactly.
    public static let protocolVersion: UInt16 = 1
    /// The `member` value meaning "no member".
    public static let noMember: Int32 = -1

    public var type: MessageType
    public var runID: UInt64
    public var version: UInt64
    public var elementCount: UInt64
    public var round: UInt32
    public var member: Int32
    public var payloadCRC: UInt32
    public var floatFrameCount: UInt16

    public init(type: MessageType, runID: UInt64, version: UInt64, elementCount: UInt64, round: UInt32,
                member: Int32, payloadCRC: UInt32, floatFrameCount: UInt16) {
        self.type = type
        self.runID = runID
        self.version = version
        self.elementCount = elementCount
        self.round = round
        self.member = member
        self.payloadCRC = payloadCRC
        self.floatFrameCount = floatFrameCount
    }

    /// The member index, or nil for "no member".
    public var memberIndex: Int? { member == Self.noMember ? nil : Int(member) }

    /// The 48 header bytes.
    public func encoded() -> [UInt8] {
        var bytes = Self.magic
        bytes.reserveCapacity(Self.size)
        append(Self.protocolVersion, to: &bytes)
        append(type.rawValue, to: &bytes)
        append(runID, to: &bytes)
        append(version, to: &bytes)
        append(elementCount, to: &bytes)
        append(round, to: &bytes)
        append(member, to: &bytes)
        append(payloadCRC, to: &bytes)
        append(floatFrameCount, to: &bytes)
        append(UInt16(0), to: &bytes)   // reserved
        assert(bytes.count == Self.size)
        return bytes
    }

    /// Parses a header frame. Checks only what the header alone can tell: size, magic, protocol version,
    /// reserved bits, message type and member. Never traps, whatever the bytes.
    public static func decode(_ bytes: UnsafeRawBufferPointer) -> Result<WireHeader, Rejection> {
        guard bytes.count == size else { return .failure(.headerSize(bytes.count)) }
        guard bytes.prefix(4).elementsEqual(magic) else { return .failure(.badMagic(Array(bytes.prefix(4)))) }
        let protocolVersion: UInt16 = field(bytes, at: 4)
        guard protocolVersion == Self.protocolVersion else {
            return .failure(.unsupportedProtocolVersion(protocolVersion))
        }
        let reserved: UInt16 = field(bytes, at: 46)
        guard reserved == 0 else { return .failure(.reservedNotZero(reserved)) }
        let typeCode: UInt16 = field(bytes, at: 6)
        guard let type = MessageType(rawValue: typeCode) else { return .failure(.unknownMessageType(typeCode)) }
        let member: Int32 = field(bytes, at: 36)
        guard member >= noMember else { return .failure(.invalidMember(member)) }
        return .success(WireHeader(type: type, runID: field(bytes, at: 8), version: field(bytes, at: 16),
                                   elementCount: field(bytes, at: 24), round: field(bytes, at: 32),
                                   member: member, payloadCRC: field(bytes, at: 40),
                                   floatFrameCount: field(bytes, at: 44)))
    }

    private func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private static func field<T: FixedWidthInteger>(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> T {
        T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
