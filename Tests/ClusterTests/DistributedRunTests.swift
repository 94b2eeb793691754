import Cluster
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

    /// Each worker is provisioned once (one ASSIGN; one SNAPSHOT per member, as nothing moves) and gets one
    /// ENSEMBLE at startup and one per model round, counted by the transport (`ClusterMetrics`, the `wire:` lines).
    /// 50,000 dataset rows keep the coordinator loading long enough that every HELLO arrives before the members
    /// are placed, the case that provisioned every worker twice.
    @Test func everyWorkerIsProvisionedOnce() throws {
        let folder = try Self.workFolder("provisioning")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try Self.ampl(["train", "--preset", "smoke", "--seed", "3", "--set", "datasetSteps=50000",
                                 "--set", "schedule.epochs=1", "--run-dir", "run", "--workers", "3"], in: folder)
        #expect(run.status == 0, "\(run.output)")
        let rounds = run.output.matches(of: /model round \d+ done/).count
        #expect(rounds == 1)
        let sent = Self.messagesSent(in: run.output)
        #expect(sent["ASSIGN"] == 3, "\(sent)")
        #expect(sent["SNAPSHOT"] == 3, "\(sent)")   // the smoke preset's 3 members, one per worker
        #expect(sent["ENSEMBLE"] == 3 * (1 + rounds), "\(sent)")
    }

    /// The policy goes to each worker once per generation; the other chunk requests refer to it by version and
    /// carry no parameters. One epoch of 20 iterations with a generation every 10 is 2 generations; 128-state chunks
    /// make several chunks per worker in each. The smoke preset's policy, (17 + 4) → 32 → 32 → 6, is 7,832 bytes.
    @Test func thePolicyGoesToEachWorkerOncePerGeneration() throws {
        let folder = try Self.workFolder("policy")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try Self.ampl(["train", "--preset", "smoke", "--seed", "3", "--deterministic", "--set", "schedule.epochs=1",
                                 "--set", "rollout.chunkSize=128", "--run-dir", "run", "--workers", "2"], in: folder)
        #expect(run.status == 0, "\(run.output)")
        let (workers, generations, policyBytes) = (2, 2, 7_832)
        let requests = try #require(run.output.firstMatch(of: /wire: sent ROLLOUT_REQUEST (\d+) messages, (\d+) bytes/))
        #expect(Int(requests.1)! > workers * generations, "too few chunks to tell")
        #expect(Int(requests.2)! < (workers * generations + 1) * policyBytes, "\(requests.0)")
    }

    /// Messages sent per type, from the coordinator's `wire: sent TYPE N messages, B bytes` lines.
    static func messagesSent(in output: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for match in output.matches(of: /wire: sent (\w+) (\d+) messages/) { counts[String(match.1)] = Int(match.2) }
        return counts
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

    /// Four workers for three members: rank 3 is a hot spare. Rank 1 is killed once round 0 started; its
    /// member goes to the spare (SNAPSHOT of parameters and Adam state) and round 1 has every member again.
    @Test func aHotSpareTakesOverAKilledWorkersMember() throws {
        let folder = try Self.workFolder("spare")
        defer { try? FileManager.default.removeItem(at: folder) }
        let coordinator = try WatchedProcess.start(
            ["train", "--preset", "smoke", "--seed", "12", "--run-dir", "run", "--workers", "4",
             "--set", "schedule.epochs=2", "--set", "ensemble.stepsPerModelEpoch=800", "--set", "ensemble.patience=100",
             "--set", "ensemble.maxSteps=9600"], in: folder, name: "coordinator")
        defer {
            coordinator.stop()
            for pid in Self.workerPIDs(in: coordinator.output) { kill(pid, SIGKILL) }
        }
        #expect(coordinator.waitFor("model round 0 started", timeout: Self.runDeadline))
        let pids = Self.workerPIDs(in: coordinator.output)
        try #require(pids.count == 4)
        kill(pids[1], SIGKILL)
        #expect(coordinator.waitForExit(timeout: Self.runDeadline) == 0, "\(coordinator.output.suffix(3_000))")

        let output = coordinator.output
        #expect(output.contains(/members \[1\] of w1-[0-9a-f]+ go to spare w3-/), "\(output.suffix(3_000))")
        #expect(output.contains("model round 0 finished without members [1]"))
        #expect(output.contains("model round 1 started: members [0, 1, 2] on 3 workers"))
        let events = try ClusterEventLog.read(folder.appendingPathComponent("run/\(ClusterEventLog.fileName)"))
        #expect(events.contains { $0.event == "members_moved" && $0.members == [1] && $0.worker?.hasPrefix("w3-") == true })
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

/// A straggler: a worker that joins, heartbeats and takes its members, but never trains or makes rollouts,
/// so only `cluster.modelEpochDeadlineSeconds` can tell it apart from a slow one.
@Suite("Stragglers", .timeLimit(.minutes(3)))
struct StragglerTests {
    @Test func aStragglerPastTheDeadlineIsLeftOutAndTheRunCompletes() throws {
        let folder = try AMPLProcess.workFolder("straggler")
        defer { try? FileManager.default.removeItem(at: folder) }
        let coordinator = try WatchedProcess.start(
            ["train", "--preset", "smoke", "--seed", "9", "--set", "schedule.epochs=2", "--run-dir", "run",
             "--set", "cluster.modelEpochDeadlineSeconds=2", "--listen", "tcp://127.0.0.1:*", "--expect-workers", "2"],
            in: folder, name: "coordinator")
        defer { coordinator.stop() }
        #expect(coordinator.waitFor("waiting for 2 workers on", timeout: 100))
        let endpoint = String(try #require(coordinator.output.firstMatch(of: /waiting for 2 workers on (tcp:\S+)/)).1)
        let worker = try WatchedProcess.start(["worker", "--coordinator", endpoint, "--rank", "0"], in: folder, name: "worker")
        defer { worker.stop() }
        let straggler = try IdleWorker(endpoint: endpoint, rank: 1)   // takes member 1
        defer { straggler.stop() }

        #expect(coordinator.waitForExit(timeout: 150) == 0, "\(coordinator.output.suffix(3_000))")
        let output = coordinator.output
        #expect(output.contains("model round 0 finished without members [1] (member 1: no EPOCH_REPORT of model epoch 1 "
                                + "within 2 s)"), "\(output.suffix(3_000))")
        #expect(!output.contains("is dead"), "the straggler heartbeats: it must not be declared dead")
        let events = try ClusterEventLog.read(folder.appendingPathComponent("run/\(ClusterEventLog.fileName)"))
        #expect(events.contains { $0.event == "round_incomplete" && $0.round == 0 && $0.members == [1] })
    }
}

/// A DEALER on a thread of its own that says HELLO, heartbeats every 0.2 s and drops everything it receives.
final class IdleWorker: @unchecked Sendable {
    private let running = NSCondition()
    private var stopping = false
    private var stopped = false

    init(endpoint: String, rank: Int) throws {
        let incarnation = Incarnation.random()
        let socket = try ControlChannel.connectWorker(try ZMQContext(), endpoint: endpoint,
                                                      identity: .worker(rank: rank, incarnation: incarnation),
                                                      security: .plain)
        try socket.send(try OutgoingMessage(.hello, runID: 0, body: HelloBody(incarnation: incarnation, rank: rank)))
        // The socket belongs to this thread from here on.
        Thread { [self] in
            while !isStopping {
                _ = try? socket.send(OutgoingMessage(.heartbeat, runID: 0), wait: .dontWait)
                if (try? socket.waitForInput(timeoutMilliseconds: 200)) == true {
                    while (try? socket.receive(wait: .dontWait)).flatMap({ $0 }) != nil {}
                }
            }
            running.lock()
            stopped = true
            running.signal()
            running.unlock()
        }.start()
    }

    private var isStopping: Bool {
        running.lock()
        defer { running.unlock() }
        return stopping
    }

    func stop() {
        running.lock()
        stopping = true
        while !stopped { running.wait() }
        running.unlock()
    }
}
