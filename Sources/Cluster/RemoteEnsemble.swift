import AMPL
import Datasets
import Dynamics
import Foundation
import Networks
import Numerics

/// The ensemble in ZeroMQ workers, seen from the AMPL loop: the coordinator side of architecture §1 and spec
/// §5.4. Workers train their members by weighted MLE; this side applies the joint early-stopping rule, picks
/// the elites, broadcasts the whole ensemble after each round, and splits each rollout generation into chunks
/// that the workers generate with the current policy. docs/protocol.md §8–§9 give the message sequences.
///
/// It keeps a full copy of the ensemble (`sampler`), updated by every broadcast, so the GAN regulariser samples
/// next states here exactly as `LocalEnsemble` does, and checkpoints are written from it.
///
/// Ownership: the training thread (it owns the `CoordinatorLink`).
public final class RemoteEnsemble: EnsembleBackend {
    let link: CoordinatorLink
    let config: AMPLConfig
    /// The coordinator's copy of the ensemble: parameters, elites and normalisation of the last broadcast.
    let ensemble: GaussianEnsemble
    /// Fitted once on the prepared dataset; every worker fits the same statistics from the same file.
    let normalization: ModelNormalization
    let observationDim: Int
    let actionDim: Int
    /// Workers that own members, in placement order (rank, then arrival): they train and make rollouts.
    let memberWorkers: [PeerIdentity]
    /// Every worker that received ASSIGN, spares included: all of them get the ENSEMBLE broadcasts.
    let allWorkers: [PeerIdentity]
    /// The version of the last ENSEMBLE broadcast (0 = the initial parameters).
    private(set) var version: UInt64 = 0
    /// One chunk's transitions on their way into the rollout buffer, (chunkSize · h) rows.
    let staging: TransitionColumns

    /// How long startup waits for the expected workers to say HELLO.
    public static let defaultStartupTimeout = 120.0

    /// Waits for `expectedWorkers` HELLOs on `link`, places the members round-robin and sends every worker its
    /// ASSIGN (the run config and the dataset file, with their digests) and the initial ENSEMBLE.
    /// `datasetPath` is the file the coordinator trains on; the workers load the same file.
    public init(link: CoordinatorLink, config: AMPLConfig, datasetPath: String, expectedWorkers: Int,
                startupTimeout: Double = defaultStartupTimeout, log: @escaping (String) -> Void) throws {
        self.link = link
        self.config = config
        let data = try PreparedData(path: datasetPath, config: config)
        observationDim = data.dataset.observationDim
        actionDim = data.dataset.actionDim
        ensemble = GaussianEnsemble(observationDim: observationDim, actionDim: actionDim, config: config.ensemble,
                                    seed: config.seed,
                                    maxSampleRows: max(config.actorCritic.batchSize, config.rollout.chunkSize))
        normalization = ModelNormalization.fit(data.dataset)
        staging = TransitionColumns(rows: config.rollout.chunkSize * config.rollout.horizon,
                                    observationDim: observationDim, actionDim: actionDim)

        log("waiting for \(expectedWorkers) workers on \(link.endpoint)")
        let placement = try link.gatherWorkers(expectedWorkers, timeout: startupTimeout)
        let ordered = link.peers.livePeers.map(\.identity)
        allWorkers = ordered
        memberWorkers = ordered.filter { !(placement[$0] ?? []).isEmpty }
        let configJSON = try RunDigest.configJSON(config)
        let datasetDigest = RunDigest.of(data.dataset)
        for worker in ordered {
            let members = placement[worker] ?? []
            log("worker \(worker): " + (members.isEmpty ? "spare" : "members \(members)"))
            let body = AssignBody(members: members, config: configJSON, configDigest: RunDigest.of(configJSON: configJSON),
                                  datasetPath: URL(fileURLWithPath: datasetPath).standardizedFileURL.path,
                                  datasetDigest: datasetDigest)
            try link.send(try OutgoingMessage(.assign, runID: link.runID, body: body), to: worker)
        }
        try broadcastEnsemble()
    }

    public var sampler: any ModelSampler { ensemble }

    var members: Int { ensemble.memberCount }

    // MARK: One model round (spec §5.4, docs/protocol.md §8)

