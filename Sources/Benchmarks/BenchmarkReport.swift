import Foundation

/// Renders results as the human table or the `--json` list.
public enum BenchmarkReport {
    public static func table(_ results: [BenchmarkResult]) -> String {
        let width = max(28, results.map(\.name.count).max() ?? 0)
        func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, n - s.count))
            return left ? s + fill : fill + s
        }
        var lines = [pad("case", width, left: true) + pad("threads", 8) + pad("steps/s", 10) + pad("GFLOP/step", 12)
                     + pad("GFLOP/s", 9) + pad("sgemm", 8) + pad("of sgemm", 10) + pad("peak", 8) + pad("of peak", 9)]
        for r in results {
            lines.append(pad(r.name, width, left: true) + pad("\(r.threads)", 8)
                         + pad(String(format: "%.1f", r.stepsPerSecond), 10) + pad(String(format: "%.4f", r.gflopPerStep), 12)
                         + pad(String(format: "%.1f", r.achievedGflops), 9) + pad(String(format: "%.1f", r.sgemmGflops), 8)
                         + pad(String(format: "%.2f", r.fractionOfSgemm), 10)
                         + pad(String(format: "%.1f", r.peakGflops), 8) + pad(String(format: "%.2f", r.fractionOfPeak), 9))
        }
        if let isa = results.first?.peakISA {
            lines.append("peak: fp32 FMA peak of the case's threads, measured with \(isa) instructions in this run")
        }
        return lines.joined(separator: "\n")
    }

    public static func json(_ results: [BenchmarkResult]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(results), as: UTF8.self)
    }
}
