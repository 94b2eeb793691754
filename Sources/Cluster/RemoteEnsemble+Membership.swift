import Foundation

/// Joins and departures as the training thread sees them (docs/protocol.md §10).
extension RemoteEnsemble {
    /// What a wait for workers' messages ended with.
    enum Step {
        case message(PeerIdentity, ReceivedMessage)
        /// The worker left, died, or came back without its state: whatever it owed will not arrive.
        case reset(PeerIdentity)
        case deadline
    }

    /// The next training message or membership change, waiting until `deadline` (monotonic seconds). Joins and
    /// departures are logged, recorded and provisioned on the way. A REJECT means a worker refused the run
    /// (another `ampl` version, another dataset): that stops the run, naming the worker and its reason.
    func nextStep(until deadline: Double) throws -> Step {
        while true {
            guard let event = link.nextEvent(timeout: max(0, deadline - MonotonicClock.now())) else {
                if MonotonicClock.now() >= deadline { return .deadline }
                continue
            }
            switch event {
            case .message(let peer, let message):
                if message.type == .reject {
                    throw RemoteEnsembleError.workerRejected("\(peer)", reason: (try? message.body(as: RejectBody.self).reason)
                                                                 ?? "(no reason given)")
                }
                return .message(peer, message)
            case .joined(let peer, let outcome):
                // A HELLO from before the placement: `init` provisioned the worker with the others.
                guard outcome != .waitingForAssignment else { continue }
                joined(peer)
                return .reset(peer)
            case .lost(let departure, let silence):
                lost(departure, silence: silence)
                return .reset(departure.identity)
            }
        }
    }

    /// Handles whatever joins and departures are queued, without waiting; a late training message here belongs
    /// to nothing in progress and is dropped.
    func handleQueuedEvents() throws {
        while true {
            switch try nextStep(until: 0) {
            case .deadline: return
            case .reset: continue
            case .message(let peer, let message):
                log("ignored a late \(message.type) (round \(message.header.round), version \(message.header.version)) "
                    + "from \(peer)")
            }
        }
    }

    private func joined(_ worker: PeerIdentity) {
        let members = link.peers.peers[worker]?.members ?? []
        log("worker \(worker) joined: " + (members.isEmpty ? "a spare" : "takes members \(members) (SNAPSHOT follows)"))
        events?.record("worker_joined", worker: worker, members: members)
        provision(worker)
    }

    private func lost(_ departure: PeerTable.Departure, silence: Double) {
        let worker = departure.identity
        provisioned.remove(worker)
        if departure.state == .dead {
            log(String(format: "worker %@ is dead (silent for %.2f s)", "\(worker)", silence))
            events?.record("worker_dead", worker: worker, silence: silence)
        } else {
            log("worker \(worker) left")
            events?.record("worker_left", worker: worker)
        }
        guard let moved = departure.reassignment else { return }
        if let spare = moved.to {
            log("members \(moved.members) of \(worker) go to spare \(spare)")
            events?.record("members_moved", worker: spare, members: moved.members, detail: "from \(worker)")
            provision(spare)
        } else {
            log("members \(moved.members) of \(worker) wait for the next worker to say HELLO")
            events?.record("members_waiting", worker: worker, members: moved.members)
        }
    }
}
