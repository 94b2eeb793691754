import Networks
import Numerics

/// `ampl bench nn`: the three network steps the trainer spends its time in, each with its matrix-product work,
/// against the sgemm speed of its largest matmul shape measured in the same run.
///   (a) 23-256-256-256-1 ReLU MLP, MSE + Adam, batch 256 (the baseline of numerics.md)
///   (b) AMPL twin-critic update, batch 512: inputs 23, two 400-300 LeakyReLU heads, Huber(500), clip 0.1, Adam
///   (c) one 7-member ensemble step: 4×200 SiLU, 128 rows per member, Gaussian NLL, Adam with weight decay
public enum NetworkBenchmarks {
    public static func run(threads: Int) throws -> [BenchmarkResult] {
        BLAS.setThreads(threads)
        return [try mlpStep(threads: threads), try twinCriticStep(threads: threads), try ensembleStep(threads: threads)]
    }

    /// Forward, weight gradients and input gradients of every layer but the first: 3× forward minus one dX.
    static func trainingFlops(_ mlp: MLP, rows: Int) -> Double {
        3 * mlp.forwardFlops(rows: rows) - mlp.layers[0].forwardFlops(rows: rows)
    }

    static func mlpStep(threads: Int) throws -> BenchmarkResult {
        let batch = 256
        var layout = ParameterLayout()
        let mlp = MLP("mlp", sizes: [23, 256, 256, 256, 1], hidden: .relu, layout: &layout)
        let params = ParameterBuffer(name: "mlp", layout: layout)
        var rng = RandomStream(seed: 1, purpose: .initialization)
        mlp.initialize(params: params, rng: &rng)
        var adam = Adam(AdamConfig(learningRate: 1e-3), layout: layout)
        let ws = mlp.makeWorkspace(maxRows: batch)
        let x = FloatStorage(count: batch * 23), y = FloatStorage(count: batch), dy = FloatStorage(count: batch)
        rng.fillNormal(x.buffer)
        rng.fillNormal(y.buffer)
        let rate = Stopwatch.rate {
            params.zeroGradients()
            let prediction = mlp.forward(x.matrix(rows: batch, cols: 23), params: params, workspace: ws)
            _ = Loss.mse(prediction, y.matrix(rows: batch, cols: 1), gradient: dy.matrix(rows: batch, cols: 1))
            mlp.backward(dy.matrix(rows: batch, cols: 1), params: params, workspace: ws)
            adam.update(params)
        }
        return BenchmarkResult(name: "mlp-23-256x3-1-b256", threads: threads, stepsPerSecond: rate,
                               gflopPerStep: trainingFlops(mlp, rows: batch) / 1e9,
                               sgemmGflops: Stopwatch.sgemmGflops(m: 256, n: 256, k: 256), sgemmShape: [256, 256, 256])
    }

    static func twinCriticStep(threads: Int) throws -> BenchmarkResult {
        let batch = 512, inputs = 23
        var layout = ParameterLayout()
        let heads = (1...2).map { MLP("q\($0)", sizes: [inputs, 400, 300, 1], hidden: .leakyReLU, layout: &layout) }
        let params = ParameterBuffer(name: "critic", layout: layout)
        var rng = RandomStream(seed: 2, purpose: .initialization)
        for head in heads { head.initialize(params: params, rng: &rng) }
        var adam = Adam(AdamConfig(learningRate: 3e-4), layout: layout)
        let workspaces = heads.map { $0.makeWorkspace(maxRows: batch) }
        let x = FloatStorage(count: batch * inputs), y = FloatStorage(count: batch), dy = FloatStorage(count: batch)
        rng.fillNormal(x.buffer)
        rng.fillNormal(y.buffer)
        let rate = try Stopwatch.rate {
            params.zeroGradients()
            for h in 0..<2 {
                let q = heads[h].forward(x.matrix(rows: batch, cols: inputs), params: params, workspace: workspaces[h])
                _ = Loss.huber(q, y.matrix(rows: batch, cols: 1), delta: 500, gradient: dy.matrix(rows: batch, cols: 1))
                heads[h].backward(dy.matrix(rows: batch, cols: 1), params: params, workspace: workspaces[h])
            }
            try params.clipGradientNorm(0.1)
            adam.update(params)
        }
        return BenchmarkResult(name: "twin-critic-23-400-300-b512", threads: threads, stepsPerSecond: rate,
                               gflopPerStep: 2 * trainingFlops(heads[0], rows: batch) / 1e9,
                               sgemmGflops: Stopwatch.sgemmGflops(m: batch, n: 300, k: 400), sgemmShape: [batch, 300, 400])
    }

