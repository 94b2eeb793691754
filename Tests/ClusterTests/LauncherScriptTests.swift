import Foundation
import TestSupport
import Testing

/// Every shell script under cluster/ parses (`bash -n`), also where the cluster it is for (Slurm, ssh hosts)
/// cannot be started: a syntax error must never wait for a real cluster to show.
@Suite("Launcher scripts")
struct LauncherScriptTests {
    static let scripts: [String] = {
        let root = repositoryRoot.appendingPathComponent("cluster")
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        return files.filter { $0.hasSuffix(".sh") || $0.hasSuffix(".sbatch") }.sorted().map { "cluster/\($0)" }
    }()

    @Test func theLaunchersAreAllHere() {
        #expect(Set(Self.scripts).isSuperset(of: ["cluster/netns/hosts.sh", "cluster/slurm/ampl.sbatch",
                                                  "cluster/slurm/task.sh", "cluster/slurm/local-cluster.sh",
                                                  "cluster/ssh/launch.sh"]))
    }

    @Test(arguments: scripts)
    func parses(script: String) throws {
        let path = repositoryRoot.appendingPathComponent(script).path
        #expect(FileManager.default.isExecutableFile(atPath: path), "\(script) is not executable")
        let folder = try AMPLProcess.workFolder("bash-n-\(script.replacingOccurrences(of: "/", with: "-"))")
        defer { try? FileManager.default.removeItem(at: folder) }
        let check = try AMPLProcess.run(["bash", "-n", path], in: folder, deadline: 10,
                                        executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(check.status == 0, "\(check.output)")
    }
}
