import AMPL
import Dynamics
import Foundation

/// One model round over the workers (spec §5.4, docs/protocol.md §8), tolerating workers that die, leave,
/// come back without their state, or straggle past `cluster.modelEpochDeadlineSeconds`: their members are
/// left out of the round (they keep their state of the last round and are not elites), and the round ends
/// normally while at least `minMembers` remain.
extension RemoteEnsemble {
    public func trainRound(_ round: Int, weights: UnsafeBufferPointer<Float>?, log: (String) -> Void) throws -> ModelFitReport {
        let started = Date()
        let fit = config.ensemble
        let owners = try roundOwners(round)
        var missing: [Int: String] = [:]
        for member in 0..<members where owners[member] == nil { missing[member] = "no live worker at the start" }
        let roundWorkers = Set(owners.values)
        let request = OutgoingMessage(.trainRound, runID: link.runID, round: round,
                                      payload: weights.map { [FloatBlob(copying: $0)] } ?? [])
        for worker in roundWorkers { link.send(request, to: worker) }
        log("model round \(round) started: members \(owners.keys.sorted()) on \(roundWorkers.count) workers")

        var progress = RoundProgress(round: round, owners: owners, missing: missing)
        var stopping = JointEarlyStopping(patience: fit.patience)
        var losses = [Float](repeating: .nan, count: members)
        var steps = 0
        while true {
            let modelEpoch = stopping.modelEpochs + 1
            let reports = try collect("EPOCH_REPORT of model epoch \(modelEpoch)", into: &progress, log: log) { message in
                message.type == .epochReport && (try? message.body(as: EpochReportBody.self))?.modelEpoch == modelEpoch
            }
            var improved = 0
            for (member, message) in reports {
                let report = try message.body(as: EpochReportBody.self)
                losses[member] = report.holdoutLoss ?? .nan
                if report.improved { improved += 1 }
            }
            steps += fit.stepsPerModelEpoch
            let stop = stopping.record(anyMemberImproved: improved > 0) || steps >= fit.maxSteps
            log("model round \(round) epoch \(stopping.modelEpochs): holdout "
                + losses.map { String(format: "%.4f", $0) }.joined(separator: " ")
                + "; \(improved) improved; no improvement for \(stopping.epochsWithoutImprovement)/\(fit.patience)")
            let decision = try OutgoingMessage(.epochDecision, runID: link.runID, round: round,
                                               body: EpochDecisionBody(modelEpoch: modelEpoch, stop: stop))
            // Also to workers whose members were left out: they wait for it to finish their own epochs.
            for worker in roundWorkers.subtracting(progress.voided) { link.send(decision, to: worker) }
            if stop { break }
        }
        let done = try collect("ROUND_DONE", into: &progress, log: log) { $0.type == .roundDone }
        for (member, message) in done {
            let body = try message.body(as: RoundDoneBody.self)
            try ensemble.setMemberState(member, try MemberState(frames: message, adamStep: body.adamStep))
            losses[member] = body.loss
        }
        for member in progress.missing.keys { losses[member] = .nan }
        ensemble.normalization = normalization
        ensemble.elites = EliteSelection.lowest(min(fit.elites, done.count), of: losses)
        if !progress.missing.isEmpty {
            let why = progress.missing.sorted { $0.key < $1.key }.map { "member \($0.key): \($0.value)" }
            log("model round \(round) finished without members \(progress.missing.keys.sorted()) ("
                + why.joined(separator: "; ") + ")")
            events?.record("round_incomplete", members: progress.missing.keys.sorted(), round: round,
                           detail: why.joined(separator: "; "))
        }
        log("model round \(round) done after \(stopping.modelEpochs) model epochs: elites \(ensemble.elites)")
        version += 1
        try broadcastEnsemble()
        return ModelFitReport(modelEpochs: stopping.modelEpochs, steps: steps, holdoutLosses: losses,
                              elites: ensemble.elites, seconds: Date().timeIntervalSince(started))
    }