    static func ensembleStep(threads: Int) throws -> BenchmarkResult {
        let members = 7, rowsPerMember = 128, inputs = 23, targets = 18
        var layout = ParameterLayout()
        let ensemble = EnsembleMLP("ensemble", members: members, sizes: [inputs, 200, 200, 200, 200, 2 * targets],
                                   hidden: .silu, layout: &layout)
        let maxLogStd = layout.add("maxLogStd", shape: [members, targets], group: "bounds")
        let minLogStd = layout.add("minLogStd", shape: [members, targets], group: "bounds")
        let params = ParameterBuffer(name: "ensemble", layout: layout)
        var rng = RandomStream(seed: 3, purpose: .initialization)
        ensemble.initialize(params: params, rng: &rng, scheme: .wrappedNormal)
        params.value(maxLogStd).update(repeating: 0.25, count: maxLogStd.count)
        params.value(minLogStd).update(repeating: -5, count: minLogStd.count)
        let decay: [String: Float] = ["ensemble.0": 2.5e-5, "ensemble.1": 5e-5, "ensemble.2": 7.5e-5,
                                      "ensemble.3": 7.5e-5, "ensemble.4": 1e-4]
        var adam = Adam(AdamConfig(learningRate: 1e-3), layout: layout, weightDecay: decay)
        let rows = members * rowsPerMember
        let ws = ensemble.makeWorkspace(maxRows: rows)
        let x = FloatStorage(count: rows * inputs), y = FloatStorage(count: rows * targets)
        let dOut = FloatStorage(count: rows * 2 * targets)
        rng.fillNormal(x.buffer)
        rng.fillNormal(y.buffer)
        let counts = [Int](repeating: rowsPerMember, count: members)
        let rate = Stopwatch.rate {
            params.zeroGradients()
            counts.withUnsafeBufferPointer { rowCounts in
                let out = ensemble.forward(x.matrix(rows: rows, cols: inputs), rowCounts: rowCounts, params: params, workspace: ws)
                for m in 0..<members {
                    let r = m * rowsPerMember
                    _ = GaussianNLL.loss(output: out.rows(r, rowsPerMember),
                                         target: y.matrix(rows: rows, cols: targets).rows(r, rowsPerMember), weights: nil,
                                         maxLogStd: params.value(maxLogStd) + m * targets,
                                         minLogStd: params.value(minLogStd) + m * targets, boundPenalty: 0.01,
                                         gradient: dOut.matrix(rows: rows, cols: 2 * targets).rows(r, rowsPerMember),
                                         maxLogStdGradient: params.gradient(maxLogStd) + m * targets,
                                         minLogStdGradient: params.gradient(minLogStd) + m * targets)
                }
                ensemble.backward(dOut.matrix(rows: rows, cols: 2 * targets), rowCounts: rowCounts, params: params, workspace: ws)
            }
            adam.update(params)
        }
        return BenchmarkResult(name: "ensemble-7x(4x200)-b128", threads: threads, stepsPerSecond: rate,
                               gflopPerStep: Double(members) * trainingFlops(ensemble.members[0], rows: rowsPerMember) / 1e9,
                               sgemmGflops: Stopwatch.sgemmGflops(m: rowsPerMember, n: 200, k: 200),
                               sgemmShape: [rowsPerMember, 200, 200])
    }
}
