import AMPL
import Datasets
import Dynamics
import Foundation
import Networks
import Numerics

/// The ensemble in ZeroMQ workers, seen from the AMPL loop: the coordinator side of architecture §1 and spec
/// §5.4. Workers train their members by weighted MLE; this side applies the joint early-stopping rule, picks
/// the elites, broadcasts the whole ensemble after each round, and splits each rollout generation into chunks
/// that the workers generate with the current policy. docs/protocol.md §8–§10 give the message sequences.
///
/// It keeps a full copy of the ensemble (`sampler`): every member's parameters and Adam state as of its last
/// completed round (ROUND_DONE carries both), the elites and the normalisation. The GAN regulariser samples
/// next states from it exactly as `LocalEnsemble` does, checkpoints are written from it, and a worker that
/// takes a member over receives the member's state from it as a SNAPSHOT.
///
/// Faults (docs/protocol.md §10): the link's I/O thread declares silent workers dead and hands their members
/// to a spare or to the next worker that says HELLO; this side provisions whoever takes members (ASSIGN,
/// SNAPSHOT, ENSEMBLE), finishes a model round with the members left if at least `cluster.minMembers` remain,
/// re-sends rollout chunks a lost worker owed, and records each event in `cluster-events.jsonl`.
///
/// Ownership: the training thread.
public final class RemoteEnsemble: EnsembleBackend {
    let link: CoordinatorLink
    let config: AMPLConfig
    /// The coordinator's copy of the ensemble: parameters, Adam state, elites and normalisation.
    public let ensemble: GaussianEnsemble
    /// Fitted once on the prepared dataset; every worker fits the same statistics from the same file.
    let normalization: ModelNormalization
    let observationDim: Int
    let actionDim: Int
    /// ASSIGN for this run, without its members.
    let assignment: AssignBody
    /// The fewest members a model round may end with.
    let minMembers: Int
    let events: ClusterEventLog?
    let log: (String) -> Void
    /// The version of the last ENSEMBLE broadcast (0 = the initial parameters, +1 per round).
    var version: UInt64 = 0
    /// Workers that received ASSIGN, their members' SNAPSHOTs and the latest ENSEMBLE: they can train and make
    /// rollouts.
    var provisioned: Set<PeerIdentity> = []
    /// One chunk's transitions on their way into the rollout buffer, (chunkSize · h) rows.
    let staging: TransitionColumns

    /// How long startup waits for the expected workers to say HELLO.
    public static let defaultStartupTimeout = 120.0

    /// Waits for `expectedWorkers` HELLOs on `link`, places the members round-robin and provisions every
    /// worker: ASSIGN (the run config and the dataset file, with their digests), a SNAPSHOT of each of its
    /// members, the initial ENSEMBLE. `datasetPath` is the file the coordinator trains on; a worker loads the
    /// same file, from the same path if it has it there, else received from the link (DATASET_CHUNK). `events` is where faults are recorded (nil: only logged).
    public init(link: CoordinatorLink, config: AMPLConfig, datasetPath: String, expectedWorkers: Int,
                startupTimeout: Double = defaultStartupTimeout, events: ClusterEventLog? = nil,
                log: @escaping (String) -> Void) throws {
        self.link = link
        self.config = config
        self.events = events
        self.log = log
        let data = try PreparedData(path: datasetPath, config: config)
        observationDim = data.dataset.observationDim
        actionDim = data.dataset.actionDim
        ensemble = GaussianEnsemble(observationDim: observationDim, actionDim: actionDim, config: config.ensemble,
                                    seed: config.seed,
                                    maxSampleRows: max(config.actorCritic.batchSize, config.rollout.chunkSize))
        normalization = ModelNormalization.fit(data.dataset)
        staging = TransitionColumns(rows: config.rollout.chunkSize * config.rollout.horizon,
                                    observationDim: observationDim, actionDim: actionDim)
        minMembers = config.cluster.minimumMembers(elites: config.ensemble.elites)
        let configJSON = try RunDigest.configJSON(config)
        let file = try DatasetFile(path: datasetPath)
        link.serveDataset(file)
        assignment = AssignBody(members: [], config: configJSON, configDigest: RunDigest.of(configJSON: configJSON),
                                datasetPath: URL(fileURLWithPath: datasetPath).standardizedFileURL.path,
                                datasetDigest: RunDigest.of(data.dataset), datasetFileBytes: file.size,
                                datasetFileCRC: file.crc, heartbeat: link.heartbeat)

        log("waiting for \(expectedWorkers) workers on \(link.endpoint)")
        let placement = try link.gatherWorkers(expectedWorkers, timeout: startupTimeout)
        // Only the placed workers: one that says HELLO after the placement is provisioned by its own event.
        for worker in link.peers.livePeers.map(\.identity) {
            guard let members = placement[worker] else { continue }
            log("worker \(worker): " + (members.isEmpty ? "spare" : "members \(members)"))
            provision(worker)
        }
    }

    public var sampler: any ModelSampler { ensemble }

    var members: Int { ensemble.memberCount }

    // MARK: Provisioning

    /// ASSIGN with the worker's current members, a SNAPSHOT of each (parameters and Adam state from this
    /// copy), and the current ENSEMBLE: everything a worker needs to train its members and make rollouts,
    /// whether it is new, a spare taking members over, or back without its state.
    func provision(_ worker: PeerIdentity) {
        guard let peer = link.peers.peers[worker], peer.state == .alive else { return }
        var body = assignment
        body.members = peer.members
        do {
            link.send(try OutgoingMessage(.assign, runID: link.runID, body: body), to: worker)
            for member in peer.members {
                let state = ensemble.memberState(member)
                link.send(try OutgoingMessage(.snapshot, runID: link.runID, member: member,
                                              body: SnapshotBody(adamStep: state.adamStep), payload: state.frames),
                          to: worker)
            }
            link.send(try ensembleMessage(), to: worker)
            provisioned.insert(worker)
        } catch {
            log("could not encode the provisioning of worker \(worker): \(error)")
        }
    }

    /// ENSEMBLE: all members' parameters, the elites, the normalisation, the current version.
    func ensembleMessage() throws -> OutgoingMessage {
        let payload = (0..<members).map { FloatBlob(copying: ensemble.memberParams[$0].values) }
        return try OutgoingMessage(.ensemble, runID: link.runID, version: version,
                                   body: EnsembleBody(elites: ensemble.elites, normalization: ensemble.normalization),
                                   payload: payload)
    }

    /// The next ENSEMBLE to every provisioned worker, spares too.
    func broadcastEnsemble() throws {
        let message = try ensembleMessage()
        for worker in provisioned { link.send(message, to: worker) }
    }

    // MARK: Checkpoints and shutdown

    /// The coordinator's copy: every member's parameters and Adam state as of its last completed round, the
    /// normalisation and the elites.
    public func write(into writer: inout CheckpointWriter) throws { try ensemble.write(into: &writer, prefix: "ensemble") }

    /// Restores the copy and provisions every worker again from it, so they resume from the saved parameters and
    /// Adam states.
    public func restore(from reader: CheckpointReader) throws {
        try ensemble.restore(from: reader, prefix: "ensemble")
        for worker in provisioned { provision(worker) }
    }

    /// Tells every worker the run is over (BYE) and stops the link.
    public func shutdown() { link.close() }
}
