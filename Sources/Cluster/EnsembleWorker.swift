import AMPL
import Datasets
import Dynamics
import Foundation
import Networks
import Numerics

/// `ampl worker`: the worker of the Paranoid Pirate pattern (zguide ch. 4). Its `WorkerLink` (an I/O thread)
/// connects a DEALER, says HELLO, heartbeats and reconnects with back-off when the coordinator goes silent;
/// this training thread serves what arrives: ASSIGN (load the run's dataset, or keep it if the run is the same,
/// and take the listed members), SNAPSHOT (a member's parameters and Adam state), TRAIN_ROUND (weighted-MLE
/// model epochs under the coordinator's joint early stopping), ENSEMBLE (install the broadcast ensemble),
/// ROLLOUT_REQUEST (generate one chunk with the policy it carries or refers to), RESYNC (drop the members, HELLO
/// again), until BYE. docs/protocol.md §8–§10 give the sequences.
///
/// Ownership: one training thread owns the model; the link owns the socket.
public final class EnsembleWorker {
    let link: WorkerLink
    let log: (String) -> Void
    /// The run this worker serves, from ASSIGN; nil before.
    var run: WorkerRun?
    /// Messages that arrived while this worker waited for something else (a dataset chunk, a decision), served
    /// next, in order.
    var deferred: [ReceivedMessage] = []

    /// `parent`: the PID of the `ampl train` that started this worker, which then exits with it.
    public init(context: ZMQContext, endpoint: String, rank: Int?, security: Security<WorkerKeys>,
                heartbeat: Heartbeat = .standard, parent: pid_t? = nil, log: @escaping ClusterLog) throws {
        let incarnation = Incarnation.random()
        // An unranked worker still needs an identity unique on its host: its process id stands in for the rank.
        let identity = PeerIdentity.worker(rank: rank ?? Int(getpid()), incarnation: incarnation)
        self.log = log
        link = try WorkerLink(context: context, endpoint: endpoint, identity: identity,
                              hello: HelloBody(incarnation: incarnation, rank: rank), security: security,
                              heartbeat: heartbeat, parent: parent, log: log)
    }

    /// Serves the coordinator until it says BYE.
    public func serve() throws {
        defer { link.close() }
        while true {
            let message: ReceivedMessage
            if !deferred.isEmpty {
                message = deferred.removeFirst()
            } else {
                guard case .message(let next) = nextEvent() else { continue }   // a reconnect between messages
                message = next
            }
            do {
                if try handle(message) == .leave { return }
            } catch WorkerInterruption.connectionLost {
                log("\(message.type) abandoned: the connection to the coordinator was lost")
                deferred.removeAll()
            }
        }
    }

    private enum Outcome { case serve, leave }

    private func handle(_ message: ReceivedMessage) throws -> Outcome {
        switch message.type {
        case .assign: try assign(message)
        case .resync:
            log("coordinator asked for a resync; dropping this worker's members")
            run?.members = []
            link.adopt(runID: nil)
            link.sayHello()
        case .bye:
            log("coordinator said BYE; leaving")
            // The answer tells the coordinator its BYE arrived, so it may exit. `link.close` sends it; the
            // socket's linger lets it leave before this process exits.
            link.send(OutgoingMessage(.bye, runID: message.header.runID))
            return .leave
        case .snapshot, .ensemble, .trainRound, .rolloutRequest:
            // After a reconnect, messages of the old connection may still come before the new ASSIGN.
            guard let run else {
                log("ignored \(message.type): no ASSIGN yet")
                return .serve
            }
            switch message.type {
            case .snapshot: try run.installSnapshot(message)
            case .ensemble: try run.install(message)
            case .trainRound: if let cut = try trainRound(message, run: run) { deferred.insert(cut, at: 0) }
            default: link.send(try run.rollouts(for: message))
            }
        default:
            log("ignored \(message.type) outside a round")
        }
        return .serve
    }

    private func nextEvent() -> WorkerEvent {
        while true {
            if let event = link.next(timeout: 3_600) { return event }
        }
    }

    // MARK: Messages

