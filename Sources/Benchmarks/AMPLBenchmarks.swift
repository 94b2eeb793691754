import AMPL
import Datasets
import Dynamics
import Networks
import Numerics

/// `ampl bench ampl`: the AMPL learner's hot loops at paper sizes (HalfCheetah: S = 17, A = 6, k = 50; 400-300
/// networks), each with its matrix-product work, against sgemm at the case's largest matmul shape.
///   (a) one actor–critic–GAN iteration, B = 512, actor stepped. The dynamics model is a stand-in: ONE small MLP
///       (23 → 200 → 200 → 18, SiLU) over all rows instead of the 5-elite ensemble, so the case measures the
///       learner; the stand-in's forward FLOP are included in gflop_per_step.
///   (b) MIW steps, batch 1024, in `precomputed` mode (after the copy sync; the once-per-round table build is
///       excluded from the rate) and in `perStep` mode (2048 μ0 states per step). Acceptance: precomputed ≥ 2.5×
///       perStep (docs/performance.md).
public enum AMPLBenchmarks {
    static let observationDim = 17, actionDim = 6

    public static func run(threads: Int) throws -> [BenchmarkResult] {
        BLAS.setThreads(threads)
        let dataset = try randomDataset(episodes: 20, length: 1000)
        let learner = ActorCriticGAN(observationDim: observationDim, actionDim: actionDim, maxAction: 1,
                                     config: ActorCriticConfig(), seed: 1)
        return [try iteration(learner: learner, dataset: dataset, threads: threads)]
            + (try miwSteps(learner: learner, dataset: dataset, threads: threads))
    }

    static func iteration(learner: ActorCriticGAN, dataset: OfflineDataset, threads: Int) throws -> BenchmarkResult {
        let b = learner.config.batchSize
        var random = RandomStream(seed: 2, purpose: .batchSampling)
        let criticBatch = TransitionBatch(size: b, observationDim: observationDim, actionDim: actionDim)
        let ganBatch = TransitionBatch(size: b, observationDim: observationDim, actionDim: actionDim)
        let realPairs = TransitionBatch(size: 2 * b, observationDim: observationDim, actionDim: actionDim)
        dataset.sampleUniformly(into: criticBatch, random: &random)
        dataset.sampleUniformly(into: ganBatch, random: &random)
        dataset.sampleUniformly(into: realPairs, random: &random)
        let model = StandInModel(observationDim: observationDim, actionDim: actionDim, maxRows: b)
        let termination = ModelTermination(rule: .never, observationRange: dataset.observationRange(), rewardRange: 1e6)
        var iterationRandom = IterationRandom(seed: 3)
        var fakeRows = 0
        let rate = try Stopwatch.rate(warmUp: 3, samples: 5, sampleSeconds: 0.5) {
            fakeRows = try learner.iterate(criticBatch: criticBatch, ganStates: ganBatch.observations, realPairs: realPairs,
                                           model: model, termination: termination, warmStart: false, updateActor: true,
                                           random: &iterationRandom).fakeRows
        }
        let flops = learner.iterationFlops(fakeRows: fakeRows) + model.mlp.forwardFlops(rows: b)
        return BenchmarkResult(name: "ampl-iteration-b512", threads: threads, stepsPerSecond: rate, gflopPerStep: flops / 1e9,
                               sgemmGflops: Stopwatch.sgemmGflops(m: b, n: 300, k: 400), sgemmShape: [b, 300, 400])
    }

