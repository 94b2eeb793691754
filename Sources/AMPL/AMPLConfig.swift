import Dynamics

/// Every setting of an AMPL run, in one typed value. The defaults are the paper run (spec ampl-algorithm §4,
/// the `paper` preset); presets, YAML files, `--set` overrides and `--scale` change them (ConfigResolver).
/// The resolved config is written to the run folder as config.yaml and read back on `--resume`.
public struct AMPLConfig: Codable, Sendable, Equatable {
    /// Seed of every random stream of the run (streams are keyed by purpose, never by process).
    public var seed: UInt64 = 0
    /// A dataset name (`halfcheetah-medium` → datasets/halfcheetah-medium.hdf5) or a file path.
    public var dataset = "halfcheetah-medium"
    /// The environment; empty means: from the dataset file's metadata/env, else from the dataset name.
    public var env = ""
    /// Folder where dataset names resolve to files (`<folder>/<name>.hdf5`).
    public var datasetDirectory = "datasets"
    /// Steps of a dataset made on the fly when its file is missing (the bundled policy or random actions);
    /// a size other than D4RL's 1M is part of the file name (`<name>-<steps>.hdf5`).
    public var datasetSteps = 1_000_000
    public var schedule = Schedule()
    public var actorCritic = ActorCriticConfig()
    public var miw = MIWConfig()
    public var ensemble = EnsembleConfig()
    public var rollout = RolloutSettings()
    public var evaluation = EvaluationSettings()
    public var cluster = ClusterSettings()
    /// Where the MIW estimator's start states μ0 come from (spec §5.2).
    public var mu0Source = Mu0Source.datasetEpisodeStarts
    /// BLAS threads per process; `--deterministic` forces 1.
    public var threads = 1
    /// Same numbers for the same seed, with or without workers: one BLAS thread, synchronous rollouts.
    public var deterministic = false

    public init() {}
}

/// Model rollouts (spec §3.8, §5.1).
public struct RolloutSettings: Codable, Sendable, Equatable {
    /// Rollout length h (per dataset, spec §4.6).
    public var horizon = 1
    /// Generated transitions per AC iteration (`num_model_rollouts`): a generation adds
    /// `rolloutGenerationFreq × this` transitions, and the buffer holds `this × itersPerEpoch × rolloutRetainEpochs`.
    public var transitionsPerIteration = 128
    /// Start states per chunk.
    public var chunkSize = 2048
    /// Reproduce the reference's bug: one policy action per chunk, broadcast to every row (spec §6.1).
    public var legacyActionBroadcast = false
}

public struct EvaluationSettings: Codable, Sendable, Equatable {
    /// Real-environment episodes after every epoch.
    public var episodes = 10
}

public enum Mu0Source: String, Codable, Sendable, CaseIterable {
    /// Episode-start observations of the offline dataset: strictly offline (project default).
    case datasetEpisodeStarts
    /// 100,000 `reset()` observations of the simulator, as the reference does.
    case simulatorResets
}