    /// ASSIGN: adopt the run id and heartbeat settings, keep the loaded run if it is the same config and dataset
    /// (a worker that reconnected, or a spare taking members over), else find or receive the dataset file, check
    /// both digests and build the run.
    private func assign(_ message: ReceivedMessage) throws {
        let body = try message.body(as: AssignBody.self)
        guard let heartbeat = body.heartbeat else {
            throw RemoteEnsembleError.unexpected("ASSIGN with heartbeat interval \(body.heartbeatInterval) s and "
                                                 + "liveness \(body.liveness)")
        }
        let runID = message.header.runID
        link.adopt(runID: runID, heartbeat: heartbeat)
        if let run, run.serves(body) {
            run.members = body.members
        } else {
            run = nil
            let path = try localDataset(for: body, runID: runID)
            do {
                run = try WorkerRun(body, datasetPath: path, log: log)
            } catch {
                // Tell the coordinator why, so its log names the cause; then stop serving this run.
                if let reject = try? OutgoingMessage(.reject, runID: runID, body: RejectBody(reason: "\(error)")) {
                    link.send(reject)
                }
                link.send(OutgoingMessage(.bye, runID: runID))
                throw error
            }
        }
        log("assigned members \(body.members) of run \(String(runID, radix: 16))")
    }

    /// The dataset file to load: the coordinator's path if this host has the same file there (size and
    /// CRC-32C), else a copy received earlier, else one received now, chunk by chunk (DATASET_REQUEST →
    /// DATASET_CHUNK). Other messages arriving meanwhile are served afterwards.
    private func localDataset(for body: AssignBody, runID: UInt64) throws -> String {
        let (size, crc) = (body.datasetFileBytes, body.datasetFileCRC)
        let cached = DatasetDownload.cachedCopy(of: body.datasetPath, size: size, crc: crc)
        if let found = [body.datasetPath, cached].first(where: { DatasetFile.isFile($0, size: size, crc: crc) }) {
            return found
        }
        log("dataset \(body.datasetPath) (\(size) bytes) is not on this host; receiving it from the coordinator")
        let started = Date()
        var download = try DatasetDownload(size: size, crc: crc, destination: cached)
        var complete = false
        while !complete {
            link.send(try OutgoingMessage(.datasetRequest, runID: runID, body: DatasetRequestBody(chunk: download.nextChunk)))
            complete = try download.append(try awaitMessage(.datasetChunk))
        }
        log(String(format: "received the dataset in %d chunks in %.2f s, size and CRC-32C checked: %@",
                   download.nextChunk, Date().timeIntervalSince(started), cached))
        return cached
    }

    /// The next message of `type`; others are kept for later, in order. A lost connection interrupts the wait,
    /// and so does silence beyond `transferTimeout` (a coordinator that refused the request says why in its log).
    private func awaitMessage(_ type: MessageType) throws -> ReceivedMessage {
        let deadline = Date().addingTimeInterval(Self.transferTimeout)
        while let event = link.next(timeout: deadline.timeIntervalSinceNow) {
            guard case .message(let message) = event else { throw WorkerInterruption.connectionLost }
            if message.type == type { return message }
            deferred.append(message)
        }
        throw RemoteEnsembleError.unexpected("no \(type) within \(Int(Self.transferTimeout)) s")
    }

    /// Longest wait for one DATASET_CHUNK.
    static let transferTimeout = 120.0

