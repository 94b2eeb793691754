import AMPL
import Datasets
import Dynamics
import Foundation
import Networks
import Numerics

/// `ampl worker`: the worker of the Paranoid Pirate pattern (zguide ch. 4). It connects a DEALER to the
/// coordinator, says HELLO, and then serves: ASSIGN (load the run's dataset, build its member(s)), TRAIN_ROUND
/// (weighted-MLE model epochs under the coordinator's joint early stopping), ENSEMBLE (install the broadcast
/// ensemble), ROLLOUT_REQUEST (generate one chunk with the policy it carries), until BYE. It heartbeats whenever
/// it has sent nothing for an interval, also between training steps, so a long model epoch never looks like
/// a dead worker. docs/protocol.md §8–§9 give the sequences.
///
/// Not yet: reconnecting with back-off when the coordinator goes silent (fault handling comes next); today a
/// worker waits for its coordinator until BYE or until it is stopped.
///
/// Ownership: one thread, which owns the socket and the model.
public final class EnsembleWorker {
    let socket: ZMQSocket
    let identity: PeerIdentity
    let incarnation: Incarnation
    let rank: Int?
    let heartbeat: Heartbeat
    let log: (String) -> Void
    var decoder = WireDecoder(receiver: .worker, runID: nil)
    var lastSent = 0.0
    /// The run this worker serves, from ASSIGN; nil before.
    var run: WorkerRun?

    public init(context: ZMQContext, endpoint: String, rank: Int?, security: Security<WorkerKeys>,
                heartbeat: Heartbeat = .standard, log: @escaping (String) -> Void) throws {
        incarnation = .random()
        // An unranked worker still needs an identity unique on its host: its process id stands in for the rank.
        identity = .worker(rank: rank ?? Int(getpid()), incarnation: incarnation)
        self.rank = rank
        self.heartbeat = heartbeat
        self.log = log
        socket = try ControlChannel.connectWorker(context, endpoint: endpoint, identity: identity, security: security,
                                                  heartbeat: heartbeat)
    }

    /// Serves the coordinator until it says BYE.
    public func serve() throws {
        try sayHello()
        while true {
            let message = try next()
            switch message.type {
            case .assign: try assign(message)
            case .ensemble: try requireRun().install(message)
            case .trainRound: try trainRound(message)
            case .rolloutRequest: try send(try requireRun().rollouts(for: message))
            case .bye:
                log("coordinator said BYE; leaving")
                return
            case .resync:
                log("coordinator asked for a resync; dropping the run state")
                run = nil
                decoder.runID = nil
                try sayHello()
            default:
                log("ignored \(message.type) outside a round")
            }
        }
    }

    private func sayHello() throws {
        try send(try OutgoingMessage(.hello, runID: 0, body: HelloBody(incarnation: incarnation, rank: rank)))
        log("said HELLO to \(socket.endpoint) as \(identity)")
    }

    private func requireRun() throws -> WorkerRun {
        guard let run else { throw RemoteEnsembleError.unexpected("a training message arrived before ASSIGN") }
        return run
    }

    // MARK: Messages

    /// ASSIGN: adopt the run id, check the config and dataset digests, build the members.
    private func assign(_ message: ReceivedMessage) throws {
        let body = try message.body(as: AssignBody.self)
        decoder.runID = message.header.runID
        do {
            run = try WorkerRun(body, log: log)
            log("assigned members \(body.members) of run \(String(message.header.runID, radix: 16))")
        } catch {
            // Tell the coordinator why, so its error names the cause; then stop serving this run.
            try? send(try OutgoingMessage(.reject, runID: message.header.runID, body: RejectBody(reason: "\(error)")))
            try? send(OutgoingMessage(.bye, runID: message.header.runID))
            throw error
        }
    }

    /// TRAIN_ROUND: model epochs of every owned member until the coordinator says stop, then ROUND_DONE per
    /// member (spec §5.4 items 2–5).
    private func trainRound(_ message: ReceivedMessage) throws {
        let run = try requireRun()
        let round = Int(message.header.round)
        let weights = message.payload.first.map { $0.floats() }
        try weights.withUnsafeBufferPointerIfPresent { try run.trainer.beginRound(round, weights: $0, seed: run.config.seed) }
        defer { run.trainer.endRound() }
        var modelEpoch = 0
        var stop = false
        while !stop {
            modelEpoch += 1
            for member in run.members {
                for _ in 0..<run.config.ensemble.stepsPerModelEpoch {
                    try run.trainer.trainStep(member: member)
                    try heartbeatIfDue()
                }
                let loss = run.trainer.holdoutLoss(member: member)
                let improved = run.trainer.updateSnapshot(member: member, holdoutLoss: loss)
                try send(try OutgoingMessage(.epochReport, runID: message.header.runID, round: round, member: member,
                                             body: EpochReportBody(modelEpoch: modelEpoch, holdoutLoss: loss,
                                                                   improved: improved)))
            }
            let decision = try next(expecting: .epochDecision).body(as: EpochDecisionBody.self)
            guard decision.modelEpoch == modelEpoch else {
                throw RemoteEnsembleError.unexpected("decision for model epoch \(decision.modelEpoch) during \(modelEpoch)")
            }
            stop = decision.stop
        }
        for member in run.members {
            run.trainer.restoreBestSnapshot(member: member)
            let loss = run.trainer.holdoutLoss(member: member)
            try send(try OutgoingMessage(.roundDone, runID: message.header.runID, round: round, member: member,
                                         body: RoundDoneBody(holdoutLoss: loss),
                                         payload: [FloatBlob(copying: run.ensemble.memberParams[member].values)]))
        }
    }

    // MARK: Socket

    private func send(_ message: OutgoingMessage) throws {
        try socket.send(message)
        lastSent = MonotonicClock.now()
    }

    private func heartbeatIfDue() throws {
        if MonotonicClock.now() - lastSent >= heartbeat.interval {
            try send(OutgoingMessage(.heartbeat, runID: decoder.runID ?? 0))
        }
    }

    /// The next message from the coordinator that is not a heartbeat or a logged rejection; heartbeats go out
    /// while it waits.
    private func next() throws -> ReceivedMessage {
        while true {
            try heartbeatIfDue()
            guard try socket.waitForInput(timeoutMilliseconds: Int(heartbeat.interval * 1_000)),
                  let envelope = try decoder.receive(from: socket, wait: .dontWait) else { continue }
            switch envelope.result {
            case .failure(let rejection): log("rejected a message from the coordinator: \(rejection)")
            case .success(let message) where message.type == .heartbeat: continue
            case .success(let message) where message.type == .reject:
                log("the coordinator rejected a message: \((try? message.body(as: RejectBody.self).reason) ?? "?")")
            case .success(let message): return message
            }
        }
    }

    /// The next message, which must be of `type` (or BYE, which ends the round with an error).
    private func next(expecting type: MessageType) throws -> ReceivedMessage {
        let message = try next()
        guard message.type == type else {
            throw RemoteEnsembleError.unexpected("\(message.type) while waiting for \(type)")
        }
        return message
    }
}

/// What a worker holds for one run: the config and prepared data, the full ensemble (its own members trained
/// here, all members replaced by each broadcast), the weighted-MLE trainer, the rollout generator and a policy
/// whose parameters each rollout request brings.
final class WorkerRun {
    let config: AMPLConfig
    let members: [Int]
    let data: PreparedData
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