    static func miwSteps(learner: ActorCriticGAN, dataset: OfflineDataset, threads: Int) throws -> [BenchmarkResult] {
        var mu0Random = RandomStream(seed: 4, purpose: .test)
        let pool = FloatStorage(count: dataset.episodeStarts.count * observationDim)
        dataset.sampleEpisodeStarts(into: pool.matrix(rows: dataset.episodeStarts.count, cols: observationDim),
                                    random: &mu0Random)
        let mu0 = pool.matrix(rows: dataset.episodeStarts.count, cols: observationDim)
        var results: [BenchmarkResult] = []
        for mode in [MIWQEvaluation.precomputed, .perStep] {
            var config = MIWConfig()
            config.qEvaluation = mode
            config.copySyncSteps = 0
            let estimator = MIWEstimator(observationDim: observationDim, actionDim: actionDim, config: config, seed: 5)
            var random = RandomStream(seed: 6, purpose: .batchSampling)
            _ = try estimator.trainRound(steps: 3, learner: learner, dataset: dataset, mu0: mu0, random: &random)   // warm-up
            var rates: [Double] = []
            for _ in 0..<3 {
                let steps = mode == .precomputed ? 60 : 20
                let report = try estimator.trainRound(steps: steps, learner: learner, dataset: dataset, mu0: mu0, random: &random)
                rates.append(Double(steps) / (report.seconds - report.tableSeconds))
            }
            rates.sort()
            let b = config.batchSize
            // ω and ω̄ forward, one backward chain (no first-layer dX) and two weight gradients per layer.
            let omegaForward = estimator.omega.forwardFlops(rows: b)
            let firstLayer = estimator.omega.layers[0].forwardFlops(rows: b)
            var flops = 5 * omegaForward - firstLayer
            if mode == .perStep {
                let critic = learner.critic.forwardFlops(rows: 1) / 2
                flops += learner.actor.forwardFlops(rows: b + config.startStates)
                    + critic * Double(2 * b + config.startStates)
            }
            results.append(BenchmarkResult(name: "miw-step-\(mode.rawValue)-b1024", threads: threads, stepsPerSecond: rates[1],
                                           gflopPerStep: flops / 1e9,
                                           sgemmGflops: Stopwatch.sgemmGflops(m: b, n: 300, k: 400), sgemmShape: [b, 300, 400]))
        }
        return results
    }

    /// Random HalfCheetah-sized transitions: `episodes` episodes of `length` steps, the last of each a timeout.
    static func randomDataset(episodes: Int, length: Int) throws -> OfflineDataset {
        var random = RandomStream(seed: 7, purpose: .test)
        let n = episodes * length
        var observations = [Float](repeating: 0, count: n * observationDim), next = observations
        var actions = [Float](repeating: 0, count: n * actionDim), rewards = [Float](repeating: 0, count: n)
        observations.withUnsafeMutableBufferPointer { random.fillNormal($0) }
        next.withUnsafeMutableBufferPointer { random.fillNormal($0) }
        actions.withUnsafeMutableBufferPointer { random.fillUniform($0, -0.99, 0.99) }
        rewards.withUnsafeMutableBufferPointer { random.fillUniform($0, 0, 1) }
        let steps = D4RLSteps(observations: ShapedArray(rows: n, cols: observationDim, values: observations),
                              actions: ShapedArray(rows: n, cols: actionDim, values: actions), rewards: rewards,
                              terminals: [Bool](repeating: false, count: n),
                              timeouts: (0..<n).map { $0 % length == length - 1 },
                              nextObservations: ShapedArray(rows: n, cols: observationDim, values: next))
        return try OfflineDataset(qlearningFrom: steps)
    }
}

/// The benchmark's stand-in dynamics model: one small MLP over concat(s, a) for all rows, ŝ' = s + 0.01·Δ and
/// r̂ = the last output. Not the ensemble: no elite choice, no Gaussian sample.
final class StandInModel: ModelSampler {
    let mlp: MLP
    let params: ParameterBuffer
    let workspace: MLPWorkspace
    let input: FloatStorage
    let observationDim: Int

    init(observationDim: Int, actionDim: Int, maxRows: Int) {
        self.observationDim = observationDim
        var layout = ParameterLayout()
        mlp = MLP("model", sizes: [observationDim + actionDim, 200, 200, observationDim + 1], hidden: .silu, layout: &layout)
        params = ParameterBuffer(name: "model", layout: layout)
        var random = RandomStream(seed: 8, purpose: .initialization)
        mlp.initialize(params: params, rng: &random)
        workspace = mlp.makeWorkspace(maxRows: maxRows)
        input = FloatStorage(count: maxRows * (observationDim + actionDim))
    }

    func sample(observations: Matrix, actions: Matrix, nextObservations: Matrix, rewards: Matrix,
                eliteRandom: inout RandomStream, noiseRandom: inout RandomStream) {
        let rows = observations.rows, s = observationDim
        let x = input.matrix(rows: rows, cols: s + actions.cols)
        x.setColumns(0, from: observations)
        x.setColumns(s, from: actions)
        let out = mlp.forward(x, params: params, workspace: workspace)
        for i in 0..<rows {
            for j in 0..<s { nextObservations[i, j] = observations[i, j] + 0.01 * out[i, j] }
            rewards[i, 0] = out[i, s]
        }
    }
}
