import Datasets
import Dynamics
import Environments
import Numerics

@testable import AMPL

/// Small sizes that keep every test fast: S = 3, A = 2, k = 4, 16-12 hidden layers, B = 8.
enum Small {
    static let observationDim = 3
    static let actionDim = 2

    static var actorCritic: ActorCriticConfig {
        var config = ActorCriticConfig()
        config.batchSize = 8
        config.noiseDim = 4
        config.actorHidden = [16, 12]
        config.criticHidden = [16, 12]
        config.discriminatorHidden = [16, 12]
        return config
    }

    static var miw: MIWConfig {
        var config = MIWConfig()
        config.hidden = [16, 12]
        config.batchSize = 32
        config.startStates = 64
        config.copySyncSteps = 3
        config.startTermEvaluations = 500
        return config
    }

    static func learner(seed: UInt64 = 1) -> ActorCriticGAN {
        ActorCriticGAN(observationDim: observationDim, actionDim: actionDim, maxAction: 1, config: actorCritic, seed: seed)
    }

    /// A dataset of `episodes` episodes of `length` random steps (actions in (−1, 1), rewards in [0, 1]), with
    /// next observations and the last step of each episode a timeout.
    static func dataset(episodes: Int = 5, length: Int = 8, seed: UInt64 = 3) throws -> OfflineDataset {
        var random = RandomStream(seed: seed, purpose: .test)
        let n = episodes * length, s = observationDim, a = actionDim
        var observations = [Float](), actions = [Float](), next = [Float](), rewards = [Float](), timeouts = [Bool]()
        for step in 0..<n {
            for _ in 0..<s { observations.append(random.normal()) }
            for _ in 0..<a { actions.append(random.uniform(-0.99, 0.99)) }
            for _ in 0..<s { next.append(random.normal()) }
            rewards.append(random.uniformFloat())
            timeouts.append(step % length == length - 1)
        }
        let steps = D4RLSteps(observations: ShapedArray(rows: n, cols: s, values: observations),
                              actions: ShapedArray(rows: n, cols: a, values: actions), rewards: rewards,
                              terminals: [Bool](repeating: false, count: n), timeouts: timeouts,
                              nextObservations: ShapedArray(rows: n, cols: s, values: next))
        return try OfflineDataset(qlearningFrom: steps)
    }

    static let termination = ModelTermination(rule: .never, observationRange: [1e6, 1e6, 1e6], rewardRange: 1e6)
}

/// A deterministic stand-in for the ensemble: ŝ' = s + actionScale·(a, a, …), r̂ = 0.5.
final class FakeModel: ModelSampler {
    let actionScale: Float

    init(actionScale: Float = 0.1) { self.actionScale = actionScale }

    func sample(observations: Matrix, actions: Matrix, nextObservations: Matrix, rewards: Matrix,
                eliteRandom: inout RandomStream, noiseRandom: inout RandomStream) {
        for i in 0..<observations.rows {
            for j in 0..<observations.cols {
                nextObservations[i, j] = observations[i, j] + actionScale * actions[i, j % actions.cols]
            }
            rewards[i, 0] = 0.5
        }
    }
}

/// A filled batch drawn from `source`.
func sampledBatch(_ source: OfflineDataset, size: Int, seed: UInt64) -> TransitionBatch {
    let batch = TransitionBatch(size: size, observationDim: source.observationDim, actionDim: source.actionDim)
    var random = RandomStream(seed: seed, purpose: .batchSampling)
    source.sampleUniformly(into: batch, random: &random)
    return batch
}

/// Σ_ij R_ij·y_ij, so that ∂/∂y = R.
func projection(_ y: Matrix, _ r: Matrix) -> Double {
    var total = 0.0
    for i in 0..<y.count { total += Double(y.base[i]) * Double(r.base[i]) }
    return total
}

func randomStorage(_ count: Int, seed: UInt64, std: Float = 1) -> FloatStorage {
    let storage = FloatStorage(count: count)
    var random = RandomStream(seed: seed, purpose: .test)
    random.fillNormal(storage.buffer, std: std)
    return storage
}
