/// Which process sends a message type.
public enum Sender: Sendable {
    case coordinator
    case worker
    case either
}

/// The messages of the coordinator ↔ worker control channel (architecture §4). The raw values are the wire
/// codes: never renumber one, only add. `docs/protocol.md` describes each message, its frames and who sends it.
public enum MessageType: UInt16, Sendable, CaseIterable, CustomStringConvertible {
    /// worker → coordinator: "I exist"; carries the worker's random incarnation id and rank.
    case hello = 1
    /// coordinator → worker: the members it trains, the run id, config and dataset digests.
    case assign = 2
    /// coordinator → worker: one chunk of the dataset file's bytes (answer to DATASET_REQUEST).
    case datasetChunk = 3
    /// coordinator → worker: the full state a worker needs to take over a member.
    case snapshot = 4
    /// coordinator → worker: start model round r with these normalised row weights (MIW ω).
    case trainRound = 5
    /// worker → coordinator: a member's weighted holdout loss after one model epoch, and whether it improved.
    case epochReport = 6
    /// coordinator → worker: continue or stop (the joint early-stopping rule of spec §5.4).
    case epochDecision = 7
    /// worker → coordinator: a member's restored best parameters and final holdout loss.
    case roundDone = 8
    /// coordinator → worker: the whole ensemble (all members, elites, normalisation statistics, a version).
    case ensemble = 9
    /// coordinator → worker: a policy version (with its parameters the first time a worker gets it) and a chunk of
    /// start states to roll out from.
    case rolloutRequest = 10
    /// worker → coordinator: transitions generated for one chunk, tagged with the policy version used.
    case rollouts = 11
    /// either way: "still here", sent when nothing else went out for one heartbeat interval.
    case heartbeat = 12
    /// either way: "I am leaving"; the receiver treats the sender as gone at once.
    case bye = 13
    /// coordinator → worker: "I declared you dead; drop your state and say HELLO again".
    case resync = 14
    /// either way: "your message was rejected, and why"; for logs only, never answered.
    case reject = 15
    /// worker → coordinator: "send me chunk i of the dataset file" (the worker does not have the file).
    case datasetRequest = 16

    /// Which process may send this type; anything else is rejected.
    public var sender: Sender {
        switch self {
        case .hello, .epochReport, .roundDone, .rollouts, .datasetRequest: return .worker
        case .assign, .datasetChunk, .snapshot, .trainRound, .epochDecision, .ensemble, .rolloutRequest, .resync:
            return .coordinator
        case .heartbeat, .bye, .reject: return .either
        }
    }

    /// Whether the type carries Float32 payload frames. Types that do not must send none.
    public var carriesFloats: Bool {
        switch self {
        case .datasetChunk, .snapshot, .trainRound, .roundDone, .ensemble, .rolloutRequest, .rollouts: return true
        case .hello, .assign, .epochReport, .epochDecision, .heartbeat, .bye, .resync, .reject, .datasetRequest:
            return false
        }
    }

    /// HELLO is how a worker that knows no run yet says so, HEARTBEAT only says that its sender is alive (a
    /// worker heartbeats before its first ASSIGN too), and RESYNC is how a coordinator (perhaps a new one, after
    /// `--resume`) tells a worker it does not know it: these are accepted whatever run id they carry. Every other
    /// message must carry the receiver's run id.
    public var requiresRunID: Bool { ![.hello, .heartbeat, .resync].contains(self) }

    public var description: String {
        switch self {
        case .hello: return "HELLO"
        case .assign: return "ASSIGN"
        case .datasetChunk: return "DATASET_CHUNK"
        case .snapshot: return "SNAPSHOT"
        case .trainRound: return "TRAIN_ROUND"
        case .epochReport: return "EPOCH_REPORT"
        case .epochDecision: return "EPOCH_DECISION"
        case .roundDone: return "ROUND_DONE"
        case .ensemble: return "ENSEMBLE"
        case .rolloutRequest: return "ROLLOUT_REQUEST"
        case .rollouts: return "ROLLOUTS"
        case .heartbeat: return "HEARTBEAT"
        case .bye: return "BYE"
        case .resync: return "RESYNC"
        case .reject: return "REJECT"
        case .datasetRequest: return "DATASET_REQUEST"
        }
    }
}
