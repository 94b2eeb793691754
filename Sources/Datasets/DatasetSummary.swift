import Foundation

/// What `ampl dataset info` reports about a dataset file or Minari directory.
public struct DatasetSummary: Codable, Sendable, Equatable {
    /// One stored HDF5 dataset, described the way h5py would.
    public struct StoredKey: Codable, Sendable, Equatable {
        public var key: String
        public var shape: [Int]
        public var dtype: String
    }

    /// Mean, population standard deviation, minimum and maximum of complete-episode returns.
    public struct ReturnStatistics: Codable, Sendable, Equatable {
        public var mean: Double
        public var std: Double
        public var min: Double
        public var max: Double

        init?(_ returns: [Double]) {
            guard let low = returns.min(), let high = returns.max() else { return nil }
            let mean = returns.reduce(0, +) / Double(returns.count)
            let variance = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(returns.count)
            (self.mean, self.std, self.min, self.max) = (mean, variance.squareRoot(), low, high)
        }
    }

    public var path: String
    /// "d4rl" or "minari".
    public var format: String
    /// Every stored dataset (D4RL files only; a Minari file has several per episode).
    public var keys: [StoredKey]
    /// Rows in the file: environment steps (D4RL files only).
    public var steps: Int?
    /// Training transitions after dropping timeout steps (see `OfflineDataset.init(qlearningFrom:)`).
    public var transitions: Int
    public var observationDim: Int
    public var actionDim: Int
    /// Episodes that begin in the dataset, counted by their starts.
    public var episodes: Int
    /// Episodes that end by a terminal or timeout; `returns` is over these.
    public var completeEpisodes: Int
    public var returns: ReturnStatistics?
    public var metadata: DatasetMetadata

    /// Reads and describes `path`, a D4RL-layout HDF5 file or a Minari dataset directory.
    public static func describe(_ path: String) throws -> DatasetSummary {
        if MinariDataset.isMinariDirectory(path) {
            return DatasetSummary(path: path, format: "minari", keys: [], steps: nil,
                                  dataset: try MinariDataset.read(path))
        }
        let steps = try D4RLFile.read(path)
        let keys = try HDF5Library.serialized {
            let file = try HDF5File.openForReading(path)
            return try file.datasetKeys().map { key in
                let info = try file.info(key)
                return StoredKey(key: key, shape: info.shape, dtype: info.elementType.description)
            }
        }
        return DatasetSummary(path: path, format: "d4rl", keys: keys, steps: steps.count,
                              dataset: try OfflineDataset(qlearningFrom: steps, sourcePath: path))
    }

    private init(path: String, format: String, keys: [StoredKey], steps: Int?, dataset: OfflineDataset) {
        self.path = path
        self.format = format
        self.keys = keys
        self.steps = steps
        transitions = dataset.count
        observationDim = dataset.observationDim
        actionDim = dataset.actionDim
        episodes = dataset.episodeStarts.count
        completeEpisodes = dataset.episodeReturns.count
        returns = ReturnStatistics(dataset.episodeReturns)
        metadata = dataset.metadata
    }
}
