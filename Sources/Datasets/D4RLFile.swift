import Foundation

/// Reads and writes HDF5 files in D4RL's layout (environments-and-datasets.md §4.3): per-step datasets at the
/// root, `infos/*`, and `metadata/*`.
public enum D4RLFile {
    /// Keys every D4RL file has; the rest are optional.
    static let requiredKeys = ["observations", "actions", "rewards", "terminals"]

    /// Reads a file's steps as stored, converting float64 files to Float32, squeezing (N, 1) rewards and flags,
    /// and validating lengths and finiteness (`D4RLSteps.validate`).
    public static func read(_ path: String) throws -> D4RLSteps {
        try HDF5Library.serialized {
            let file = try HDF5File.openForReading(path)
            for key in requiredKeys where !file.hasDataset(key) {
                throw DatasetError.missingKey(path: path, key: key)
            }
            let observations = try file.readTable("observations")
            let steps = D4RLSteps(
                observations: observations,
                actions: try file.readTable("actions"),
                rewards: try file.readColumn("rewards").values,
                terminals: try file.readFlags("terminals"),
                timeouts: file.hasDataset("timeouts") ? try file.readFlags("timeouts")
                                                      : Array(repeating: false, count: observations.rows),
                nextObservations: try file.readOptional("next_observations") { try file.readTable($0) },
                qpos: try file.readOptional("infos/qpos") { try file.readTable($0) },
                qvel: try file.readOptional("infos/qvel") { try file.readTable($0) },
                actionLogProbs: try file.readOptional("infos/action_log_probs") { try file.readColumn($0).values },
                metadata: DatasetMetadata(
                    envName: try file.readOptional("metadata/env") { try file.readString($0) },
                    kind: try file.readOptional("metadata/kind") { try file.readString($0) },
                    algorithm: try file.readOptional("metadata/algorithm") { try file.readString($0) },
                    behaviorScore: try file.readOptional("metadata/behavior_score") { try file.readDouble($0) },
                    policyNoiseScale: try file.readOptional("metadata/policy_noise_scale") { try file.readDouble($0) }),
                policyArrays: try file.readPolicyArrays())
            try steps.validate(path: path)
            return steps
        }
    }

    /// Writes `steps` to `path` in D4RL's layout: float32 and h5py-bool datasets, gzip-compressed in chunks,
    /// plus `metadata/*` scalars and `metadata/policy/*` arrays for what is given. The file is written as
    /// `path.tmp` and renamed over `path` only when complete, so a failure never leaves a half-written file
    /// where a good one was. Reading the result gives back `steps` bit for bit.
    public static func write(_ steps: D4RLSteps, to path: String) throws {
        try steps.validate(path: path)
        let temporaryPath = path + ".tmp"
        do {
            try HDF5Library.serialized {
                // Scoped so the file is closed (and flushed) before the rename.
                let file = try HDF5File.create(temporaryPath, destination: path)
                try file.writeFloats("observations", steps.observations)
                try file.writeFloats("actions", steps.actions)
                try file.writeFloats("rewards", ShapedArray(shape: [steps.count], values: steps.rewards))
                try file.writeBools("terminals", steps.terminals)
                try file.writeBools("timeouts", steps.timeouts)
                if let next = steps.nextObservations { try file.writeFloats("next_observations", next) }
                if let qpos = steps.qpos { try file.writeFloats("infos/qpos", qpos) }
                if let qvel = steps.qvel { try file.writeFloats("infos/qvel", qvel) }
                if let logProbs = steps.actionLogProbs {
                    try file.writeFloats("infos/action_log_probs", ShapedArray(shape: [logProbs.count], values: logProbs))
                }
                let metadata = steps.metadata
                if let env = metadata.envName { try file.writeString("metadata/env", env) }
                if let kind = metadata.kind { try file.writeString("metadata/kind", kind) }
                if let algorithm = metadata.algorithm { try file.writeString("metadata/algorithm", algorithm) }
                if let score = metadata.behaviorScore { try file.writeDouble("metadata/behavior_score", score) }
                if let scale = metadata.policyNoiseScale { try file.writeDouble("metadata/policy_noise_scale", scale) }
                for (name, array) in steps.policyArrays.sorted(by: { $0.key < $1.key }) {
                    try file.writeFloats("metadata/policy/" + name, array)
                }
            }
            guard rename(temporaryPath, path) == 0 else {
                throw DatasetError.writeFailed(path: path, reason: "cannot rename \(temporaryPath) over it: "
                                               + String(cString: strerror(errno)))
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporaryPath)
            throw error
        }
    }
}

extension HDF5File {
    /// A (N, width) table; any other rank is a shape error.
    func readTable(_ key: String) throws -> ShapedArray {
        let array = try readFloats(key)
        guard array.shape.count == 2 else {
            throw DatasetError.badShape(path: path, key: key, shape: array.shape, expected: "(N, width)")
        }
        return array
    }

    /// A per-step scalar, stored (N,) or, in some D4RL files, (N, 1); returned as (N,).
    func readColumn(_ key: String) throws -> ShapedArray {
        let array = try readFloats(key)
        guard let rows = Self.squeezedLength(array.shape) else {
            throw DatasetError.badShape(path: path, key: key, shape: array.shape, expected: "(N,) or (N, 1)")
        }
        return ShapedArray(shape: [rows], values: array.values)
    }

    /// Per-step flags, stored (N,) or (N, 1); returned as N values.
    func readFlags(_ key: String) throws -> [Bool] {
        let (shape, values) = try readBools(key)
        guard Self.squeezedLength(shape) != nil else {
            throw DatasetError.badShape(path: path, key: key, shape: shape, expected: "(N,) or (N, 1)")
        }
        return values
    }

    /// `read(key)` if the file has the key, else nil.
    func readOptional<T>(_ key: String, _ read: (String) throws -> T) throws -> T? {
        hasDataset(key) ? try read(key) : nil
    }

    /// The float arrays under `metadata/policy/`, keyed by the rest of their path. D4RL also stores strings
    /// there ("nonlinearity"); those describe the network and are not arrays, so they are left out.
    func readPolicyArrays() throws -> [String: ShapedArray] {
        let prefix = "metadata/policy/"
        var arrays: [String: ShapedArray] = [:]
        for key in datasetKeys() where key.hasPrefix(prefix) {
            guard case .float = try info(key).elementType else { continue }
            arrays[String(key.dropFirst(prefix.count))] = try readFloats(key)
        }
        return arrays
    }

    private static func squeezedLength(_ shape: [Int]) -> Int? {
        switch shape.count {
        case 1: return shape[0]
        case 2 where shape[1] == 1: return shape[0]
        default: return nil
        }
    }
}
