import Cluster
import Foundation
import TestSupport
import Testing

/// The CURVE default through the real commands: a coordinator or worker on an address other machines can
/// reach refuses to start without keys and says what is missing; with keys a run is encrypted end to end.
@Suite("CURVE by default beyond loopback", .serialized, .timeLimit(.minutes(5)))
struct SecurityDefaultTests {
    static func ampl(_ arguments: [String], in folder: URL, environment: [String: String] = [:])
        throws -> AMPLProcess.Result {
        let result = try AMPLProcess.run(arguments, in: folder, deadline: DistributedRunTests.runDeadline,
                                         environment: environment, onTimeout: { output in
            for pid in DistributedRunTests.workerPIDs(in: output) { kill(pid, SIGKILL) }
        })
        if result.timedOut { Issue.record("ampl \(arguments) timed out") }
        return result
    }

    @Test func withoutKeysACoordinatorOrWorkerOnANetworkAddressStopsNamingWhatIsMissing() throws {
        let folder = try AMPLProcess.workFolder("security-nokeys")
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = ClusterError.curveRequired(endpoint: "tcp://0.0.0.0:5555").description
        let coordinator = try Self.ampl(["train", "--preset", "smoke", "--listen", "tcp://0.0.0.0:5555",
                                         "--expect-workers", "1"], in: folder)
        #expect(coordinator.status != 0)
        #expect(coordinator.output.contains(missing), "\(coordinator.output)")
        #expect(coordinator.output.contains("AMPL_KEYS"))
        let worker = try Self.ampl(["worker", "--coordinator", "tcp://0.0.0.0:5555"], in: folder)
        #expect(worker.status != 0)
        #expect(worker.output.contains(missing), "\(worker.output)")
        // A key directory that lacks the coordinator's keypair is named by file.
        let empty = folder.appendingPathComponent("empty-keys").path
        let noKeypair = try Self.ampl(["train", "--preset", "smoke", "--listen", "tcp://0.0.0.0:5555",
                                       "--expect-workers", "1"], in: folder, environment: ["AMPL_KEYS": empty])
        #expect(noKeypair.status != 0)
        #expect(noKeypair.output.contains("\(empty)/coordinator.key does not exist"), "\(noKeypair.output)")
    }

    @Test func localWorkersUseTheCoordinatorsKeys() throws {
        let folder = try AMPLProcess.workFolder("security-keys")
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = folder.appendingPathComponent("keys").path
        #expect(try Self.ampl(["keygen", "--out", keys], in: folder).status == 0)
        let run = try Self.ampl(["train", "--preset", "smoke", "--seed", "6", "--run-dir", "runs/curve", "--workers", "2"],
                                in: folder, environment: ["AMPL_KEYS": keys])
        #expect(run.status == 0, "\(run.output)")
        #expect(DistributedRunTests.noWorkerLeft(run.output))
        #expect(!run.output.contains("refused"), "\(run.output)")
    }
}
