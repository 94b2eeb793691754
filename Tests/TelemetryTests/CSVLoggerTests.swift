import Foundation
import Testing
@testable import Telemetry

@Suite struct CSVLoggerTests {
    let columns = ["epoch", "step", "critic_loss", "eval_normalized_score", "epoch_seconds"]

    @Test func rowsRoundTripExactly() throws {
        let file = try makeTemporaryDirectory().appendingPathComponent("progress.csv")
        let logger = try CSVLogger(creating: file, columns: columns)
        let losses: [Float] = [0.1, 1e-7, 3.4028235e38, -0.33333334, Float.leastNonzeroMagnitude]
        for (epoch, loss) in losses.enumerated() {
            var row: [String: ProgressValue] = ["epoch": .int(epoch), "step": .int(epoch * 1000),
                                                "critic_loss": .float(loss), "epoch_seconds": .double(0.1 + 0.2)]
            if epoch % 2 == 0 { row["eval_normalized_score"] = .double(Double(epoch) / 3) }
            try logger.append(row)
        }

        let table = try ProgressTable.read(from: file)
        #expect(table.columns == columns)
        #expect(table.rows.count == losses.count)
        let readLosses = table.rows.map { Float($0[2])! }
        #expect(readLosses.map(\.bitPattern) == losses.map(\.bitPattern))
        #expect(try table.values("eval_normalized_score") == [0, nil, 2.0 / 3, nil, 4.0 / 3])
        #expect(try table.values("epoch_seconds").allSatisfy { $0 == 0.1 + 0.2 })
        #expect(try table.series(x: "step", y: "eval_normalized_score").map(\.x) == [0, 2000, 4000])
    }

    @Test func everyRowIsOnDiskAsSoonAsItIsAppended() throws {
        let file = try makeTemporaryDirectory().appendingPathComponent("progress.csv")
        let logger = try CSVLogger(creating: file, columns: ["step", "loss"])
        try logger.append(["step": 1, "loss": 0.5])
        #expect(try String(contentsOf: file, encoding: .utf8) == "step,loss\n1,0.5\n")
    }

    @Test func resumingDropsRowsPastTheCheckpointAndAppends() throws {
        let directory = try makeTemporaryDirectory()
        let interrupted = directory.appendingPathComponent("interrupted.csv")
        let uninterrupted = directory.appendingPathComponent("uninterrupted.csv")
        func row(_ epoch: Int, seconds: Double) -> [String: ProgressValue] {
            ["epoch": .int(epoch), "step": .int(epoch * 100), "critic_loss": .float(Float(epoch) * 0.25),
             "epoch_seconds": .double(seconds)]
        }

        let reference = try CSVLogger(creating: uninterrupted, columns: columns)
        for epoch in 1...6 { try reference.append(row(epoch, seconds: 1)) }

        // A run checkpoints at step 300, logs epochs 4 and 5, and dies in the middle of writing a row.
        let crashed = try CSVLogger(creating: interrupted, columns: columns)
        for epoch in 1...5 { try crashed.append(row(epoch, seconds: 2)) }
        let torn = try FileHandle(forWritingTo: interrupted)
        try torn.seekToEnd()
        try torn.write(contentsOf: Data("6,600,1.".utf8))
        try torn.close()

        let resumed = try CSVLogger(resuming: interrupted, columns: columns, keepingRowsThroughStep: 300)
        #expect(try ProgressTable.read(from: interrupted).rows.count == 3)
        for epoch in 4...6 { try resumed.append(row(epoch, seconds: 3)) }

        let a = try ProgressTable.read(from: interrupted)
        let b = try ProgressTable.read(from: uninterrupted)
        #expect(a.differences(from: b) == [])
        #expect(a.rows != b.rows, "the _seconds column differs, and differences(from:) must ignore it")
    }

    @Test func resumingIntoAFileWithOtherColumnsIsRefused() throws {
        let file = try makeTemporaryDirectory().appendingPathComponent("progress.csv")
        _ = try CSVLogger(creating: file, columns: ["epoch", "step", "actor_loss"])
        let error = #expect(throws: CSVLoggerError.self) {
            try CSVLogger(resuming: file, columns: columns, keepingRowsThroughStep: 0)
        }
        #expect(error == .headerMismatch(file: file.path, expected: columns, found: ["epoch", "step", "actor_loss"]))
        #expect(error?.description.contains("cannot resume") == true)
    }

    @Test func unknownAndInvalidColumnsAreErrors() throws {
        let file = try makeTemporaryDirectory().appendingPathComponent("progress.csv")
        #expect(throws: CSVLoggerError.invalidColumnName("a,b")) { try CSVLogger(creating: file, columns: ["a,b"]) }
        #expect(throws: CSVLoggerError.duplicateColumn("step")) {
            try CSVLogger(creating: file, columns: ["step", "step"])
        }
        let logger = try CSVLogger(creating: file, columns: ["step"])
        #expect(throws: CSVLoggerError.unknownColumn("loss", file: file.path)) { try logger.append(["loss": 1]) }
    }

    @Test func differencesNameTheRowAndColumn() throws {
        let a = try ProgressTable.parse("step,loss,epoch_seconds\n1,0.5,3\n2,0.25,4\n", source: "a")
        let b = try ProgressTable.parse("step,loss,epoch_seconds\n1,0.5,9\n2,0.3,9\n", source: "b")
        #expect(a.differences(from: b) == ["row 2, loss: 0.25 vs 0.3"])
    }
}
