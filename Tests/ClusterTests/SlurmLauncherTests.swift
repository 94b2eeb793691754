import Foundation
import Telemetry
import TestSupport
import Testing

/// cluster/slurm on a real, local one-node Slurm (cluster/slurm/local-cluster.sh; slurm-wlm and munge come
/// from scripts/bootstrap.sh --with-test-deps): `sbatch ampl.sbatch` and `srun --multi-prog multi-prog.conf`
/// each complete a smoke run with 3 workers. Where Slurm is not installed the suite is skipped; the scripts'
/// syntax is checked in any case (`LauncherScriptTests`).
@Suite("Slurm launchers on a local cluster", .serialized,
       .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/slurmctld"),
                "needs root and slurm-wlm (scripts/bootstrap.sh --with-test-deps)"),
       .timeLimit(.minutes(5)))
struct SlurmLauncherTests {
    static let slurm = repositoryRoot.appendingPathComponent("cluster/slurm")
    static let env = URL(fileURLWithPath: "/usr/bin/env")
    /// A smoke run under Slurm takes about 10 s (sbatch --wait polls); anything near this is a hang.
    static let jobDeadline = 120.0

    /// Starts a cluster in `folder`, runs `body` with the environment that points sbatch/srun at it, and
    /// stops the daemons (by the PIDs in their pid files) whatever happens.
    static func withLocalCluster(in folder: URL, _ body: ([String: String]) throws -> Void) throws {
        let cluster = folder.appendingPathComponent("cluster")
        let script = slurm.appendingPathComponent("local-cluster.sh")
        defer { _ = try? AMPLProcess.run(["down", cluster.path], in: folder, deadline: 30, executable: script) }
        let up = try AMPLProcess.run(["up", cluster.path], in: folder, deadline: 30, executable: script)
        try #require(up.status == 0, "local-cluster.sh up: \(up.output)")
        try body(["SLURM_CONF": cluster.appendingPathComponent("slurm.conf").path, "AMPL_BIN": AMPLProcess.binary.path])
    }

    /// Cancels every job of the cluster: what a timed-out test leaves must not outlive it.
    static func cancelJobs(_ environment: [String: String], in folder: URL) {
        _ = try? AMPLProcess.run(["scancel", "--user=root"], in: folder, deadline: 10, executable: env, environment: environment)
    }

    static func progressRows(_ runDirectory: URL) throws -> Int {
        try ProgressTable.read(from: runDirectory.appendingPathComponent("progress.csv")).rows.count
    }

    @Test func theBatchScriptRunsCoordinatorAndWorkersAsSteps() throws {
        let folder = try AMPLProcess.workFolder("slurm-sbatch")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.withLocalCluster(in: folder) { cluster in
            let environment = cluster.merging(["AMPL_PORT": "\(try freeTCPPort())"]) { $1 }
            let job = try AMPLProcess.run(
                ["sbatch", "--wait", "--ntasks=4", "--output=\(folder.path)/job.out",
                 Self.slurm.appendingPathComponent("ampl.sbatch").path, "--preset", "smoke", "--seed", "3",
                 "--run-dir", "runs/slurm"],
                in: folder, deadline: Self.jobDeadline, executable: Self.env, environment: environment,
                onTimeout: { _ in Self.cancelJobs(environment, in: folder) })
            let log = (try? String(contentsOf: folder.appendingPathComponent("job.out"), encoding: .utf8)) ?? ""
            #expect(job.status == 0, "\(job.output)\n\(log)")
            #expect(try Self.progressRows(folder.appendingPathComponent("runs/slurm")) == 3)
            for rank in 0..<3 { #expect(log.contains("worker \(rank): coordinator said BYE"), "\(log)") }
        }
    }

    @Test func theMultiProgConfigRunsTaskZeroAsCoordinator() throws {
        let folder = try AMPLProcess.workFolder("slurm-multiprog")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.withLocalCluster(in: folder) { cluster in
            let runDirectory = folder.appendingPathComponent("runs/multi")
            let environment = cluster.merging([
                "AMPL_COORDINATOR": "tcp://127.0.0.1:\(try freeTCPPort())",
                "AMPL_TRAIN_ARGS": "--preset smoke --seed 3 --run-dir \(runDirectory.path) "
                    + "--set datasetDirectory=\(folder.path)/datasets",
            ]) { $1 }
            // multi-prog.conf names task.sh relative to the repository, so the tasks start there.
            let job = try AMPLProcess.run(
                ["srun", "--chdir=\(repositoryRoot.path)", "--ntasks=4", "--multi-prog",
                 Self.slurm.appendingPathComponent("multi-prog.conf").path], in: folder,
                deadline: Self.jobDeadline, executable: Self.env, environment: environment,
                onTimeout: { _ in Self.cancelJobs(environment, in: folder) })
            #expect(job.status == 0, "\(job.output)")
            #expect(try Self.progressRows(runDirectory) == 3)
            #expect(job.output.contains("members [2]"), "\(job.output)")
        }
    }
}
