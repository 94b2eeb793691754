import Benchmarks
import Foundation
import Testing

/// Every benchmark case carries the hardware yardstick beside the sgemm one (docs/performance.md).
@Suite("benchmark report")
struct BenchmarkReportTests {
    @Test func everyCaseCarriesItsFractionOfPeak() throws {
        let result = BenchmarkResult(name: "case", threads: 1, stepsPerSecond: 100, gflopPerStep: 0.1,
                                     sgemmGflops: 20, sgemmShape: [1, 2, 3])
        #expect(result.peakGflops > 0)
        #expect(abs(result.fractionOfPeak - result.achievedGflops / result.peakGflops) < 1e-12)
        #expect(["avx512", "avx2+fma", "baseline"].contains(result.peakISA))
        let json = try JSONSerialization.jsonObject(with: Data(BenchmarkReport.json([result]).utf8)) as? [[String: Any]]
        let fields = try #require(json?.first)
        for key in ["fraction_of_peak", "peak_gflops", "peak_isa", "fraction_of_sgemm"] {
            #expect(fields[key] != nil, "\(key)")
        }
        #expect(BenchmarkReport.table([result]).contains("of peak"))
    }

    /// The peak is a real measurement: a core does at least one multiply-add per cycle of a slow 1 GHz clock.
    @Test func thePeakIsMeasured() {
        let peak = FMAPeak.measured(threads: 1)
        #expect(peak.gflops > 2)
    }
}