    /// TRAIN_ROUND: model epochs of every owned member until the coordinator says stop, then ROUND_DONE per
    /// member with its whole state (spec §5.4 items 2–5). Returns the message that cut the round short, if one
    /// did: anything but the expected decision means the coordinator moved on (this worker was dropped from the
    /// round, resynced, or told to leave), and the serving loop handles it.
    private func trainRound(_ message: ReceivedMessage, run: WorkerRun) throws -> ReceivedMessage? {
        let round = Int(message.header.round)
        let runID = message.header.runID
        let weights = message.payload.first.map { $0.floats() }
        try weights.withUnsafeBufferPointerIfPresent { try run.trainer.beginRound(round, weights: $0, seed: run.config.seed) }
        defer { run.trainer.endRound() }
        var modelEpoch = 0
        var stop = false
        while !stop {
            modelEpoch += 1
            for member in run.members {
                for _ in 0..<run.config.ensemble.stepsPerModelEpoch { try run.trainer.trainStep(member: member) }
                let loss = run.trainer.holdoutLoss(member: member)
                let improved = run.trainer.updateSnapshot(member: member, holdoutLoss: loss)
                link.send(try OutgoingMessage(.epochReport, runID: runID, round: round, member: member,
                                              body: EpochReportBody(modelEpoch: modelEpoch, holdoutLoss: loss,
                                                                    improved: improved)))
            }
            guard case .message(let next) = nextEvent() else {
                log("model round \(round) abandoned: the connection to the coordinator was lost")
                return nil
            }
            guard next.type == .epochDecision, Int(next.header.round) == round,
                  let decision = try? next.body(as: EpochDecisionBody.self), decision.modelEpoch == modelEpoch else {
                log("model round \(round) abandoned at model epoch \(modelEpoch): \(next.type) arrived")
                return next
            }
            stop = decision.stop
        }
        for member in run.members {
            run.trainer.restoreBestSnapshot(member: member)
            let loss = run.trainer.holdoutLoss(member: member)
            let state = run.ensemble.memberState(member)
            link.send(try OutgoingMessage(.roundDone, runID: runID, round: round, member: member,
                                          body: RoundDoneBody(holdoutLoss: loss, adamStep: state.adamStep),
                                          payload: state.frames))
        }
        return nil
    }
}

/// Why a worker stops what it is doing without an error: the coordinator is gone (the link reconnects).
enum WorkerInterruption: Error { case connectionLost }

/// What a worker holds for one run: the config and prepared data, the full ensemble (its own members trained
/// here, all members replaced by each broadcast), the weighted-MLE trainer, the rollout generator and a policy
/// whose parameters the first rollout request of each generation brings.
final class WorkerRun {
    let config: AMPLConfig
    /// The members this worker trains now; ASSIGN may change them during the run.
    var members: [Int]
    let data: PreparedData
    /// What the run was built from: an ASSIGN naming the same config and dataset keeps it.
    let assignment: AssignBody
    let ensemble: GaussianEnsemble
    let trainer: WeightedMLETrainer
    let generator: RolloutGenerator
    let policy: ImplicitPolicy
    /// The run id and policy version of the parameters in `policy`: a ROLLOUT_REQUEST without parameters refers
    /// to them (the coordinator sends them once per worker and generation).
    var policyVersion: (runID: UInt64, version: UInt64)?
    /// One chunk's transitions before they go out, (chunkSize · h) rows.
    let chunkBuffer: TransitionBuffer

    /// `datasetPath`: where this host has the coordinator's dataset file (`assignment.datasetPath` or a received copy).
    init(_ assignment: AssignBody, datasetPath: String, log: (String) -> Void) throws {
        let decoded = try JSONDecoder().decode(AMPLConfig.self, from: Data(assignment.config.utf8))
        let reencoded = try RunDigest.configJSON(decoded)
        guard RunDigest.of(configJSON: reencoded) == assignment.configDigest else {
            throw RemoteEnsembleError.unexpected("config digest differs: this worker's `ampl` is another version than "
                                                 + "the coordinator's")
        }
        config = decoded
        members = assignment.members
        self.assignment = assignment
        BLAS.setThreads(config.deterministic ? 1 : config.threads)
        data = try PreparedData(path: datasetPath, config: config)
        guard RunDigest.of(data.dataset) == assignment.datasetDigest else {
            throw RemoteEnsembleError.unexpected("dataset \(datasetPath) differs from the coordinator's once prepared "
                                                 + "(digest mismatch: another version of `ampl`?)")
        }
        let s = data.dataset.observationDim, a = data.dataset.actionDim
        ensemble = GaussianEnsemble(observationDim: s, actionDim: a, config: config.ensemble, seed: config.seed,
                                    maxSampleRows: config.rollout.chunkSize)
        trainer = try WeightedMLETrainer(ensemble: ensemble, dataset: data.dataset)
        generator = RolloutGenerator(model: ensemble, termination: data.termination, observationDim: s, actionDim: a,
                                     chunkSize: config.rollout.chunkSize)
        let actor = config.actorCritic
        policy = ImplicitPolicy(name: "rollout-policy", observationDim: s, actionDim: a,
                                maxAction: data.spec.actionHigh[0], hidden: actor.actorHidden,
                                noiseDim: actor.effectiveNoiseDim(observationDim: s), noiseStd: actor.noiseStd,
                                noiseClamp: actor.noiseClamp, observationScaling: data.observationScaling)
        chunkBuffer = TransitionBuffer(capacity: config.rollout.chunkSize * config.rollout.horizon,
                                       observationDim: s, actionDim: a)
    }

