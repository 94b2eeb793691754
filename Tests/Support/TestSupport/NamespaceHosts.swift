import Foundation

/// N test hosts on this machine, each a network namespace with its own IP on a private bridge, made by
/// `cluster/netns/hosts.sh` for one test and removed by `shutdown()` (also on deinit).
///
/// Every instance has its own name prefix (`at<pid>-<n>`, base 36) and its own /24, so tests running in
/// parallel, in this process or another, never collide; namespaces left by a killed test process (whose PID
/// is gone) are removed before the first new ones are made. Processes started with `start` are stopped by
/// PID (SIGTERM, then SIGKILL) before the namespaces go. Needs root, `ip` and `nsenter` (`isAvailable`).
public final class NamespaceHosts: @unchecked Sendable {
    public let count: Int
    /// Name prefix given to hosts.sh (AMPL_NETNS_PREFIX).
    public let prefix: String
    /// The first three octets of the hosts' /24 (AMPL_NETNS_NET).
    public let network: String
    private let lock = NSLock()
    private var started: [Process] = []
    private var isUp = true

    public static let script = repositoryRoot.appendingPathComponent("cluster/netns/hosts.sh")

    /// Root, and the tools hosts.sh runs.
    public static let isAvailable: Bool = getuid() == 0
        && (try? capture(["ip", "netns", "list"]).status) == 0 && (try? capture(["nsenter", "--version"]).status) == 0

    /// hosts.sh's exit status when the /24 it was given is already on an interface.
    private static let networkInUse: Int32 = 3
    private static let counter = Counter()
    private static let leftoversRemoved: Void = removeLeftovers()

    /// Makes hosts 1…`count` at `address(i)`; this machine is `gatewayAddress` on their bridge.
    public init(count: Int) throws {
        _ = Self.leftoversRemoved
        self.count = count
        let pid = Int(getpid())
        for _ in 0..<64 {
            let n = Self.counter.next()
            let prefix = "at\(String(pid, radix: 36))-\(String(n, radix: 36))"
            let slot = (pid &* 97 &+ n) % (50 * 256)   // 10.200.0.0 … 10.249.255.0
            let network = "10.\(200 + slot / 256).\(slot % 256)"
            let result = try Self.hostsScript(["up", "\(count)"], prefix: prefix, network: network)
            if result.status == Self.networkInUse { continue }
            guard result.status == 0 else {
                throw NamespaceHostsError("hosts.sh up \(count) failed (status \(result.status)): \(result.output)")
            }
            self.prefix = prefix
            self.network = network
            return
        }
        throw NamespaceHostsError("no free /24 in 10.200-249.x.0 after 64 tries")
    }

    deinit { shutdown() }

    /// Host `i`'s IP (hosts are numbered from 1).
    public func address(_ host: Int) -> String { "\(network).\(10 + host)" }
    /// This machine's IP on the hosts' bridge: what a process on a host connects to in order to reach it.
    public var gatewayAddress: String { "\(network).1" }
    public func namespace(_ host: Int) -> String { "\(prefix)h\(host)" }

    /// Starts `command` (an executable path and its arguments) on host `host`; its output goes to `output`.
    /// The returned process is the command itself (hosts.sh execs it), so its PID is the one `stop` signals.
    /// The command must keep the descriptors it inherits: Foundation's Process learns of a child's exit when
    /// they close, and a daemon that closes them (sshd) blocks every Process's exit notice until it ends; run
    /// such a daemon under a shell that waits for it (SshLauncherTests does).
    @discardableResult
    public func start(_ command: [String], on host: Int, environment: [String: String]? = nil,
                      output: URL) throws -> Process {
        precondition((1...count).contains(host), "no host \(host) among 1…\(count)")
        let process = Process()
        process.executableURL = Self.script
        process.arguments = ["exec", "\(host)"] + command
        process.environment = Self.environment(prefix: prefix, network: network, base: environment)
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try lock.withLock {
            try process.run()
            started.append(process)
        }
        try handle.close()
        return process
    }

    /// Runs `command` on host `host` to the end or until `timeout` (then it is killed) and returns its status
    /// and combined output.
    public func run(_ command: [String], on host: Int, environment: [String: String]? = nil,
                    timeout: TimeInterval) throws -> (status: Int32, output: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: log) }
        let process = try start(command, on: host, environment: environment, output: log)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        let timedOut = process.isRunning
        stop(process)
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        if timedOut { throw NamespaceHostsError("\(command.joined(separator: " ")) on host \(host) timed out:\n\(output)") }
        return (process.terminationStatus, output)
    }

    /// SIGTERM, then SIGKILL after `grace` seconds, to `process` by its PID; waits for it.
    public func stop(_ process: Process, grace: TimeInterval = 2) {
        for signal in [SIGTERM, SIGKILL] where process.isRunning {
            kill(process.processIdentifier, signal)
            let deadline = Date().addingTimeInterval(grace)
            while process.isRunning, Date() < deadline { usleep(10_000) }
        }
        process.waitUntilExit()
    }

    /// Stops every process started here, then removes the hosts and their bridge. Safe to call twice.
    public func shutdown() {
        let (processes, wasUp) = lock.withLock { () -> ([Process], Bool) in
            defer { started = []; isUp = false }
            return (started, isUp)
        }
        for process in processes { stop(process) }
        if wasUp { _ = try? Self.hostsScript(["down", "\(count)"], prefix: prefix, network: network) }
    }

    private static func environment(prefix: String, network: String, base: [String: String]?) -> [String: String] {
        var environment = base ?? ProcessInfo.processInfo.environment
        environment["AMPL_NETNS_PREFIX"] = prefix
        environment["AMPL_NETNS_NET"] = network
        return environment
    }

    private static func hostsScript(_ arguments: [String], prefix: String, network: String) throws
        -> (status: Int32, output: String) {
        try capture([script.path] + arguments, environment: environment(prefix: prefix, network: network, base: nil))
    }

    /// Runs `command` (looked up on PATH) to the end and returns its status and combined output.
    private static func capture(_ command: [String], environment: [String: String]? = nil) throws
        -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// Removes namespaces and bridges named `at<pid>-<n>…` whose test process no longer runs.
    private static func removeLeftovers() {
        let names = ["netns list", "-o link show type bridge"].compactMap {
            try? capture(["ip"] + $0.split(separator: " ").map(String.init)).output
        }.joined(separator: "\n")
        var deadPrefixes = Set<String>()
        for match in names.matches(of: /\bat([0-9a-z]+)-([0-9a-z]+)(?:h[0-9]+|br)\b/) {
            guard let pid = Int32(match.1, radix: 36), kill(pid, 0) != 0, errno == ESRCH else { continue }
            deadPrefixes.insert("at\(match.1)-\(match.2)")
        }
        for prefix in deadPrefixes { _ = try? hostsScript(["down"], prefix: prefix, network: "10.200.0") }
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int { lock.withLock { value += 1; return value } }
    }
}

public struct NamespaceHostsError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
