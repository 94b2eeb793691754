import Datasets
import Dynamics
import Environments
import Foundation
import Networks
import Numerics

/// The offline data as the learners use it (spec ampl-algorithm §3.1): rewards rescaled to about [0, 1],
/// the observation and reward ranges of the rollout guard, and the μ0 pool of start states.
public struct PreparedData {
    /// The dataset with r̃ = (r − r_min + 1e-3)/(r_max − r_min) in place of r.
    public let dataset: OfflineDataset
    public let spec: EnvironmentSpec
    public let termination: ModelTermination
    /// μ0 pool, (poolSize, S).
    public let startStates: FloatStorage
    public let startStateCount: Int
    /// D4RL-normalised score ×100 of the dataset's complete episodes, if the file records it.
    public let behaviorScore: Double?
    /// The z-scoring of states for the actor, critic and discriminator (`actorCritic.normalizeStates`): the
    /// dataset's per-column mean and std of s, as the dynamics model computes them. nil when off.
    public let observationScaling: InputScaling?

    public init(path: String, config: AMPLConfig) throws {
        let loaded = try OfflineDataset.load(path)
        let envName = !config.env.isEmpty ? config.env : (loaded.metadata.envName ?? config.dataset)
        spec = try environmentSpec(name: envName)
        try loaded.checkDimensions(ExpectedDimensions(envName: spec.name, observationDim: spec.observationDimension,
                                                      actionDim: spec.actionDimension))
        dataset = loaded.replacingRewards(loaded.rescaledRewards())
        behaviorScore = loaded.metadata.behaviorScore.map { $0 * 100 }
        if config.actorCritic.normalizeStates {
            let statistics = ModelNormalization.fit(dataset), s = spec.observationDimension
            observationScaling = InputScaling(mean: Array(statistics.inputMean[0..<s]), std: Array(statistics.inputStd[0..<s]))
        } else {
            observationScaling = nil
        }

        // Reward guard on the rescaled rewards: max(|r̃_min − 10σ|, |r̃_max + 10σ|).
        let rewards = dataset.rewards
        var mean = 0.0, squares = 0.0, low = Float.infinity, high = -Float.infinity
        for i in 0..<dataset.count {
            let r = rewards.base[i]
            mean += Double(r)
            squares += Double(r) * Double(r)
            low = min(low, r)
            high = max(high, r)
        }
        mean /= Double(dataset.count)
        let std = Float((squares / Double(dataset.count) - mean * mean).squareRoot())
        termination = ModelTermination(rule: spec.rolloutTermination, observationRange: dataset.observationRange(),
                                       rewardRange: max(abs(low - 10 * std), abs(high + 10 * std)))

        switch config.mu0Source {
        case .datasetEpisodeStarts:
            let s = spec.observationDimension
            startStateCount = dataset.episodeStarts.count
            startStates = FloatStorage(count: startStateCount * s)
            for (row, start) in dataset.episodeStarts.enumerated() {
                for j in 0..<s { startStates[row * s + j] = dataset.observations[start, j] }
            }
        case .simulatorResets:
            let environment = try makeEnvironment(name: spec.name)
            let s = spec.observationDimension, count = 100_000
            var random = RandomStream(seed: config.seed, purpose: .environment, indices: [UInt64.max])
            startStateCount = count
            startStates = FloatStorage(count: count * s)
            for row in 0..<count {
                environment.reset(rng: &random, observation: UnsafeMutableBufferPointer(start: startStates.pointer + row * s, count: s))
            }
        }
    }

    public var startStateMatrix: Matrix { startStates.matrix(rows: startStateCount, cols: spec.observationDimension) }
}