    /// Whether `assignment` is for this same run: config and dataset.
    func serves(_ other: AssignBody) -> Bool {
        other.configDigest == assignment.configDigest && other.config == assignment.config
            && other.datasetPath == assignment.datasetPath && other.datasetDigest == assignment.datasetDigest
    }

    /// SNAPSHOT: one member's parameters and Adam state, to continue training it where its last owner stopped.
    func installSnapshot(_ message: ReceivedMessage) throws {
        let body = try message.body(as: SnapshotBody.self)
        let member = Int(message.header.member)
        try ensemble.setMemberState(member, try MemberState(frames: message, adamStep: body.adamStep))
    }

    /// ENSEMBLE: every member's parameters (not their Adam state), the elites and the normalisation.
    func install(_ message: ReceivedMessage) throws {
        let body = try message.body(as: EnsembleBody.self)
        guard message.payload.count == ensemble.memberCount else {
            throw RemoteEnsembleError.unexpected("ENSEMBLE with \(message.payload.count) members for \(ensemble.memberCount)")
        }
        for member in 0..<ensemble.memberCount { try ensemble.setMemberParameters(member, message.floats(member)) }
        ensemble.normalization = body.normalization
        ensemble.elites = body.elites
    }

    /// ROLLOUT_REQUEST: one chunk made with the policy parameters it carries, or with those of its policy version
    /// received earlier, as a ROLLOUTS message.
    func rollouts(for message: ReceivedMessage) throws -> OutgoingMessage {
        let request = try message.body(as: RolloutRequestBody.self)
        guard (1...config.rollout.chunkSize).contains(request.startStates) else {
            throw RemoteEnsembleError.unexpected("ROLLOUT_REQUEST for \(request.startStates) start states; chunk size "
                                                 + "\(config.rollout.chunkSize)")
        }
        try installPolicy(from: message)
        chunkBuffer.removeAll()
        let report = generator.generateChunk(request.chunk, startStates: request.startStates, policy: policy,
                                             starts: data.dataset, horizon: config.rollout.horizon,
                                             legacyActionBroadcast: config.rollout.legacyActionBroadcast,
                                             into: chunkBuffer, seed: config.seed, generation: request.generation)
        let n = chunkBuffer.count, s = data.dataset.observationDim, a = data.dataset.actionDim
        let columns = chunkBuffer.columns
        let frames = [(columns.observations, s), (columns.actions, a), (columns.rewards, 1),
                      (columns.nextObservations, s), (columns.terminals, 1)].map { storage, width in
            FloatBlob(copying: UnsafeBufferPointer(start: storage.pointer, count: n * width))
        }
        return try OutgoingMessage(.rollouts, runID: message.header.runID, version: message.header.version,
                                   body: RolloutsBody(generation: request.generation, chunk: request.chunk, report: report),
                                   payload: frames)
    }
}

extension WorkerRun {
    /// The request's policy parameters into `policy`; a request without them must name the version held.
    private func installPolicy(from message: ReceivedMessage) throws {
        let tag = (runID: message.header.runID, version: message.header.version)
        guard let frame = message.payload.first else {
            guard let held = policyVersion, held == tag else {
                throw RemoteEnsembleError.unexpected("ROLLOUT_REQUEST refers to policy version \(tag.version), which "
                                                     + "this worker was not sent")
            }
            return
        }
        guard message.payload.count == 1, frame.count == policy.params.count * MemoryLayout<Float>.stride else {
            throw RemoteEnsembleError.unexpected("ROLLOUT_REQUEST does not fit this policy (\(policy.params.count) parameters)")
        }
        frame.copyFloats(into: policy.params.values.buffer)
        policyVersion = tag
    }
}

extension Optional where Wrapped == [Float] {
    /// Calls `body` with a buffer over the array, or with nil.
    func withUnsafeBufferPointerIfPresent<R>(_ body: (UnsafeBufferPointer<Float>?) throws -> R) rethrows -> R {
        guard let array = self else { return try body(nil) }
        return try array.withUnsafeBufferPointer { try body($0) }
    }
}
