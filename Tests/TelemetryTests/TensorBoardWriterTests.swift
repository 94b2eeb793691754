import Foundation
import TestSupport
import Testing
@testable import Telemetry

@Suite struct TensorBoardWriterTests {
    @Test func maskedChecksumMatchesTensorFlow() {
        // CRC-32C check value from RFC 3720, then TensorFlow's masking.
        let bytes = Array("123456789".utf8)
        let crc: UInt32 = 0xE306_9283
        #expect(TFRecord.maskedCRC(bytes) == ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8)
    }

    @Test func fileNameFollowsTensorFlow() {
        let name = TensorBoardWriter.fileName(createdAt: Date(timeIntervalSince1970: 1_700_000_000.7),
                                              hostName: "node7")
        #expect(name == "events.out.tfevents.1700000000.node7")
    }

    @Test func realTensorBoardReadsTagsStepsAndValues() throws {
        let directory = try makeTemporaryDirectory()
        let writer = try TensorBoardWriter(directory: directory)
        var expected: [String: [[Double]]] = [:]
        for step in stride(from: 1000, through: 10_000, by: 1000) {
            let loss = 1 / Float(step)
            let score = Float(step) / 300
            try writer.add(scalars: ["train/critic_loss": loss, "eval/normalized_score": score], step: step)
            expected["train/critic_loss", default: []].append([Double(step), Double(loss)])
            expected["eval/normalized_score", default: []].append([Double(step), Double(score)])
        }
        #expect(try readWithTensorBoard(directory) == expected)
    }

    @Test func resumedRunReplacesPointsTheCrashedRunHadNotCheckpointed() throws {
        let directory = try makeTemporaryDirectory()
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        let crashed = try TensorBoardWriter(directory: directory, now: start)
        for step in 1...5 { try crashed.add(scalars: ["loss": Float(step)], step: step, at: start) }

        let later = start.addingTimeInterval(60)
        let resumed = try TensorBoardWriter(directory: directory, resumedAfterStep: 3, now: later)
        for step in 4...6 { try resumed.add(scalars: ["loss": Float(step) + 0.5], step: step, at: later) }

        let points = try readWithTensorBoard(directory)["loss"] ?? []
        #expect(points == [[1, 1], [2, 2], [3, 3], [4, 4.5], [5, 5.5], [6, 6.5]])
    }

    /// Every scalar TensorBoard finds in `directory`, as tag → [[step, value]], read by the real
    /// tensorboard package (which verifies the record checksums).
    private func readWithTensorBoard(_ directory: URL) throws -> [String: [[Double]]] {
        let script = """
            import json, sys
            from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
            accumulator = EventAccumulator(sys.argv[1], size_guidance={"scalars": 0})
            accumulator.Reload()
            print(json.dumps({tag: [[e.step, e.value] for e in accumulator.Scalars(tag)]
                              for tag in accumulator.Tags()["scalars"]}))
            """
        let output = try runTestPython(script, arguments: [directory.path])
        return try JSONDecoder().decode([String: [[Double]]].self, from: Data(output.utf8))
    }
}
