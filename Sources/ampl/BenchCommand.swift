import ArgumentParser
import Benchmarks
import Foundation
import Numerics

/// `ampl bench nn|all [--threads N] [--json]`: speed of the hot paths, as table or JSON (architecture §7).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the speed of the trainer's hot paths against this machine's sgemm.")

    enum Suite: String, ExpressibleByArgument, CaseIterable {
        case nn, ampl, sac, kernels, all
    }

    @Argument(help: "Which benchmarks: \(Suite.allCases.map(\.rawValue).joined(separator: ", ")).")
    var suite: Suite = .all

    @Option(help: "BLAS threads; by default each case runs at 1 and at 2 threads.")
    var threads: Int?

    @Flag(help: "Print a JSON list of cases instead of a table.")
    var json = false

    func run() throws {
        StartupReport.begin()
        if suite == .kernels {
            let timings = KernelBenchmarks.run()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(timings), as: UTF8.self))
            } else {
                for t in timings { print("\(t.kernel): \(String(format: "%.1f", t.microseconds)) µs for \(t.elements) elements") }
            }
            return
        }
        let threadCounts = threads.map { [$0] } ?? [1, 2]
        var results: [BenchmarkResult] = []
        for n in threadCounts {
            if suite == .nn || suite == .all { results += try NetworkBenchmarks.run(threads: n) }
            if suite == .ampl || suite == .all {
                results += try AMPLBenchmarks.run(threads: n)
                results += try DynamicsBenchmarks.run(threads: n)
            }
            if suite == .sac || suite == .all { results += try SACBenchmarks.run(threads: n) }
        }
        print(json ? try BenchmarkReport.json(results) : BenchmarkReport.table(results))
    }
}
