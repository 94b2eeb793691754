import CKernels
import Foundation
import Numerics

/// The hardware yardstick: the fp32 FMA peak of `threads` cores, measured by running `ampl_fma_peak_run` on that
/// many threads at once (CKernels/fma_peak.c). A case's `fraction_of_peak` is its achieved GFLOP/s over this; unlike
/// `fraction_of_sgemm` it cannot be flattered by a mis-tuned BLAS (docs/performance.md).
public enum FMAPeak {
    public struct Measurement: Sendable {
        public let gflops: Double
        /// The vector instructions the measuring clone used: "avx512", "avx2+fma" or "baseline".
        public let isa: String
    }

    /// Measured once per thread count per process.
    public static func measured(threads: Int) -> Measurement {
        cache.withLock { cached in
            if let m = cached[threads] { return m }
            let m = measure(threads: threads)
            cached[threads] = m
            return m
        }
    }

    private static let cache = PeakCache()

    /// The median over 5 samples of about 0.1 s each, every thread running the same loop.
    static func measure(threads: Int) -> Measurement {
        let flopsPerRound = 384.0
        _ = ampl_fma_peak_run(1_000_000)  // wake the core up to its running clock
        // Rounds for about 0.1 s, from one timed batch.
        var rounds = 1_000_000
        let start = Stopwatch.now()
        _ = ampl_fma_peak_run(rounds)
        rounds = max(1_000, Int(Double(rounds) * 0.1 / max(Stopwatch.now() - start, 1e-6)))
        let perThread = rounds
        var samples: [Double] = []
        for _ in 0..<5 {
            let begin = Stopwatch.now()
            DispatchQueue.concurrentPerform(iterations: max(1, threads)) { _ in _ = ampl_fma_peak_run(perThread) }
            samples.append(Double(max(1, threads)) * Double(perThread) * flopsPerRound / (Stopwatch.now() - begin) / 1e9)
        }
        samples.sort()
        return Measurement(gflops: samples[samples.count / 2], isa: String(cString: ampl_fma_peak_isa()))
    }
}

/// The measurements by thread count, behind a lock (benchmarks run on one thread, but the type stays Sendable).
final class PeakCache: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int: FMAPeak.Measurement] = [:]

    func withLock<T>(_ body: (inout [Int: FMAPeak.Measurement]) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&values)
    }
}
