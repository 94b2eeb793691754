import AMPL
import Cluster
import Foundation

/// The coordinator side of `ampl train --workers N` and `--listen ENDPOINT --expect-workers N`: binds the
/// control channel, starts the local worker processes (`--workers`: N × `ampl worker` of this same binary on
/// loopback, each told to exit with this process), and builds the `RemoteEnsemble` once they said HELLO.
/// `stop()` says BYE and then stops every worker it started by its PID, also when the run failed.
final class ClusterLaunch {
    /// How long a worker has to leave after BYE before it is sent SIGTERM, and then SIGKILL.
    static let exitGraceSeconds = 2.0
    /// The loopback endpoint `--workers` binds; the port is chosen by the system.
    static let localEndpoint = "tcp://127.0.0.1:*"

    let link: CoordinatorLink
    let expectedWorkers: Int
    /// The key directory, handed to local workers too: with keys the coordinator accepts CURVE clients only.
    let keys: String?
    private(set) var processes: [Process] = []
    private var backend: RemoteEnsemble?
    /// Heartbeat ages, round times, throughput, lags and bytes on the wire (docs/cluster.md), kept for every
    /// run with workers; `endpoint` serves them when --metrics-port is given.
    let metrics = ClusterMetrics()
    private var endpoint: MetricsEndpoint?

    /// nil when the run has no workers (coordinator alone).
    init?(workers: Int?, listen: String?, expectWorkers: Int?, keys: String?, metricsPort: Int?, config: AMPLConfig) throws {
        let endpoint: String
        switch (workers, listen) {
        case (nil, nil):
            if metricsPort != nil { throw ClusterLaunchError("--metrics-port needs --workers or --listen") }
            return nil
        case (let count?, nil):
            endpoint = Self.localEndpoint
            expectedWorkers = count
        case (nil, let address?):
            guard let count = expectWorkers else { throw ClusterLaunchError("--listen needs --expect-workers N") }
            endpoint = address
            expectedWorkers = count
        case (_?, _?): throw ClusterLaunchError("--workers and --listen exclude each other")
        }
        self.keys = keys
        guard expectedWorkers >= 1 else { throw ClusterLaunchError("a run with workers needs at least one") }
        let security = try TransportSecurity.forCoordinator(binding: endpoint, keyDirectory: keys)
        let heartbeat = Heartbeat(interval: config.cluster.heartbeatInterval, liveness: config.cluster.liveness)
        link = try CoordinatorLink(context: try ZMQContext(observer: metrics), endpoint: endpoint, security: security,
                                   memberCount: config.ensemble.members, heartbeat: heartbeat,
                                   log: ClusterLogs.standardError)
        metrics.watch { [link] in link.peers }
        if let metricsPort {
            self.endpoint = try MetricsEndpoint(port: metricsPort, metrics: metrics)
            print("metrics: http://0.0.0.0:\(metricsPort)/metrics")
        }
        if workers != nil { try startLocalWorkers() }
    }

    /// N `ampl worker` processes of this binary, ranks 0 … N−1, connected to the bound endpoint.
    private func startLocalWorkers() throws {
        guard let binary = Bundle.main.executableURL else { throw ClusterLaunchError("cannot find the ampl binary") }
        for rank in 0..<expectedWorkers {
            let process = Process()
            process.executableURL = binary
            process.arguments = ["worker", "--coordinator", link.endpoint, "--rank", "\(rank)", "--parent", "\(getpid())"]
                + (keys.map { ["--keys", $0] } ?? [])
            try process.run()
            processes.append(process)
            // Unbuffered, so that whoever watches the output knows the PID at once (tests kill workers by it).
            FileHandle.standardOutput.write(Data("started worker \(rank): pid \(process.processIdentifier)\n".utf8))
        }
    }

    /// Waits for the workers and assigns the members (see `RemoteEnsemble.init`); faults are recorded in
    /// `runFolder/cluster-events.jsonl`.
    func makeBackend(config: AMPLConfig, datasetPath: String, runFolder: URL) throws -> any EnsembleBackend {
        let events = ClusterEventLog(url: runFolder.appendingPathComponent(ClusterEventLog.fileName),
                                     log: ClusterLogs.standardError)
        let remote = try RemoteEnsemble(link: link, config: config, datasetPath: datasetPath,
                                        expectedWorkers: expectedWorkers, events: events, log: ClusterLogs.standardError)
        backend = remote
        return MeteredEnsemble(remote, metrics: metrics)
    }

    /// BYE to every worker (returning once each answered it, see `CoordinatorLink.close`), then SIGTERM and
    /// SIGKILL, by PID, to those started here that are still running.
    func stop() {
        if let backend { backend.shutdown() } else { link.close() }
        endpoint?.close()
        printWireTotals()
        for signal in [SIGTERM, SIGKILL] {
            let deadline = Date().addingTimeInterval(Self.exitGraceSeconds)
            while processes.contains(where: \.isRunning), Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            for process in processes where process.isRunning { kill(process.processIdentifier, signal) }
        }
        for process in processes { process.waitUntilExit() }
    }

    /// One line per direction and message type: what this run sent and received (docs/performance.md).
    private func printWireTotals() {
        for (key, total) in metrics.wireTotals.sorted(by: { $0.key < $1.key }) {
            print("wire: \(key) \(total.messages) messages, \(total.bytes) bytes")
        }
    }
}

struct ClusterLaunchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
