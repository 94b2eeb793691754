import Foundation
import Numerics

/// Reads a Minari dataset directory (environments-and-datasets.md §4.4): `<dir>/data/main_data.hdf5`, one group
/// `episode_<i>` per episode holding `observations` (T+1 rows: the reset observation, then one per step),
/// `actions`, `rewards`, `terminations` and `truncations` (T rows each), next to an optional `metadata.json`.
public enum MinariDataset {
    /// Whether `path` looks like a Minari dataset directory (or its `data` folder).
    public static func isMinariDirectory(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: dataFolder(path) + "/main_data.hdf5")
    }

    /// The transitions of every episode, in episode order, by the same rule as the D4RL reader: a step is a
    /// transition unless it is a truncation (time-limit) step. Every s' is known here, from the episode's own
    /// next observation row. Each episode's last transition is flagged as a timeout unless it is terminal, so
    /// episode starts are found even for episodes whose recording just stops.
    ///
    /// Metadata: `env_spec.id` becomes the env name, `algorithm_name` the algorithm, and when metadata.json has
    /// `ref_min_score` and `ref_max_score` the behaviour score is computed from the complete-episode returns.
    public static func read(_ path: String) throws -> OfflineDataset {
        let folder = dataFolder(path)
        let hdf5Path = folder + "/main_data.hdf5"
        let episodes = try HDF5Library.serialized { try readEpisodes(hdf5Path) }
        guard let first = episodes.first else {
            throw DatasetError.empty(path: hdf5Path, reason: "no 'episode_<i>' groups")
        }
        let s = first.observations.cols, a = first.actions.cols
        for episode in episodes {
            if episode.observations.cols != s {
                throw DatasetError.badShape(path: hdf5Path, key: episode.name + "/observations",
                                            shape: episode.observations.shape, expected: "width \(s) like episode 0")
            }
            if episode.actions.cols != a {
                throw DatasetError.badShape(path: hdf5Path, key: episode.name + "/actions",
                                            shape: episode.actions.shape, expected: "width \(a) like episode 0")
            }
        }

        let rows = episodes.reduce(0) { $0 + $1.transitionSteps.count }
        guard rows > 0 else {
            throw DatasetError.empty(path: hdf5Path, reason: "no transitions remain after dropping truncation steps")
        }
        let columns = TransitionColumns(rows: rows, observationDim: s, actionDim: a)
        var timeouts = [Bool](repeating: false, count: rows)
        var returns: [Double] = []
        var row = 0
        for episode in episodes {
            for step in episode.transitionSteps {
                episode.observations.values.withUnsafeBufferPointer { observations in
                    (columns.observations.pointer + row * s).update(from: observations.baseAddress! + step * s, count: s)
                    (columns.nextObservations.pointer + row * s).update(from: observations.baseAddress! + (step + 1) * s,
                                                                        count: s)
                }
                episode.actions.values.withUnsafeBufferPointer { actions in
                    (columns.actions.pointer + row * a).update(from: actions.baseAddress! + step * a, count: a)
                }
                columns.rewards[row] = episode.rewards[step]
                columns.terminals[row] = episode.terminations[step] ? 1 : 0
                row += 1
            }
            if !episode.transitionSteps.isEmpty && columns.terminals[row - 1] == 0 { timeouts[row - 1] = true }
            if let lastStep = episode.rewards.indices.last,
               episode.terminations[lastStep] || episode.truncations[lastStep] {
                returns.append(episode.rewards.reduce(0.0) { $0 + Double($1) })
            }
        }

        let metadata = try readMetadata(folder + "/metadata.json", episodeReturns: returns)
        return OfflineDataset(columns: columns, timeouts: timeouts, episodeReturns: returns, metadata: metadata,
                              sourcePath: path)
    }

    /// Accepts either the dataset directory or its `data` folder.
    static func dataFolder(_ path: String) -> String {
        FileManager.default.fileExists(atPath: path + "/data/main_data.hdf5") ? path + "/data" : path
    }

    /// One episode group as stored.
    struct Episode {
        var name: String
        var observations: ShapedArray   // (T+1, S)
        var actions: ShapedArray        // (T, A)
        var rewards: [Float]            // (T)
        var terminations: [Bool]        // (T)
        var truncations: [Bool]         // (T)

        /// The steps that become transitions: all but truncation steps.
        var transitionSteps: [Int] { rewards.indices.filter { !truncations[$0] } }
    }

    private static func readEpisodes(_ path: String) throws -> [Episode] {
        let file = try HDF5File.openForReading(path)
        let names = file.groupNames().compactMap { name -> (Int, String)? in
            guard name.hasPrefix("episode_"), let index = Int(name.dropFirst("episode_".count)) else { return nil }
            return (index, name)
        }
        return try names.sorted { $0.0 < $1.0 }.map { _, name in
            let episode = Episode(name: name,
                                  observations: try file.readTable(name + "/observations"),
                                  actions: try file.readTable(name + "/actions"),
                                  rewards: try file.readColumn(name + "/rewards").values,
                                  terminations: try file.readFlags(name + "/terminations"),
                                  truncations: try file.readFlags(name + "/truncations"))
            try validate(episode, path: path)
            return episode
        }
    }

    private static func validate(_ episode: Episode, path: String) throws {
        let steps = episode.actions.rows
        if episode.observations.rows != steps + 1 {
            throw DatasetError.badShape(path: path, key: episode.name + "/observations", shape: episode.observations.shape,
                                        expected: "\(steps + 1) rows, one more than the \(steps) actions")
        }
        for (key, rows) in [("rewards", episode.rewards.count), ("terminations", episode.terminations.count),
                            ("truncations", episode.truncations.count)] where rows != steps {
            throw DatasetError.lengthMismatch(path: path, key: episode.name + "/" + key, rows: rows,
                                              otherKey: episode.name + "/actions", otherRows: steps)
        }
        for (key, values, width) in [("observations", episode.observations.values, episode.observations.cols),
                                     ("actions", episode.actions.values, episode.actions.cols),
                                     ("rewards", episode.rewards, 1)] {
            if let index = values.firstIndex(where: { !$0.isFinite }) {
                throw DatasetError.nonFinite(path: path, key: episode.name + "/" + key, row: index / max(width, 1))
            }
        }
    }

    /// Metadata from metadata.json, if the file exists; an unparsable one is an error, a missing one is not.
    private static func readMetadata(_ path: String, episodeReturns: [Double]) throws -> DatasetMetadata {
        guard let data = FileManager.default.contents(atPath: path) else { return DatasetMetadata() }
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw DatasetError.notReadable(path: path, reason: "it is not a JSON object")
        }
        var metadata = DatasetMetadata(algorithm: json["algorithm_name"] as? String)
        // Minari stores env_spec as a JSON string inside the JSON.
        if let specText = json["env_spec"] as? String, let specData = specText.data(using: .utf8),
           let spec = try? JSONSerialization.jsonObject(with: specData) as? [String: Any] {
            metadata.envName = spec["id"] as? String
        }
        if let low = (json["ref_min_score"] as? NSNumber)?.doubleValue,
           let high = (json["ref_max_score"] as? NSNumber)?.doubleValue, high > low, !episodeReturns.isEmpty {
            let meanReturn = episodeReturns.reduce(0, +) / Double(episodeReturns.count)
            metadata.behaviorScore = (meanReturn - low) / (high - low)
        }
        return metadata
    }
}

extension HDF5File {
    /// Names of the groups directly under the root.
    func groupNames() -> [String] {
        allLinkNames().filter { !$0.contains("/") && hasGroup($0) }
    }
}
