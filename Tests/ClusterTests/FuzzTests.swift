import Cluster
import Foundation
import Numerics
import TestSupport
import Testing

/// Sends ≥ 10,000 malformed messages from a worker socket into the coordinator's receiving loop. Every one must
/// be rejected, none may crash the receiver, and a well-formed message must still get through afterwards.
@Suite("Malformed input", .timeLimit(.minutes(2)))
struct FuzzTests {
    static let malformedCount = 10_000
    /// Messages sent before the receiver drains them, well below the sockets' high-water marks.
    static let batch = 250

    /// The kinds of damage, each built from a valid message so that exactly one check fails.
    enum Damage: CaseIterable {
        case randomFrames, truncatedHeader, badMagic, wrongProtocolVersion, unknownType, reservedBits, badMember,
             tooManyFloatFrames, floatsOnControlType, missingFrame, extraFrame, partialFloat, wrongElementCount,
             hugeElementCount, flippedPayloadBit, wrongCRC, staleRunID, wrongSender
    }

    /// The frames of one message with `damage` done to it.
    static func malformed(_ damage: Damage, _ random: inout RandomStream) -> [[UInt8]] {
        let floats = (0..<(1 + random.int(below: 64))).map { _ in random.uniformFloat() }
        let valid = OutgoingMessage(.rollouts, runID: LoopbackLink.runID, round: random.int(below: 10),
                                    version: random.next(), member: random.int(below: 7),
                                    control: Array(#"{"chunk":1}"#.utf8), payload: [FloatBlob(floats)])
        var parts = wireBytes(valid)
        func header(_ edit: (inout [UInt8]) -> Void) { edit(&parts[0]) }
        func field<T: FixedWidthInteger>(_ offset: Int, _ value: T) {
            withUnsafeBytes(of: value.littleEndian) { parts[0].replaceSubrange(offset..<(offset + $0.count), with: $0) }
        }
        switch damage {
        case .randomFrames:
            // Random lengths, but never exactly 48 bytes starting "AMPL", which would be a header by chance.
            parts = (0..<(1 + random.int(below: 5))).map { _ in
                var frame = (0..<random.int(below: 100)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                if frame.count == WireHeader.size { frame.append(0) }
                return frame
            }
        case .truncatedHeader: header { $0.removeLast(1 + random.int(below: WireHeader.size)) }
        case .badMagic: header { $0[random.int(below: 4)] ^= UInt8(1 + random.int(below: 255)) }
        case .wrongProtocolVersion: field(4, UInt16(2 + random.int(below: 60_000)))
        case .unknownType: field(6, UInt16(Int(MessageType.allCases.map(\.rawValue).max()!) + 1 + random.int(below: 60_000)))
        case .reservedBits: field(46, UInt16(1 + random.int(below: 60_000)))
        case .badMember: field(36, Int32(-2 - random.int(below: 1_000_000)))
        case .tooManyFloatFrames: field(44, UInt16(WireDecoder.maxFloatFrames + 1 + random.int(below: 1_000)))
        case .floatsOnControlType: field(6, MessageType.epochReport.rawValue)
        case .missingFrame: parts.removeLast()
        case .extraFrame: parts.append([0, 0, 128, 63])
        case .partialFloat: parts[2].removeLast(1 + random.int(below: 3))
        case .wrongElementCount: field(24, UInt64(floats.count + 1 + random.int(below: 100)))
        case .hugeElementCount: field(24, UInt64.max - UInt64(random.int(below: 4)))
        case .flippedPayloadBit:
            let frame = 1 + random.int(below: 2)
            parts[frame][random.int(below: parts[frame].count)] ^= UInt8(1) << UInt8(random.int(below: 8))
        case .wrongCRC: field(40, valid.header.payloadCRC ^ UInt32(1 + random.int(below: 1 << 30)))
        case .staleRunID: field(8, LoopbackLink.runID &+ UInt64(1 + random.int(below: 1_000)))
        case .wrongSender: field(6, MessageType.ensemble.rawValue)   // coordinator-only, carries floats
        }
        return parts
    }

    @Test func rejectsTenThousandMalformedMessagesThenAcceptsAGoodOne() throws {
        let link = try LoopbackLink()
        let decoder = link.coordinatorDecoder
        var random = RandomStream(seed: 2022, purpose: .test)
        var rejectedByDamage: [String: Int] = [:]
        var accepted = 0
        var sent = 0
        while sent < Self.malformedCount {
            let batch = min(Self.batch, Self.malformedCount - sent)
            for _ in 0..<batch {
                let damage = Damage.allCases[random.int(below: Damage.allCases.count)]
                try link.worker.send(Self.malformed(damage, &random).map { .bytes($0) })
            }
            for _ in 0..<batch {
                let envelope = try receiveEnvelope(decoder, from: link.coordinator)
                #expect(envelope.peer == link.workerIdentity)
                switch envelope.result {
                case .success: accepted += 1
                case .failure(let rejection): rejectedByDamage[Self.reasonName(rejection), default: 0] += 1
                }
            }
            sent += batch
        }
        #expect(accepted == 0)
        #expect(rejectedByDamage.values.reduce(0, +) == Self.malformedCount)
        // Every check was exercised.
        #expect(Set(rejectedByDamage.keys) == ["headerSize", "badMagic", "unsupportedProtocolVersion",
                                               "unknownMessageType", "reservedNotZero", "invalidMember",
                                               "tooManyFloatFrames", "unexpectedFloats", "wrongFrameCount",
                                               "partialFloat", "elementCountMismatch", "crcMismatch",
                                               "staleRunID", "wrongSender"])

        let good = OutgoingMessage(.rollouts, runID: LoopbackLink.runID, version: 42, payload: [FloatBlob([1, 2, 3])])
        try link.worker.send(good)
        let received = try receiveEnvelope(decoder, from: link.coordinator).result.get()
        #expect(received.header.version == 42)
        #expect(received.floats(0) == [1, 2, 3])
    }

    @Test func aMessageWithThousandsOfFramesIsCutAndRejected() throws {
        let link = try LoopbackLink()
        try link.worker.send([OutgoingFrame](repeating: .bytes([1]), count: 5_000))
        let envelope = try receiveEnvelope(link.coordinatorDecoder, from: link.coordinator)
        #expect(envelope.result.failure == .headerSize(1))
        try link.worker.send(OutgoingMessage(.heartbeat, runID: LoopbackLink.runID))
        #expect(try receiveEnvelope(link.coordinatorDecoder, from: link.coordinator).result.get().type == .heartbeat)
    }

    /// The flood again, into a real coordinator (`ampl train --listen`) waiting for its worker: it rejects every
    /// message, and then a real `ampl worker` still joins and the run's model rounds complete.
    @Test func aRealWorkerCompletesARoundWithTheCoordinatorAfterTheFlood() throws {
        let folder = try AMPLProcess.workFolder("fuzz-then-run")
        defer { try? FileManager.default.removeItem(at: folder) }
        let coordinator = try WatchedProcess.start(["train", "--preset", "smoke", "--seed", "8", "--set", "schedule.epochs=1",
                                                    "--run-dir", "run", "--listen", "tcp://127.0.0.1:*",
                                                    "--expect-workers", "1"], in: folder, name: "coordinator")
        defer { coordinator.stop() }
        #expect(coordinator.waitFor("waiting for 1 workers on", timeout: 100))
        let endpoint = try #require(coordinator.output.firstMatch(of: /waiting for 1 workers on (tcp:\S+)/)).1

        let fuzzer = try ControlChannel.connectWorker(try ZMQContext(), endpoint: String(endpoint),
                                                      identity: PeerIdentity("fuzzer"), security: .plain)
        var random = RandomStream(seed: 2026, purpose: .test)
        for _ in 0..<Self.malformedCount {
            let damage = Damage.allCases[random.int(below: Damage.allCases.count)]
            try fuzzer.send(Self.malformed(damage, &random).map { .bytes($0) })
        }
        let rejections = { coordinator.output.components(separatedBy: "rejected a message from fuzzer").count - 1 }
        #expect(eventually(within: 60) { rejections() >= Self.malformedCount })
        #expect(rejections() == Self.malformedCount)

        let worker = try WatchedProcess.start(["worker", "--coordinator", String(endpoint), "--rank", "0"], in: folder,
                                              name: "worker")
        defer { worker.stop() }
        #expect(coordinator.waitForExit(timeout: 120) == 0, "\(coordinator.output.suffix(2_000))")
        #expect(coordinator.output.contains("model round 0 done"))
    }

    static func reasonName(_ rejection: Rejection) -> String {
        Mirror(reflecting: rejection).children.first?.label ?? "\(rejection)"
    }
}