    public func trainRound(_ round: Int, weights: UnsafeBufferPointer<Float>?, log: (String) -> Void) throws -> ModelFitReport {
        let started = Date()
        let fit = config.ensemble
        let request = OutgoingMessage(.trainRound, runID: link.runID, round: round,
                                      payload: weights.map { [FloatBlob(copying: $0)] } ?? [])
        for worker in memberWorkers { try link.send(request, to: worker) }

        var stopping = JointEarlyStopping(patience: fit.patience)
        var losses = [Float](repeating: .nan, count: members)
        var steps = 0
        while true {
            let modelEpoch = stopping.modelEpochs + 1
            var improved = 0
            for (member, report) in try collect(.epochReport, round: round, as: EpochReportBody.self,
                                                accept: { $0.modelEpoch == modelEpoch }) {
                losses[member] = report.body.holdoutLoss ?? .nan
                if report.body.improved { improved += 1 }
            }
            steps += fit.stepsPerModelEpoch
            let stop = stopping.record(anyMemberImproved: improved > 0) || steps >= fit.maxSteps
            log("model round \(round) epoch \(stopping.modelEpochs): holdout "
                + losses.map { String(format: "%.4f", $0) }.joined(separator: " ")
                + "; \(improved) improved; no improvement for \(stopping.epochsWithoutImprovement)/\(fit.patience)")
            let decision = try OutgoingMessage(.epochDecision, runID: link.runID, round: round,
                                               body: EpochDecisionBody(modelEpoch: modelEpoch, stop: stop))
            for worker in memberWorkers { try link.send(decision, to: worker) }
            if stop { break }
        }
        for (member, done) in try collect(.roundDone, round: round, as: RoundDoneBody.self, accept: { _ in true }) {
            guard done.message.payload.count == 1 else {
                throw RemoteEnsembleError.unexpected("ROUND_DONE of member \(member) has \(done.message.payload.count) float frames")
            }
            try ensemble.setMemberParameters(member, done.message.floats(0))
            losses[member] = done.body.loss
        }
        ensemble.normalization = normalization
        ensemble.elites = EliteSelection.lowest(fit.elites, of: losses)
        log("model round \(round) done after \(stopping.modelEpochs) model epochs: elites \(ensemble.elites)")
        version += 1
        try broadcastEnsemble()
        return ModelFitReport(modelEpochs: stopping.modelEpochs, steps: steps, holdoutLosses: losses,
                              elites: ensemble.elites, seconds: Date().timeIntervalSince(started))
    }

