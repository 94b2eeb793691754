import Foundation
import Telemetry
import TestSupport
import Testing

/// cluster/ssh/launch.sh against real sshd (Debian's openssh-server, from scripts/bootstrap.sh
/// --with-test-deps) on namespace test hosts: the coordinator here on the hosts' bridge, CURVE-encrypted
/// because that address is reachable from the hosts, and three workers over ssh (one on host 1, two on host 2
/// through `slots=2`) complete a smoke run and leave nothing behind.
@Suite("ssh launcher on namespace hosts", .serialized,
       .enabled(if: NamespaceHosts.isAvailable && FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd"),
                "needs root, ip, nsenter and openssh-server (scripts/bootstrap.sh --with-test-deps)"),
       .timeLimit(.minutes(5)))
struct SshLauncherTests {
    static let env = URL(fileURLWithPath: "/usr/bin/env")

    /// Runs a short local command in `folder` and requires it to succeed.
    static func require(_ command: [String], in folder: URL) throws {
        let result = try AMPLProcess.run(command, in: folder, deadline: 30, executable: env)
        try #require(result.status == 0, "\(command.joined(separator: " ")): \(result.output)")
    }

    /// sshd on `host` in the foreground, with this test's host key and authorized key and nothing from
    /// /etc/ssh/sshd_config. sshd closes the descriptors it inherits, which Foundation's Process takes for its
    /// exit (and then blocks its monitor thread in waitpid, so no other child's exit is seen): a shell that keeps
    /// them runs it and passes the SIGTERM of `NamespaceHosts.stop` on to it by PID.
    static func startSSHD(on host: Int, of hosts: NamespaceHosts, folder: URL) throws {
        let options = ["ListenAddress=\(hosts.address(host))", "Port=22", "HostKey=\(folder.path)/host_key",
                       "AuthorizedKeysFile=\(folder.path)/authorized_keys", "StrictModes=no", "UsePAM=no",
                       "PermitRootLogin=prohibit-password", "PidFile=none"]
        let sshd = ["/usr/sbin/sshd", "-D", "-e", "-f", "/dev/null"] + options.flatMap { ["-o", $0] }
        try hosts.start(["bash", "-c", "\"$@\" & sshd=$!; trap 'kill $sshd' TERM; wait $sshd; wait $sshd", "sshd"] + sshd,
                        on: host, output: folder.appendingPathComponent("sshd-\(host).txt"))
    }

    /// PIDs of processes whose command line mentions `text` (this test's key folder), other than this one.
    static func processes(mentioning text: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = pid_t(entry), pid != getpid(),
                  let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                  String(decoding: data, as: UTF8.self).contains(text) else { return nil }
            return pid
        }
    }

    @Test func launchesWorkersFromAHostfileAndCompletesASmokeRun() throws {
        let hosts = try NamespaceHosts(count: 2)
        defer { hosts.shutdown() }
        let folder = try AMPLProcess.workFolder("ssh-\(hosts.prefix)")
        defer { try? FileManager.default.removeItem(at: folder) }
        // sshd's privilege-separation directory, which Debian's service start would create.
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        for key in ["host_key", "id"] {
            try Self.require(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", folder.appendingPathComponent(key).path],
                             in: folder)
        }
        try FileManager.default.copyItem(at: folder.appendingPathComponent("id.pub"),
                                         to: folder.appendingPathComponent("authorized_keys"))
        for host in 1...2 { try Self.startSSHD(on: host, of: hosts, folder: folder) }
        try Self.require([AMPLProcess.binary.path, "keygen", "--out", "keys"], in: folder)
        try "\(hosts.address(1))\n# a comment, then a host with two workers\n\(hosts.address(2)) slots=2\n"
            .write(to: folder.appendingPathComponent("hostfile"), atomically: true, encoding: .utf8)

        let ssh = "ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR "
            + "-o ConnectTimeout=5 -o ConnectionAttempts=20 -i \(folder.path)/id"
        let keys = "\(folder.path)/keys"
        let launch = try AMPLProcess.run(
            ["--hostfile", "hostfile", "--address", hosts.gatewayAddress, "--port", "\(try freeTCPPort())",
             "--keys", keys, "--", "--preset", "smoke", "--seed", "7", "--run-dir", "runs/ssh"],
            in: folder, deadline: 180, executable: repositoryRoot.appendingPathComponent("cluster/ssh/launch.sh"),
            environment: ["AMPL_BIN": AMPLProcess.binary.path, "SSH": ssh],
            onTimeout: { _ in for pid in Self.processes(mentioning: keys) { kill(pid, SIGKILL) } })
        #expect(launch.status == 0, "\(launch.output)")
        #expect(!launch.timedOut)
        #expect(try ProgressTable.read(from: folder.appendingPathComponent("runs/ssh/progress.csv")).rows.count == 3)
        for (rank, host) in [(0, 1), (1, 2), (2, 2)] {
            #expect(launch.output.contains("[worker \(rank)@\(hosts.address(host))] worker \(rank): coordinator said BYE"),
                    "\(launch.output)")
        }
        // No worker outlived the job: every process started for it named this test's key folder.
        #expect(Self.processes(mentioning: keys).isEmpty)
    }
}
