import ArgumentParser
import Cluster
import Foundation

/// `ampl worker`: trains ensemble member(s) and makes model rollouts for a coordinator (`ampl train --workers`
/// or `--listen`) until the coordinator says BYE. See docs/protocol.md.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Serve a coordinator: train ensemble members and generate model rollouts.",
        discussion: """
            The coordinator address comes from --coordinator, else AMPL_COORDINATOR, else \
            tcp://MASTER_ADDR:MASTER_PORT. The rank (which orders member placement) comes from --rank, else \
            SLURM_PROCID, OMPI_COMM_WORLD_RANK, RANK or JOB_COMPLETION_INDEX. The worker loads the dataset file \
            the coordinator names from the same path if this host has it (same size and CRC-32C), else it receives \
            it from the coordinator into $AMPL_CACHE/datasets. When the coordinator \
            goes silent the worker reconnects with back-off (1 s doubling to 32 s) and serves whichever \
            coordinator answers at that address, also one resumed with --resume.
            """)

    @Option(help: "The coordinator's endpoint, tcp://HOST:PORT.")
    var coordinator: String?

    @Option(help: "This worker's rank (members go to workers in rank order).")
    var rank: Int?

    @Option(help: "CURVE key directory (ampl keygen), else $AMPL_KEYS; required beyond loopback.")
    var keys: String?

    @Option(help: "Exit when the process with this PID ends (set by `ampl train --workers` for its own workers).")
    var parent: Int32?

    func run() throws {
        StartupReport.begin()
        let environment = ProcessInfo.processInfo.environment
        let endpoint = try LauncherEnvironment.coordinator(explicit: coordinator, environment: environment)
        let rank = try LauncherEnvironment.rank(explicit: rank, environment: environment)
        let security = try TransportSecurity.forWorker(
            connectingTo: endpoint, keyDirectory: LauncherEnvironment.keyDirectory(explicit: keys, environment: environment))
        let prefix = "worker \(rank.map(String.init) ?? "pid \(getpid())"): "
        let worker = try EnsembleWorker(context: try ZMQContext(), endpoint: endpoint, rank: rank, security: security,
                                        parent: parent,
                                        log: { FileHandle.standardError.write(Data((prefix + $0 + "\n").utf8)) })
        try worker.serve()
    }
}
