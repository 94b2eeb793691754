import AMPL
import Datasets
import Dynamics
import Foundation

/// Rollout generations over the workers (spec §3.8, docs/protocol.md §9). Every provisioned worker holds the
/// whole ensemble and any worker can make any chunk (its random streams depend only on generation and chunk),
/// so a chunk whose worker is lost is simply sent to another one: the generation's numbers do not change.
extension RemoteEnsemble {
    public func generateRollouts(policy: any RolloutPolicy, generation: Int, transitions: Int,
                                 into buffer: TransitionBuffer) throws -> RolloutReport {
        guard let policy = policy as? ImplicitPolicy else {
            throw RemoteEnsembleError.unexpected("workers can only run the implicit policy, not \(type(of: policy))")
        }
        let started = Date()
        try handleQueuedEvents()
        let policyVersion = UInt64(generation)
        let parameters = FloatBlob(copying: policy.params.values)
        var total = RolloutReport(transitionsAdded: 0, startStates: 0, terminated: 0, meanReward: 0, seconds: 0)
        var rewardSum = 0.0
        var nextChunk = 0
        /// Workers that let a chunk pass the deadline in this generation: the others get chunks first.
        var stuck: Set<PeerIdentity> = []
        /// Workers that were sent this generation's policy: their next chunks refer to it by version.
        var holdsPolicy: Set<PeerIdentity> = []
        while total.transitionsAdded < transitions {
            let sizes = RolloutPlan.wave(target: transitions, added: total.transitionsAdded,
                                         chunkSize: config.rollout.chunkSize, horizon: config.rollout.horizon,
                                         deterministic: config.deterministic)
            let chunks = Array(nextChunk..<(nextChunk + sizes.count))
            var assigned: [Int: PeerIdentity] = [:]
            /// Sends `chunk` to a live provisioned worker, round-robin in placement order, avoiding stuck ones.
            func dispatch(_ chunk: Int) throws {
                let live = try rolloutWorkers()
                let responsive = live.filter { !stuck.contains($0) }
                let workers = responsive.isEmpty ? live : responsive
                let worker = workers[RolloutPlan.worker(forChunk: chunk, workers: workers.count)]
                let body = RolloutRequestBody(generation: generation, chunk: chunk, startStates: sizes[chunk - chunks[0]])
                link.send(try OutgoingMessage(.rolloutRequest, runID: link.runID, version: policyVersion, body: body,
                                              payload: holdsPolicy.contains(worker) ? [] : [parameters]), to: worker)
                holdsPolicy.insert(worker)
                assigned[chunk] = worker
            }
            for chunk in chunks { try dispatch(chunk) }
            // Results may arrive in any order; they enter the buffer in chunk order.
            var results: [Int: (body: RolloutsBody, message: ReceivedMessage)] = [:]
            let patience = config.cluster.modelEpochDeadlineSeconds
            var deadline = MonotonicClock.now() + patience
            while results.count < chunks.count {
                switch try nextStep(until: deadline) {
                case .message(let peer, let message):
                    guard message.type == .rollouts, message.header.version == policyVersion,
                          let body = try? message.body(as: RolloutsBody.self), body.generation == generation,
                          chunks.contains(body.chunk), results[body.chunk] == nil else {
                        log("ignored \(message.type) (version \(message.header.version)) from \(peer) while waiting for "
                            + "chunks \(chunks) of generation \(generation)")
                        continue
                    }
                    results[body.chunk] = (body, message)
                case .reset(let worker):
                    holdsPolicy.remove(worker)   // if it comes back, it is sent the policy again
                    for (chunk, owner) in assigned where owner == worker && results[chunk] == nil {
                        log("chunk \(chunk) of generation \(generation) goes to another worker (\(worker) was lost)")
                        try dispatch(chunk)
                    }
                case .deadline:
                    // A worker alive but stuck: its chunks go elsewhere too; whichever copy comes first counts.
                    for chunk in chunks where results[chunk] == nil { stuck.insert(assigned[chunk]!) }
                    for chunk in chunks where results[chunk] == nil {
                        log("chunk \(chunk) of generation \(generation) took over \(Int(patience)) s; sending it again")
                        try dispatch(chunk)
                    }
                    deadline = MonotonicClock.now() + patience
                }
            }
            for chunk in chunks {
                let (body, message) = results[chunk]!
                try insert(message, rows: body.report.transitionsAdded, into: buffer)
                total.transitionsAdded += body.report.transitionsAdded
                total.startStates += body.report.startStates
                total.terminated += body.report.terminated
                rewardSum += body.report.meanReward * Double(body.report.transitionsAdded)
            }
            nextChunk = chunks.last! + 1
        }
        total.meanReward = total.transitionsAdded > 0 ? rewardSum / Double(total.transitionsAdded) : 0
        total.seconds = Date().timeIntervalSince(started)
        return total
    }

    /// The live provisioned workers in placement order; with none, waits up to `cluster.workerWaitSeconds` for
    /// one to join.
    func rolloutWorkers() throws -> [PeerIdentity] {
        let deadline = MonotonicClock.now() + config.cluster.workerWaitSeconds
        while true {
            let workers = link.peers.livePeers.map(\.identity).filter { provisioned.contains($0) }
            if !workers.isEmpty { return workers }
            guard MonotonicClock.now() < deadline else {
                throw RemoteEnsembleError.noWorkers(seconds: config.cluster.workerWaitSeconds)
            }
            if case .message(let peer, let message) = try nextStep(until: min(deadline, MonotonicClock.now() + link.heartbeat.interval)) {
                log("ignored a late \(message.type) from \(peer)")
            }
        }
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
}
