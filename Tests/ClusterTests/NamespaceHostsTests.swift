import Foundation
import Testing
import TestSupport

/// The namespace test hosts (cluster/netns/hosts.sh through TestSupport.NamespaceHosts) that the launcher and
/// fault tests run on.
@Suite("Namespace test hosts", .enabled(if: NamespaceHosts.isAvailable, "needs root, ip and nsenter"),
       .timeLimit(.minutes(1)))
struct NamespaceHostsTests {
    /// A TCP connect from a shell, tried for up to 15 s: exits 0 once `address:port` accepts.
    static func connects(to address: String, port: Int) -> [String] {
        ["bash", "-c", "for i in $(seq 150); do (exec 3<>/dev/tcp/\(address)/\(port)) 2>/dev/null && exit 0; "
            + "sleep 0.1; done; exit 1"]
    }

    @Test func hostsHaveTheirOwnAddressesAndReachEachOtherAndThisMachine() throws {
        let hosts = try NamespaceHosts(count: 3)
        let listing = try hosts.run(["ip", "-4", "-o", "addr", "show", "dev", "eth0"], on: 2, timeout: 10)
        #expect(listing.status == 0)
        #expect(listing.output.contains(" \(hosts.address(2))/24 "))

        let folder = try AMPLProcess.workFolder("netns-\(hosts.prefix)")
        defer { try? FileManager.default.removeItem(at: folder) }
        // A bare listener: http.server would first wait ~10 s for a reverse DNS lookup no namespace can answer.
        let listener = "import socket, sys; s = socket.create_server((sys.argv[1], 8000)); "
            + "[c.close() for c, _ in iter(s.accept, None)]"
        let server = try hosts.start(["python3", "-c", listener, hosts.address(1)], on: 1,
                                     output: folder.appendingPathComponent("server.txt"))
        #expect(try hosts.run(Self.connects(to: hosts.address(1), port: 8000), on: 3, timeout: 20).status == 0)
        #expect(try hosts.run(Self.connects(to: hosts.address(1), port: 8000), on: 2, timeout: 20).status == 0)

        // The bridge joins the hosts to this machine: the test process reaches host 1 directly.
        let rootConnect = Process()
        rootConnect.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        rootConnect.arguments = Self.connects(to: hosts.address(1), port: 8000)
        try rootConnect.run()
        rootConnect.waitUntilExit()
        #expect(rootConnect.terminationStatus == 0)

        hosts.shutdown()
        #expect(!server.isRunning)
        #expect(kill(server.processIdentifier, 0) != 0)
        let left = try String(contentsOfFile: "/proc/net/dev", encoding: .utf8)
        #expect(!left.contains(hosts.prefix))
        #expect(!FileManager.default.fileExists(atPath: "/run/netns/\(hosts.namespace(1))"))
    }

    @Test func twoSetsAtOnceGetDifferentNamesAndNetworks() throws {
        let first = try NamespaceHosts(count: 1), second = try NamespaceHosts(count: 1)
        #expect(first.prefix != second.prefix)
        #expect(first.network != second.network)
        #expect(try second.run(["true"], on: 1, timeout: 10).status == 0)
    }
}
