import Foundation
import Numerics

/// One measured case, with the fields `ampl bench --json` prints (architecture §7).
public struct BenchmarkResult: Codable, Sendable {
    public let name: String
    public let threads: Int
    public let stepsPerSecond: Double
    /// Matrix-product work of one step, in GFLOP (2 per multiply-add).
    public let gflopPerStep: Double
    public let achievedGflops: Double
    /// sgemm speed of the case's largest matmul shape, measured in the same run and thread count.
    public let sgemmGflops: Double
    public let fractionOfSgemm: Double
    /// The shape (M, N, K) behind `sgemmGflops`.
    public let sgemmShape: [Int]
    /// The fp32 FMA peak of `threads` cores (`FMAPeak`), measured in the same process.
    public let peakGflops: Double
    /// `achievedGflops / peakGflops`: how much of the hardware the case uses, whatever the BLAS.
    public let fractionOfPeak: Double
    /// The vector instructions of the peak measurement ("avx512", "avx2+fma", "baseline").
    public let peakISA: String

    enum CodingKeys: String, CodingKey {
        case name, threads
        case stepsPerSecond = "steps_per_second"
        case gflopPerStep = "gflop_per_step"
        case achievedGflops = "achieved_gflops"
        case sgemmGflops = "sgemm_gflops"
        case fractionOfSgemm = "fraction_of_sgemm"
        case sgemmShape = "sgemm_shape"
        case peakGflops = "peak_gflops"
        case fractionOfPeak = "fraction_of_peak"
        case peakISA = "peak_isa"
    }

    public init(name: String, threads: Int, stepsPerSecond: Double, gflopPerStep: Double, sgemmGflops: Double,
                sgemmShape: [Int]) {
        self.name = name
        self.threads = threads
        self.stepsPerSecond = stepsPerSecond
        self.gflopPerStep = gflopPerStep
        achievedGflops = stepsPerSecond * gflopPerStep
        self.sgemmGflops = sgemmGflops
        fractionOfSgemm = sgemmGflops > 0 ? achievedGflops / sgemmGflops : 0
        self.sgemmShape = sgemmShape
        let peak = FMAPeak.measured(threads: threads)
        peakGflops = peak.gflops
        fractionOfPeak = peak.gflops > 0 ? achievedGflops / peak.gflops : 0
        peakISA = peak.isa
    }
}

/// Timing helpers: warm up, then the median of several samples, each long enough to swamp timer noise.
public enum Stopwatch {
    public static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// Calls per second of `body`: `warmUp` calls, then `samples` samples of about `sampleSeconds` each; median.
    public static func rate(warmUp: Int = 10, samples: Int = 7, sampleSeconds: Double = 0.25,
                            _ body: () throws -> Void) rethrows -> Double {
        for _ in 0..<warmUp { try body() }
        // Calibrate the calls per sample from one timed call batch.
        var calls = 1
        while true {
            let start = now()
            for _ in 0..<calls { try body() }
            let elapsed = now() - start
            if elapsed > 0.02 { calls = max(1, Int(Double(calls) * sampleSeconds / elapsed)); break }
            calls *= 4
        }
        var rates: [Double] = []
        for _ in 0..<samples {
            let start = now()
            for _ in 0..<calls { try body() }
            rates.append(Double(calls) / (now() - start))
        }
        rates.sort()
        return rates[rates.count / 2]
    }

    /// sgemm GFLOP/s for C(M×N) = A(M×K)·B(K×N), row-major, at the current BLAS thread count.
    public static func sgemmGflops(m: Int, n: Int, k: Int) -> Double {
        let a = FloatStorage(count: m * k), b = FloatStorage(count: k * n), c = FloatStorage(count: m * n)
        var rng = RandomStream(seed: 1, purpose: .test)
        rng.fillNormal(a.buffer)
        rng.fillNormal(b.buffer)
        let perSecond = rate { gemm(a.matrix(rows: m, cols: k), b.matrix(rows: k, cols: n), into: c.matrix(rows: m, cols: n)) }
        return perSecond * 2 * Double(m * n * k) / 1e9
    }
}
