import Foundation
import Telemetry
import TestSupport
import Testing

/// The acceptance test of distributed training (issue #5): with `--deterministic`, a run whose ensemble lives
/// in 3 or in 2 `ampl worker` processes writes the same progress.csv as the coordinator alone, except the
/// wall-clock columns. Runs the real `ampl` binary, which `--build-tests` builds next to the test bundle.
@Suite("Distributed ampl train", .serialized, .timeLimit(.minutes(10)))
struct DistributedRunTests {
    /// A smoke run takes seconds; anything near this is a hang.
    static let runDeadline = 240.0

    /// Runs `ampl arguments` in `folder`. On timeout it kills the coordinator and every worker the
    /// coordinator reported starting ("started worker R: pid P"), by PID.
    static func ampl(_ arguments: [String], in folder: URL) throws -> (status: Int32, output: String) {
        let result = try AMPLProcess.run(arguments, in: folder, deadline: runDeadline, onTimeout: { output in
            for pid in workerPIDs(in: output) { kill(pid, SIGKILL) }
        })
        if result.timedOut { Issue.record("ampl \(arguments) timed out") }
        return (result.status, result.output)
    }

    static func workerPIDs(in output: String) -> [pid_t] {
        output.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("started worker"), let pid = line.split(separator: " ").last else { return nil }
            return pid_t(pid)
        }
    }

    static func workFolder(_ name: String) throws -> URL { try AMPLProcess.workFolder("distributed-\(name)") }

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

    /// The coordinator is killed (SIGKILL) after epoch 3 of 5; its workers leave by themselves (`--parent`), and
    /// `--resume` with new workers ends with the same progress.csv as the uninterrupted coordinator alone: the
    /// checkpoint holds every member's Adam state (from ROUND_DONE) and the workers get it back as SNAPSHOTs.
    @Test func aKilledDeterministicRunResumedWithWorkersEqualsTheCoordinatorAlone() throws {
        let folder = try Self.workFolder("resume")
        defer { try? FileManager.default.removeItem(at: folder) }
        let common = ["train", "--preset", "smoke", "--deterministic", "--seed", "6", "--set", "schedule.epochs=5"]
        let alone = try Self.ampl(common + ["--run-dir", "runs/alone"], in: folder)
        #expect(alone.status == 0, "\(alone.output)")
        let progress = folder.appendingPathComponent("runs/workers/progress.csv")
        let killed = try AMPLProcess.run(common + ["--run-dir", "runs/workers", "--workers", "2"], in: folder,
                                         deadline: Self.runDeadline, killWhen: { _ in
            ((try? String(contentsOf: progress, encoding: .utf8)) ?? "").split(separator: "\n").count > 3
        })
        #expect(killed.status != 0, "the run ended before it could be killed")
        #expect(eventually(within: 10) { Self.noWorkerLeft(killed.output) }, "a worker outlived its killed coordinator")
        let resumed = try Self.ampl(["train", "--resume", "runs/workers", "--workers", "2"], in: folder)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(Self.noWorkerLeft(resumed.output))
        let reference = try ProgressTable.read(from: folder.appendingPathComponent("runs/alone/progress.csv"))
        let table = try ProgressTable.read(from: progress)
        #expect(table.rows.count == 5)
        #expect(table.differences(from: reference).isEmpty, "\(table.differences(from: reference).prefix(5))")
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
