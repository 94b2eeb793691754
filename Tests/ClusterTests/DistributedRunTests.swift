import Foundation
import Telemetry
import Testing

/// The acceptance test of distributed training (issue #5): with `--deterministic`, a run whose ensemble lives
/// in 3 or in 2 `ampl worker` processes writes the same progress.csv as the coordinator alone, except the
/// wall-clock columns. Runs the real `ampl` binary, which `--build-tests` builds next to the test bundle.
@Suite("Distributed ampl train", .serialized, .timeLimit(.minutes(10)))
struct DistributedRunTests {
    static let binary: URL = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundle, bundle.deletingLastPathComponent()]
        where FileManager.default.fileExists(atPath: candidate.appendingPathComponent("ampl").path) {
            return candidate.appendingPathComponent("ampl")
        }
        return bundle.appendingPathComponent("ampl")
    }()
    /// A smoke run takes seconds; anything near this is a hang.
    static let runDeadline = 240.0

    /// Runs `ampl arguments` in `folder`. On timeout it kills the coordinator and every worker the
    /// coordinator reported starting ("started worker R: pid P"), by PID.
    static func ampl(_ arguments: [String], in folder: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = nil
        environment["OPENBLAS_L2_SIZE"] = nil
        process.environment = environment
        let log = folder.appendingPathComponent("output-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(runDeadline)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        let output = { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            for pid in workerPIDs(in: output()) { kill(pid, SIGKILL) }
            Issue.record("ampl \(arguments) timed out")
        }
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, output())
    }

    static func workerPIDs(in output: String) -> [pid_t] {
        output.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("started worker"), let pid = line.split(separator: " ").last else { return nil }
            return pid_t(pid)
        }
    }

    static func workFolder(_ name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ampl-distributed-\(getpid())-\(name)")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static func noWorkerLeft(_ output: String) -> Bool {
        workerPIDs(in: output).allSatisfy { kill($0, 0) != 0 }
    }

    @Test func deterministicRunsWithThreeAndTwoWorkersEqualTheCoordinatorAlone() throws {
        let folder = try Self.workFolder("deterministic")
        defer { try? FileManager.default.removeItem(at: folder) }
        let common = ["train", "--preset", "smoke", "--deterministic", "--seed", "4"]
        let alone = try Self.ampl(common + ["--run-dir", "runs/alone"], in: folder)
        #expect(alone.status == 0, "\(alone.output)")
        let reference = try ProgressTable.read(from: folder.appendingPathComponent("runs/alone/progress.csv"))
        #expect(reference.rows.count == 3)
        for workers in [3, 2] {
            let run = try Self.ampl(common + ["--run-dir", "runs/workers\(workers)", "--workers", "\(workers)"], in: folder)
            #expect(run.status == 0, "\(run.output)")
            #expect(Self.workerPIDs(in: run.output).count == workers)
            #expect(Self.noWorkerLeft(run.output), "a worker outlived its coordinator")
            let table = try ProgressTable.read(from: folder.appendingPathComponent("runs/workers\(workers)/progress.csv"))
            #expect(table.differences(from: reference).isEmpty,
                    "\(workers) workers: \(table.differences(from: reference).prefix(5))")
        }
    }

    @Test func aRunWithWorkersButWithoutDeterminismCompletes() throws {
        let folder = try Self.workFolder("waves")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try Self.ampl(["train", "--preset", "smoke", "--seed", "5", "--run-dir", "runs/waves", "--workers", "2"],
                                in: folder)
        #expect(run.status == 0, "\(run.output)")
        #expect(Self.noWorkerLeft(run.output))
        let table = try ProgressTable.read(from: folder.appendingPathComponent("runs/waves/progress.csv"))
        #expect(table.rows.count == 3)
    }
}