    /// One message of `type` for round `round` per member, as (member, body and message), member by member.
    /// Messages that do not match (an old round, a member out of range, a body `accept` refuses) are errors.
    private func collect<Body: Decodable>(_ type: MessageType, round: Int, as: Body.Type,
                                          accept: (Body) -> Bool) throws -> [(Int, (body: Body, message: ReceivedMessage))] {
        var received: [Int: (body: Body, message: ReceivedMessage)] = [:]
        while received.count < members {
            let (peer, message) = try link.receive(awaiting: memberWorkers)
            let member = Int(message.header.member)
            let body = try message.body(as: Body.self)
            guard message.type == type, Int(message.header.round) == round, (0..<members).contains(member),
                  link.peers.peers[peer]?.members.contains(member) == true, received[member] == nil, accept(body) else {
                throw RemoteEnsembleError.unexpected("\(message.type) for member \(member), round \(message.header.round) "
                                                     + "from \(peer) while waiting for \(type) of round \(round)")
            }
            received[member] = (body, message)
        }
        return received.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// ENSEMBLE to every worker: all members' parameters, the elites, the normalisation, the next version.
    private func broadcastEnsemble() throws {
        let payload = (0..<members).map { FloatBlob(copying: ensemble.memberParams[$0].values) }
        let message = try OutgoingMessage(.ensemble, runID: link.runID, version: version,
                                          body: EnsembleBody(elites: ensemble.elites, normalization: ensemble.normalization),
                                          payload: payload)
        for worker in allWorkers { try link.send(message, to: worker) }
    }

    // MARK: Rollouts (spec §3.8, docs/protocol.md §9)

    public func generateRollouts(policy: any RolloutPolicy, generation: Int, transitions: Int,
                                 into buffer: TransitionBuffer) throws -> RolloutReport {
        guard let policy = policy as? ImplicitPolicy else {
            throw RemoteEnsembleError.unexpected("workers can only run the implicit policy, not \(type(of: policy))")
        }
        let started = Date()
        let policyVersion = UInt64(generation)
        let parameters = FloatBlob(copying: policy.params.values)
        var total = RolloutReport(transitionsAdded: 0, startStates: 0, terminated: 0, meanReward: 0, seconds: 0)
        var rewardSum = 0.0
        var nextChunk = 0
        while total.transitionsAdded < transitions {
            let sizes = RolloutPlan.wave(target: transitions, added: total.transitionsAdded,
                                         chunkSize: config.rollout.chunkSize, horizon: config.rollout.horizon,
                                         deterministic: config.deterministic)
            let chunks = nextChunk..<(nextChunk + sizes.count)
            for (chunk, size) in zip(chunks, sizes) {
                let worker = memberWorkers[RolloutPlan.worker(forChunk: chunk, workers: memberWorkers.count)]
                let body = RolloutRequestBody(generation: generation, chunk: chunk, startStates: size)
                try link.send(try OutgoingMessage(.rolloutRequest, runID: link.runID, version: policyVersion,
                                                  body: body, payload: [parameters]), to: worker)
            }
            // Results may arrive in any order; they enter the buffer in chunk order.
            var results: [Int: (body: RolloutsBody, message: ReceivedMessage)] = [:]
            while results.count < chunks.count {
                let (peer, message) = try link.receive(awaiting: memberWorkers)
                let body = try message.body(as: RolloutsBody.self)
                guard message.type == .rollouts, message.header.version == policyVersion, body.generation == generation,
                      chunks.contains(body.chunk), results[body.chunk] == nil else {
                    throw RemoteEnsembleError.unexpected("\(message.type) (version \(message.header.version)) from \(peer) "
                                                         + "while waiting for chunks \(chunks) of generation \(generation)")
                }
                results[body.chunk] = (body, message)
            }
            for chunk in chunks {
                let (body, message) = results[chunk]!
                try insert(message, rows: body.report.transitionsAdded, into: buffer)
                total.transitionsAdded += body.report.transitionsAdded
                total.startStates += body.report.startStates
                total.terminated += body.report.terminated
                rewardSum += body.report.meanReward * Double(body.report.transitionsAdded)
            }
            nextChunk = chunks.upperBound
        }
        total.meanReward = total.transitionsAdded > 0 ? rewardSum / Double(total.transitionsAdded) : 0
        total.seconds = Date().timeIntervalSince(started)
        return total
    }

    /// Copies one ROLLOUTS message's five float frames into `staging` and adds its `rows` transitions.
    private func insert(_ message: ReceivedMessage, rows: Int, into buffer: TransitionBuffer) throws {
        let s = observationDim, a = actionDim
        let targets = [(staging.observations, s), (staging.actions, a), (staging.rewards, 1),
                       (staging.nextObservations, s), (staging.terminals, 1)]
        guard rows <= staging.rows, message.payload.count == targets.count,
              zip(message.payload, targets).allSatisfy({ $0.count == rows * $1.1 * MemoryLayout<Float>.stride }) else {
            throw RemoteEnsembleError.unexpected("ROLLOUTS frames do not hold \(rows) transitions of S=\(s), A=\(a)")
        }
        for (frame, (storage, width)) in zip(message.payload, targets) {
            frame.copyFloats(into: UnsafeMutableBufferPointer(start: storage.pointer, count: rows * width))
        }
        buffer.add(observations: staging.observations.matrix(rows: rows, cols: s),
                   actions: staging.actions.matrix(rows: rows, cols: a),
                   rewards: staging.rewards.matrix(rows: rows, cols: 1),
                   nextObservations: staging.nextObservations.matrix(rows: rows, cols: s),
                   terminals: staging.terminals.matrix(rows: rows, cols: 1))
    }

    // MARK: Checkpoints and shutdown

    /// The coordinator's copy: every member's parameters (Adam state stays in the workers and is not saved),
    /// the normalisation and the elites.
    public func write(into writer: inout CheckpointWriter) throws { try ensemble.write(into: &writer, prefix: "ensemble") }

    /// Restores the copy and sends it to every worker as an ENSEMBLE, so they resume from the same parameters.
    public func restore(from reader: CheckpointReader) throws {
        try ensemble.restore(from: reader, prefix: "ensemble")
        try broadcastEnsemble()
    }

    /// Tells every worker the run is over (BYE); they exit.
    public func shutdown() { link.sayGoodbye() }
}
