import AMPL
import Datasets
import Dynamics
import Environments
import Networks
import Numerics

/// `ampl bench` cases of the dynamics model, at HalfCheetah sizes (S = 17, A = 6) on a synthetic dataset:
///   (a) one ensemble training step: 7 members × 128 rows, 4×200 SiLU, weighted Gaussian NLL, Adam
///       (`WeightedMLETrainer.trainStep` for every member, batch gathering and z-scoring included);
///   (b, c) one rollout generation of 32,000 transitions at h = 1 and h = 5: a paper-sized implicit policy
///       (67 → 400 → 300 → 6 LeakyReLU, tanh) and the untrained 7-member ensemble, chunks of 2048.
/// A rollout "step" is one whole generation.
public enum DynamicsBenchmarks {
    static let observationDim = 17, actionDim = 6

    public static func run(threads: Int) throws -> [BenchmarkResult] {
        BLAS.setThreads(threads)
        let dataset = try syntheticDataset(rows: 20_000)
        return [try ensembleStep(threads: threads, dataset: dataset),
                try rolloutGeneration(threads: threads, dataset: dataset, horizon: 1),
                try rolloutGeneration(threads: threads, dataset: dataset, horizon: 5)]
    }

    static func ensembleStep(threads: Int, dataset: OfflineDataset) throws -> BenchmarkResult {
        let config = EnsembleConfig()
        let ensemble = GaussianEnsemble(observationDim: observationDim, actionDim: actionDim, config: config, seed: 1)
        let trainer = try WeightedMLETrainer(ensemble: ensemble, dataset: dataset)
        try trainer.beginRound(0, weights: nil, seed: 1)
        let rate = try Stopwatch.rate {
            for m in 0..<config.members { try trainer.trainStep(member: m) }
        }
        let flops = Double(config.members) * NetworkBenchmarks.trainingFlops(ensemble.network, rows: config.batchSize)
        return BenchmarkResult(name: "ensemble-step-7x128-s17-a6", threads: threads, stepsPerSecond: rate,
                               gflopPerStep: flops / 1e9,
                               sgemmGflops: Stopwatch.sgemmGflops(m: config.batchSize, n: 200, k: 200),
                               sgemmShape: [config.batchSize, 200, 200])
    }

    static func rolloutGeneration(threads: Int, dataset: OfflineDataset, horizon: Int) throws -> BenchmarkResult {
        let transitions = 32_000, chunk = 2048
        let ensemble = GaussianEnsemble(observationDim: observationDim, actionDim: actionDim, config: EnsembleConfig(),
                                        seed: 2, maxSampleRows: chunk)
        ensemble.normalization = ModelNormalization.fit(dataset)
        // Ranges no untrained prediction reaches: every rollout runs its full horizon.
        let termination = ModelTermination(rule: .never, observationRange: Array(repeating: 1e9, count: observationDim),
                                           rewardRange: 1e9)
        let generator = RolloutGenerator(model: ensemble, termination: termination, observationDim: observationDim,
                                         actionDim: actionDim, chunkSize: chunk)
        // The paper's implicit policy: concat(s, ε) with 50 noise dimensions → 400 → 300 → A.
        let policy = ImplicitPolicy(name: "policy", observationDim: observationDim, actionDim: actionDim, maxAction: 1,
                                    hidden: [400, 300], noiseDim: 50, noiseStd: 1, noiseClamp: 3)
        var initialization = RandomStream(seed: 5, purpose: .initialization)
        policy.initialize(random: &initialization)
        let buffer = TransitionBuffer(capacity: 64_000, observationDim: observationDim, actionDim: actionDim)
        var generation = 0
        var added = 0
        let rate = Stopwatch.rate(warmUp: 1, samples: 3, sampleSeconds: 0.5) {
            added = generator.generate(policy: policy, starts: dataset, transitions: transitions, horizon: horizon,
                                       legacyActionBroadcast: false, into: buffer, seed: 3, generation: generation)
                .transitionsAdded
            generation += 1
        }
        let flopsPerTransition = policy.forwardFlops(rows: 1) + ensemble.network.forwardFlops(rows: 1)
        return BenchmarkResult(name: "rollouts-32k-h\(horizon)-s17-a6", threads: threads, stepsPerSecond: rate,
                               gflopPerStep: Double(added) * flopsPerTransition / 1e9,
                               sgemmGflops: Stopwatch.sgemmGflops(m: chunk, n: 300, k: 400), sgemmShape: [chunk, 300, 400])
    }

    /// N random transitions: s ~ N(0, 1), a ~ U(−1, 1), r ~ N(0, 1), s' = s + 0.1·N(0, 1).
    static func syntheticDataset(rows n: Int) throws -> OfflineDataset {
        var random = RandomStream(seed: 4, purpose: .test)
        var observations = [Float](repeating: 0, count: n * observationDim)
        var actions = [Float](repeating: 0, count: n * actionDim)
        var rewards = [Float](repeating: 0, count: n)
        observations.withUnsafeMutableBufferPointer { random.fillNormal($0) }
        actions.withUnsafeMutableBufferPointer { random.fillUniform($0, -1, 1) }
        rewards.withUnsafeMutableBufferPointer { random.fillNormal($0) }
        let next = observations.map { $0 + 0.1 * random.normal() }
        let steps = D4RLSteps(observations: ShapedArray(rows: n, cols: observationDim, values: observations),
                              actions: ShapedArray(rows: n, cols: actionDim, values: actions), rewards: rewards,
                              terminals: Array(repeating: false, count: n), timeouts: Array(repeating: false, count: n),
                              nextObservations: ShapedArray(rows: n, cols: observationDim, values: next))
        return try OfflineDataset(qlearningFrom: steps)
    }
}