    /// Who is in a round and who dropped out, and why.
    struct RoundProgress {
        let round: Int
        /// Members still in the round and the worker training each.
        var owners: [Int: PeerIdentity]
        /// Members left out of the round, with the reason.
        var missing: [Int: String]
        /// Workers lost or back without state during the round: nothing more from them counts.
        var voided: Set<PeerIdentity> = []

        mutating func drop(_ member: Int, because reason: String) {
            owners[member] = nil
            missing[member] = reason
        }
    }

    /// Members whose worker is alive and provisioned, each with its worker. With fewer than `minMembers`, waits
    /// up to `cluster.workerWaitSeconds` for workers to join, then gives up.
    func roundOwners(_ round: Int) throws -> [Int: PeerIdentity] {
        let deadline = MonotonicClock.now() + config.cluster.workerWaitSeconds
        var announced = false
        while true {
            try handleQueuedEvents()
            var owners: [Int: PeerIdentity] = [:]
            for peer in link.peers.livePeers where provisioned.contains(peer.identity) {
                for member in peer.members { owners[member] = peer.identity }
            }
            if owners.count >= minMembers { return owners }
            let now = MonotonicClock.now()
            guard now < deadline else {
                let absent = (0..<members).filter { owners[$0] == nil }
                throw RemoteEnsembleError.tooFewMembers(round: round, remaining: owners.keys.sorted(), needed: minMembers,
                                                        missing: Dictionary(uniqueKeysWithValues: absent.map {
                                                            ($0, "no live worker within \(Int(config.cluster.workerWaitSeconds)) s")
                                                        }))
            }
            if !announced {
                log("model round \(round) waits for workers: \(owners.count) members have one, \(minMembers) needed")
                announced = true
            }
            if case .message(let peer, let message) = try nextStep(until: min(deadline, now + link.heartbeat.interval)) {
                log("ignored a late \(message.type) from \(peer)")
            }
        }
    }

    /// Waits until every member still in the round has delivered one message `accept` takes. Members whose
    /// worker is lost or back without state, and members late at the deadline, are dropped from the round;
    /// fewer than `minMembers` left stops the run. Messages that belong to nothing awaited are logged and
    /// dropped. Returns the message of each member that delivered.
    func collect(_ what: String, into progress: inout RoundProgress, log: (String) -> Void,
                 accept: (ReceivedMessage) -> Bool) throws -> [Int: ReceivedMessage] {
        for (member, worker) in progress.owners where progress.voided.contains(worker) {
            progress.drop(member, because: "worker \(worker) was lost earlier in the round")
        }
        let seconds = config.cluster.modelEpochDeadlineSeconds
        let deadline = MonotonicClock.now() + seconds
        var received: [Int: ReceivedMessage] = [:]
        while progress.owners.keys.contains(where: { received[$0] == nil }) {
            switch try nextStep(until: deadline) {
            case .message(let peer, let message):
                let member = Int(message.header.member)
                if Int(message.header.round) == progress.round, progress.owners[member] == peer, received[member] == nil,
                   accept(message) {
                    received[member] = message
                } else {
                    log("ignored \(message.type) of member \(member), round \(message.header.round) from \(peer) "
                        + "while waiting for \(what) of round \(progress.round)")
                }
            case .reset(let worker):
                progress.voided.insert(worker)
                for (member, owner) in progress.owners where owner == worker && received[member] == nil {
                    progress.drop(member, because: "worker \(worker) lost while waiting for \(what)")
                }
            case .deadline:
                for member in progress.owners.keys where received[member] == nil {
                    progress.drop(member, because: "no \(what) within \(Int(seconds)) s")
                }
            }
        }
        if progress.owners.count < minMembers {
            throw RemoteEnsembleError.tooFewMembers(round: progress.round, remaining: progress.owners.keys.sorted(),
                                                    needed: minMembers, missing: progress.missing)
        }
        return received
    }
}
