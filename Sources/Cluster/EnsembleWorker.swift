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
/// ROLLOUT_REQUEST (generate one chunk with the policy it carries), RESYNC (drop the members, HELLO again),
/// until BYE. docs/protocol.md §8–§10 give the sequences.
///
/// Ownership: one training thread owns the model; the link owns the socket.
public final class EnsembleWorker {
    let link: WorkerLink
    let log: (String) -> Void
    /// The run this worker serves, from ASSIGN; nil before.
    var run: WorkerRun?

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
        var interrupting: ReceivedMessage?
        while true {
            let message: ReceivedMessage
            if let pending = interrupting {
                message = pending
                interrupting = nil
            } else {
                guard case .message(let next) = nextEvent() else { continue }   // a reconnect outside a round
                message = next
            }
            switch message.type {
            case .assign: try assign(message)
            case .snapshot: try requireRun(message).installSnapshot(message)
            case .ensemble: try requireRun(message).install(message)
            case .trainRound: interrupting = try trainRound(message)
            case .rolloutRequest: link.send(try requireRun(message).rollouts(for: message))
            case .bye:
                log("coordinator said BYE; leaving")
                return
            case .resync:
                log("coordinator asked for a resync; dropping this worker's members")
                run?.members = []
                link.adopt(runID: nil)
                link.sayHello()
            default:
                log("ignored \(message.type) outside a round")
            }
        }
    }

    private func nextEvent() -> WorkerEvent {
        while true {
            if let event = link.next(timeout: 3_600) { return event }
        }
    }

    private func requireRun(_ message: ReceivedMessage) throws -> WorkerRun {
        guard let run else { throw RemoteEnsembleError.unexpected("\(message.type) arrived before ASSIGN") }
        return run
    }

    // MARK: Messages

    /// ASSIGN: adopt the run id and heartbeat settings, keep the loaded run if it is the same config and dataset
    /// (a worker that reconnected, or a spare taking members over), else check both digests and build it.
    private func assign(_ message: ReceivedMessage) throws {
        let body = try message.body(as: AssignBody.self)
        guard let heartbeat = body.heartbeat else {
            throw RemoteEnsembleError.unexpected("ASSIGN with heartbeat interval \(body.heartbeatInterval) s and "
                                                 + "liveness \(body.liveness)")
        }
        link.adopt(runID: message.header.runID, heartbeat: heartbeat)
        if let run, run.serves(body) {
            run.members = body.members
        } else {
            do {
                run = try WorkerRun(body, log: log)
            } catch {
                // Tell the coordinator why, so its log names the cause; then stop serving this run.
                if let reject = try? OutgoingMessage(.reject, runID: message.header.runID,
                                                     body: RejectBody(reason: "\(error)")) { link.send(reject) }
                link.send(OutgoingMessage(.bye, runID: message.header.runID))
                throw error
            }
        }
        log("assigned members \(body.members) of run \(String(message.header.runID, radix: 16))")
    }

    /// TRAIN_ROUND: model epochs of every owned member until the coordinator says stop, then ROUND_DONE per
    /// member with its whole state (spec §5.4 items 2–5). Returns the message that cut the round short, if one
    /// did: anything but the expected decision means the coordinator moved on (this worker was dropped from the
    /// round, resynced, or told to leave), and the serving loop handles it.
    private func trainRound(_ message: ReceivedMessage) throws -> ReceivedMessage? {
        let run = try requireRun(message)
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

/// What a worker holds for one run: the config and prepared data, the full ensemble (its own members trained
/// here, all members replaced by each broadcast), the weighted-MLE trainer, the rollout generator and a policy
/// whose parameters each rollout request brings.
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
    /// One chunk's transitions before they go out, (chunkSize · h) rows.
    let chunkBuffer: TransitionBuffer

    init(_ assignment: AssignBody, log: (String) -> Void) throws {
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
        data = try PreparedData(path: assignment.datasetPath, config: config)
        guard RunDigest.of(data.dataset) == assignment.datasetDigest else {
            throw RemoteEnsembleError.unexpected("dataset \(assignment.datasetPath) differs from the coordinator's "
                                                 + "(digest mismatch)")
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
                                noiseClamp: actor.noiseClamp)
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

    /// ROLLOUT_REQUEST: one chunk made with the policy parameters it carries, as a ROLLOUTS message.
    func rollouts(for message: ReceivedMessage) throws -> OutgoingMessage {
        let request = try message.body(as: RolloutRequestBody.self)
        guard message.payload.count == 1, message.payload[0].count == policy.params.count * MemoryLayout<Float>.stride,
              (1...config.rollout.chunkSize).contains(request.startStates) else {
            throw RemoteEnsembleError.unexpected("ROLLOUT_REQUEST does not fit this policy (\(policy.params.count) "
                                                 + "parameters) or chunk size \(config.rollout.chunkSize)")
        }
        message.payload[0].copyFloats(into: policy.params.values.buffer)
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

extension Optional where Wrapped == [Float] {
    /// Calls `body` with a buffer over the array, or with nil.
    func withUnsafeBufferPointerIfPresent<R>(_ body: (UnsafeBufferPointer<Float>?) throws -> R) rethrows -> R {
        guard let array = self else { return try body(nil) }
        return try array.withUnsafeBufferPointer { try body($0) }
    }
}
