import Cluster
import Testing

@Suite("Wire header")
struct WireHeaderTests {
    let sample = WireHeader(type: .ensemble, runID: 0x0102_0304_0506_0708, version: 0xFFEE_DDCC_BBAA_9988,
                            elementCount: 1_234_567, round: 9, member: 6, payloadCRC: 0xDEAD_BEEF,
                            floatFrameCount: 3)

    @Test func encodesToFortyEightLittleEndianBytes() {
        let bytes = sample.encoded()
        #expect(bytes.count == WireHeader.size)
        #expect(Array(bytes[0..<4]) == Array("AMPL".utf8))
        #expect(Array(bytes[4..<6]) == [UInt8(WireHeader.protocolVersion), 0])
        #expect(Array(bytes[6..<8]) == [9, 0])                                   // ENSEMBLE
        #expect(Array(bytes[8..<16]) == [8, 7, 6, 5, 4, 3, 2, 1])               // run id, little-endian
        #expect(Array(bytes[36..<40]) == [6, 0, 0, 0])                          // member
        #expect(Array(bytes[40..<44]) == [0xEF, 0xBE, 0xAD, 0xDE])              // CRC
        #expect(Array(bytes[46..<48]) == [0, 0])                                // reserved
    }

    @Test func roundTripsEveryMessageType() {
        for type in MessageType.allCases {
            var header = sample
            header.type = type
            header.member = type == .heartbeat ? WireHeader.noMember : 3
            let decoded = header.encoded().withUnsafeBytes { WireHeader.decode($0) }
            #expect(decoded == .success(header))
        }
        var noMember = sample
        noMember.member = WireHeader.noMember
        #expect(noMember.memberIndex == nil)
        #expect(sample.memberIndex == 6)
    }

    @Test(arguments: [
        (patch: (offset: 0, bytes: [UInt8]("ZMTP".utf8)), expected: Rejection.badMagic(Array("ZMTP".utf8))),
        (patch: (offset: 4, bytes: [2, 0]), expected: .unsupportedProtocolVersion(2)),
        (patch: (offset: 6, bytes: [99, 0]), expected: .unknownMessageType(99)),
        (patch: (offset: 6, bytes: [0, 0]), expected: .unknownMessageType(0)),
        (patch: (offset: 46, bytes: [1, 0]), expected: .reservedNotZero(1)),
        (patch: (offset: 36, bytes: [0xFE, 0xFF, 0xFF, 0xFF]), expected: .invalidMember(-2)),
    ])
    func rejectsABadField(patch: (offset: Int, bytes: [UInt8]), expected: Rejection) {
        var bytes = sample.encoded()
        bytes.replaceSubrange(patch.offset..<(patch.offset + patch.bytes.count), with: patch.bytes)
        #expect(bytes.withUnsafeBytes { WireHeader.decode($0) } == .failure(expected))
    }

    @Test func rejectsEveryWrongSize() {
        let bytes = sample.encoded()
        for size in 0..<WireHeader.size {
            #expect(Array(bytes.prefix(size)).withUnsafeBytes { WireHeader.decode($0) } == .failure(.headerSize(size)))
        }
        #expect((bytes + [0]).withUnsafeBytes { WireHeader.decode($0) } == .failure(.headerSize(49)))
    }
}
