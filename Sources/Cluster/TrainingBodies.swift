import Dynamics

/// Control fields of the training messages (docs/protocol.md §3, §8): what the coordinator and the worker
/// roles put in the JSON control frame next to the Float32 payload. Each body is small; parameters, weights
/// and transitions always travel as float frames.

/// ASSIGN: the run a worker joins and the members it trains (empty for a hot spare).
public struct AssignBody: Codable, Equatable, Sendable {
    /// Ensemble members this worker trains, ascending.
    public var members: [Int]
    /// The resolved run config as JSON (`RunDigest.configJSON`): the worker builds the same networks and
    /// streams from it.
    public var config: String
    /// `RunDigest.of(config)`: a worker whose decode/encode round trip gives another digest was built from a
    /// different version of the config type, and refuses the run.
    public var configDigest: UInt32
    /// The dataset file the coordinator trains on; the worker loads the same file.
    public var datasetPath: String
    /// `RunDigest.of(dataset)` of the prepared data (rewards rescaled): the worker checks its copy against it.
    public var datasetDigest: UInt32
    /// Size and CRC-32C of the dataset file: a worker whose file at `datasetPath` differs (or is missing) fetches
    /// the coordinator's with DATASET_REQUEST.
    public var datasetFileBytes: Int
    public var datasetFileCRC: UInt32
    /// The coordinator's heartbeat interval and liveness: the worker judges the coordinator's silence with them.
    public var heartbeatInterval: Double
    public var liveness: Int

    public init(members: [Int], config: String, configDigest: UInt32, datasetPath: String, datasetDigest: UInt32,
                datasetFileBytes: Int, datasetFileCRC: UInt32, heartbeat: Heartbeat) {
        self.members = members
        self.config = config
        self.configDigest = configDigest
        self.datasetPath = datasetPath
        self.datasetDigest = datasetDigest
        self.datasetFileBytes = datasetFileBytes
        self.datasetFileCRC = datasetFileCRC
        heartbeatInterval = heartbeat.interval
        liveness = heartbeat.liveness
    }

    /// The heartbeat settings, or nil if they are out of range (a bad ASSIGN).
    public var heartbeat: Heartbeat? {
        guard heartbeatInterval > 0, heartbeatInterval.isFinite, liveness > 0 else { return nil }
        return Heartbeat(interval: heartbeatInterval, liveness: liveness)
    }
}

/// SNAPSHOT (header `member`; three float frames: parameters, Adam first moment, Adam second moment) and the
/// state part of ROUND_DONE: one member's whole training state (`MemberState`).
public struct SnapshotBody: Codable, Equatable, Sendable {
    public var adamStep: Int

    public init(adamStep: Int) { self.adamStep = adamStep }
}

extension MemberState {
    /// The three float frames of a SNAPSHOT or ROUND_DONE.
    public var frames: [FloatBlob] { [FloatBlob(values), FloatBlob(firstMoment), FloatBlob(secondMoment)] }

    /// The state carried by a SNAPSHOT or ROUND_DONE message.
    public init(frames message: ReceivedMessage, adamStep: Int) throws {
        guard message.payload.count == 3 else {
            throw RemoteEnsembleError.unexpected("\(message.type) of member \(message.header.member) has "
                                                 + "\(message.payload.count) float frames, not 3 (parameters, Adam m, v)")
        }
        self.init(values: message.floats(0), firstMoment: message.floats(1), secondMoment: message.floats(2),
                  adamStep: adamStep)
    }
}

/// DATASET_REQUEST: the chunk of the dataset file the worker wants next.
public struct DatasetRequestBody: Codable, Equatable, Sendable {
    public var chunk: Int

    public init(chunk: Int) { self.chunk = chunk }
}

/// DATASET_CHUNK (one float frame: the chunk's bytes, zero-padded to whole floats).
public struct DatasetChunkBody: Codable, Equatable, Sendable {
    public var chunk: Int
    /// Chunks in the file.
    public var chunks: Int
    /// File bytes in this chunk (the frame may hold up to 3 bytes of padding more).
    public var bytes: Int

    public init(chunk: Int, chunks: Int, bytes: Int) {
        self.chunk = chunk
        self.chunks = chunks
        self.bytes = bytes
    }
}

/// EPOCH_REPORT (header `member`, `round`): one member's result after one model epoch.
public struct EpochReportBody: Codable, Equatable, Sendable {
    /// 1-based model epoch of the round.
    public var modelEpoch: Int
    /// Weighted holdout loss; NaN travels as null.
    public var holdoutLoss: Float?
    /// Whether the member's snapshot rule fired (> 1 % better than its best).
    public var improved: Bool

    public init(modelEpoch: Int, holdoutLoss: Float, improved: Bool) {
        self.modelEpoch = modelEpoch
        self.holdoutLoss = holdoutLoss.isFinite ? holdoutLoss : nil
        self.improved = improved
    }
}

/// EPOCH_DECISION (header `round`): the coordinator's joint early-stopping answer for one model epoch.
public struct EpochDecisionBody: Codable, Equatable, Sendable {
    public var modelEpoch: Int
    /// true: restore the best snapshots and send ROUND_DONE; false: train another model epoch.
    public var stop: Bool

    public init(modelEpoch: Int, stop: Bool) {
        self.modelEpoch = modelEpoch
        self.stop = stop
    }
}

/// ROUND_DONE (header `member`, `round`; three float frames: the member's restored parameters and its Adam
/// moments, so the coordinator's copy holds the whole state for checkpoints and for a worker taking over).
public struct RoundDoneBody: Codable, Equatable, Sendable {
    /// Weighted holdout loss recomputed after restoring the best snapshot; NaN travels as null.
    public var holdoutLoss: Float?
    public var adamStep: Int

    public init(holdoutLoss: Float, adamStep: Int) {
        self.holdoutLoss = holdoutLoss.isFinite ? holdoutLoss : nil
        self.adamStep = adamStep
    }

    public var loss: Float { holdoutLoss ?? .nan }
}

/// ENSEMBLE (header `version`; float frame m: member m's parameters, for every member in order).
public struct EnsembleBody: Codable, Equatable, Sendable {
    public var elites: [Int]
    public var normalization: ModelNormalization

    public init(elites: [Int], normalization: ModelNormalization) {
        self.elites = elites
        self.normalization = normalization
    }
}

/// ROLLOUT_REQUEST (header `version` = policy version; one float frame, the policy's parameters, in the first request
/// of a generation to each worker, none in the others, which use the parameters of that version received before).
public struct RolloutRequestBody: Codable, Equatable, Sendable {
    /// The rollout generation: it keys the chunk's random streams together with `chunk`.
    public var generation: Int
    public var chunk: Int
    /// Rollouts to start (≤ the chunk size).
    public var startStates: Int

    public init(generation: Int, chunk: Int, startStates: Int) {
        self.generation = generation
        self.chunk = chunk
        self.startStates = startStates
    }
}

/// ROLLOUTS (header `version` = the policy version used; float frames: observations, actions, rewards, next
/// observations, terminals of the chunk's transitions, in insertion order).
public struct RolloutsBody: Codable, Equatable, Sendable {
    public var generation: Int
    public var chunk: Int
    public var report: RolloutReport

    public init(generation: Int, chunk: Int, report: RolloutReport) {
        self.generation = generation
        self.chunk = chunk
        self.report = report
    }
}
