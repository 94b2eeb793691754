import Datasets
import Dynamics
import Numerics

/// An offline dataset from rows given as (s, a, r, s'); no terminals, no timeouts.
func makeDataset(observations: [[Float]], actions: [[Float]], rewards: [Float], nextObservations: [[Float]]) throws
    -> OfflineDataset {
    let n = observations.count, s = observations[0].count, a = actions[0].count
    let steps = D4RLSteps(observations: ShapedArray(rows: n, cols: s, values: observations.flatMap { $0 }),
                          actions: ShapedArray(rows: n, cols: a, values: actions.flatMap { $0 }),
                          rewards: rewards, terminals: Array(repeating: false, count: n),
                          timeouts: Array(repeating: false, count: n),
                          nextObservations: ShapedArray(rows: n, cols: s, values: nextObservations.flatMap { $0 }))
    return try OfflineDataset(qlearningFrom: steps)
}

/// A small, fast ensemble configuration for tests.
func smallConfig(members: Int = 3, elites: Int = 2, hidden: [Int] = [32, 32], stepsPerModelEpoch: Int = 100,
                 patience: Int = 3, batchSize: Int = 64) -> EnsembleConfig {
    var config = EnsembleConfig()
    config.members = members
    config.elites = elites
    config.hidden = hidden
    config.weightDecay = Array(repeating: 1e-5, count: hidden.count + 1)
    config.stepsPerModelEpoch = stepsPerModelEpoch
    config.patience = patience
    config.batchSize = batchSize
    return config
}

/// A model that moves every coordinate by +1 and pays `reward`: transitions are predictable by hand.
final class StepModel: ModelSampler {
    let reward: Float
    init(reward: Float = 0.5) { self.reward = reward }

    func sample(observations: Matrix, actions: Matrix, nextObservations: Matrix, rewards: Matrix,
                eliteRandom: inout RandomStream, noiseRandom: inout RandomStream) {
        for i in 0..<observations.count { nextObservations.base[i] = observations.base[i] + 1 }
        rewards.fill(reward)
    }
}

/// A policy whose action is the state's first coordinate plus standard normal noise in every action dimension.
final class NoisyStatePolicy: RolloutPolicy {
    func act(observations: Matrix, into actions: Matrix, random: inout RandomStream) {
        for i in 0..<actions.rows {
            for j in 0..<actions.cols { actions[i, j] = observations[i, 0] + random.normal() }
        }
    }
}
