import Cluster
import Numerics
import Testing

@Suite("Wire decoder: every rejection reason")
struct WireDecoderTests {
    static let runID: UInt64 = 77
    let coordinator = WireDecoder(receiver: .coordinator, runID: runID)
    let worker = WireDecoder(receiver: .worker, runID: runID)

    /// A valid ROLLOUTS message (worker → coordinator) with two float frames.
    func rollouts() -> OutgoingMessage {
        OutgoingMessage(.rollouts, runID: Self.runID, round: 2, version: 5, member: 1, control: Array(#"{"chunk":3}"#.utf8),
                        payload: [FloatBlob([1, 2, 3]), FloatBlob([4.5, -0.0, .nan, .infinity])])
    }

    func rejection(_ decoder: WireDecoder, _ parts: [[UInt8]]) -> Rejection? {
        decoder.decode(frames(parts)).failure
    }

    /// The message's frames with the header passed through `edit`.
    func editedHeader(_ message: OutgoingMessage, _ edit: (inout WireHeader) -> Void) -> [[UInt8]] {
        var header = message.header
        edit(&header)
        var parts = wireBytes(message)
        parts[0] = header.encoded()
        return parts
    }

    @Test func acceptsAWellFormedMessageAndKeepsEveryBit() throws {
        let message = rollouts()
        let received = try coordinator.decode(frames(wireBytes(message))).get()
        #expect(received.header == message.header)
        #expect(received.header.elementCount == 7)
        #expect(received.floats(0) == [1, 2, 3])
        #expect(received.floats(1).map(\.bitPattern) == [4.5, -0.0, Float.nan, .infinity].map(\.bitPattern))
        #expect(received.control.array == Array(#"{"chunk":3}"#.utf8))
    }

    @Test func decodesTypedControlBodies() throws {
        let hello = HelloBody(incarnation: Incarnation(0xFEED_FACE_CAFE_BEEF), rank: 4)
        let message = try OutgoingMessage(.hello, runID: 0, body: hello)
        let received = try coordinator.decode(frames(wireBytes(message))).get()
        #expect(try received.body(as: HelloBody.self) == hello)
        #expect(String(decoding: message.control, as: UTF8.self).contains("feedfacecafebeef"))
        #expect(throws: Rejection.self) { try received.body(as: RejectBody.self) }
    }

    @Test func rejectsAnEmptyMessage() {
        #expect(rejection(coordinator, []) == .wrongFrameCount(expected: 2, actual: 0))
    }

    @Test func rejectsWrongFrameCounts() {
        var parts = wireBytes(rollouts())
        parts.removeLast()
        #expect(rejection(coordinator, parts) == .wrongFrameCount(expected: 4, actual: 3))
        #expect(rejection(coordinator, wireBytes(rollouts()) + [[0, 0, 0, 0]]) == .wrongFrameCount(expected: 4, actual: 5))
        #expect(rejection(coordinator, [wireBytes(rollouts())[0]]) == .wrongFrameCount(expected: 4, actual: 1))
        // Frames the receive dropped over its limit count as frames too.
        let cut = coordinator.decode(frames(wireBytes(rollouts())), droppedFrames: 1)
        #expect(cut.failure == .wrongFrameCount(expected: 4, actual: 5))
    }

    @Test func rejectsTooManyFloatFrames() {
        let parts = editedHeader(rollouts()) { $0.floatFrameCount = UInt16(WireDecoder.maxFloatFrames + 1) }
        #expect(rejection(coordinator, parts) == .tooManyFloatFrames(WireDecoder.maxFloatFrames + 1))
    }

    @Test func rejectsFloatsOnAControlOnlyType() {
        let heartbeat = OutgoingMessage(.heartbeat, runID: Self.runID)
        let parts = editedHeader(heartbeat) { $0.floatFrameCount = 1; $0.elementCount = 1 } + [[0, 0, 0, 0]]
        #expect(rejection(coordinator, parts) == .unexpectedFloats(.heartbeat, frames: 1))
    }

    @Test func rejectsAnOversizedControlFrame() {
        let control = [UInt8](repeating: 0x20, count: WireDecoder.maxControlBytes + 1)
        var parts = wireBytes(OutgoingMessage(.heartbeat, runID: Self.runID))
        parts[1] = control
        #expect(rejection(coordinator, parts) == .controlTooLarge(control.count))
    }

    @Test func rejectsAPartialFloat() {
        var parts = wireBytes(rollouts())
        parts[3].removeLast()
        #expect(rejection(coordinator, parts) == .partialFloat(frame: 1, bytes: 15))
    }

    @Test func rejectsAnElementCountThatDisagreesWithTheBytes() {
        for announced: UInt64 in [0, 6, 8, UInt64.max / 4 + 2, UInt64.max] {
            let parts = editedHeader(rollouts()) { $0.elementCount = announced }
            #expect(rejection(coordinator, parts) == .elementCountMismatch(announced: announced, payloadBytes: 28))
        }
    }

    @Test func rejectsACorruptedPayload() throws {
        let message = rollouts()
        var parts = wireBytes(message)
        parts[2][5] ^= 0x10
        guard case .crcMismatch(let announced, let computed) = rejection(coordinator, parts) else {
            Issue.record("a flipped bit must fail the CRC"); return
        }
        #expect(announced == message.header.payloadCRC)
        #expect(computed != announced)
        var control = wireBytes(message)
        control[1][0] = UInt8(ascii: "[")   // the CRC covers the control frame too
        #expect(rejection(coordinator, control) == .crcMismatch(announced: message.header.payloadCRC,
                                                                computed: CRC32C.checksum(control[1] + control[2] + control[3])))
        let forged = editedHeader(message) { $0.payloadCRC &+= 1 }
        #expect(rejection(coordinator, forged) == .crcMismatch(announced: message.header.payloadCRC &+ 1,
                                                               computed: message.header.payloadCRC))
    }

    @Test func rejectsAStaleRunIDButAcceptsAnyHelloHeartbeatOrResync() throws {
        let stale = OutgoingMessage(.epochReport, runID: Self.runID - 1)
        #expect(rejection(coordinator, wireBytes(stale)) == .staleRunID(expected: Self.runID, received: Self.runID - 1))
        #expect(rejection(coordinator, wireBytes(OutgoingMessage(.heartbeat, runID: 0))) == nil)
        #expect(rejection(WireDecoder(receiver: .worker, runID: 5), wireBytes(OutgoingMessage(.resync, runID: 6))) == nil)
        let hello = try OutgoingMessage(.hello, runID: 12345, body: HelloBody(incarnation: .random(), rank: nil))
        #expect(rejection(coordinator, wireBytes(hello)) == nil)
        // A worker that has not learned the run id yet accepts its first ASSIGN from any run.
        let unassigned = WireDecoder(receiver: .worker, runID: nil)
        #expect(rejection(unassigned, wireBytes(OutgoingMessage(.assign, runID: 999))) == nil)
    }

    @Test func rejectsAMessageFromTheWrongSide() {
        #expect(rejection(coordinator, wireBytes(OutgoingMessage(.assign, runID: Self.runID))) == .wrongSender(.assign))
        #expect(rejection(worker, wireBytes(rollouts())) == .wrongSender(.rollouts))
        #expect(rejection(worker, wireBytes(OutgoingMessage(.bye, runID: Self.runID))) == nil)
    }

    @Test func rejectsControlThatIsNotTheExpectedJSON() throws {
        let received = try coordinator.decode(frames(wireBytes(OutgoingMessage(.hello, runID: 0,
                                                                                 control: Array("{not json".utf8))))).get()
        #expect(throws: Rejection.self) { try received.body(as: HelloBody.self) }
    }

    @Test func headerRejectionsComeThroughTheDecoder() {
        #expect(rejection(coordinator, [[1, 2, 3], []]) == .headerSize(3))
        var parts = wireBytes(rollouts())
        parts[0][0] = 0
        #expect(rejection(coordinator, parts) == .badMagic([0] + Array("MPL".utf8)))
    }
}
