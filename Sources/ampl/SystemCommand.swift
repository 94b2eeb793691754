import ArgumentParser
import Foundation
import Numerics

/// `ampl system [--json] [--blas-core]`: what this machine gives `ampl`: the CPU's vector features, the OpenBLAS
/// core in use and who chose it (docs/performance.md, "Kernel selection").
struct SystemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "system",
        abstract: "Show the CPU's vector features and the OpenBLAS kernels ampl runs on them.")

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Flag(help: "Print only the OpenBLAS core name in use (for scripts: OPENBLAS_CORETYPE=$(ampl system --blas-core)).")
    var blasCore = false

    struct Report: Encodable {
        var cpu: String
        var vendor: String
        var family: Int
        var model: Int
        var avx2: Bool
        var fma: Bool
        var avx512: Bool
        var openblasConfig: String
        var openblasCore: String
        /// SSE, AVX, AVX2 or AVX-512; nil for a core name ampl's table does not know.
        var openblasCoreLevel: String?
        /// openblas, ampl or user.
        var chosenBy: String
        var openblasOwnChoice: String?
        var bestCore: String?
        var report: String
    }

    func run() throws {
        let cpu = CPUFeatures.current
        let decision = BLAS.kernelDecision()
        if blasCore {
            print(BLAS.coreName)
            return
        }
        let (chosenBy, own): (String, String?) = switch decision {
        case .keepOpenBLASChoice(let core): ("openblas", core)
        case .restart(_, let own): ("openblas", own)
        case .chosenByAMPL(_, let own): ("ampl", own)
        case .userSetting: ("user", nil)
        }
        let core = BLAS.coreName
        let report = Report(
            cpu: cpu.description, vendor: cpu.vendor, family: cpu.family, model: cpu.model, avx2: cpu.avx2,
            fma: cpu.fma, avx512: cpu.hasSkylakeXSet, openblasConfig: BLAS.config, openblasCore: core,
            openblasCoreLevel: BLASKernelSelection.level(ofCore: core)?.description, chosenBy: chosenBy,
            openblasOwnChoice: own, bestCore: BLASKernelSelection.bestCore(for: cpu)?.name,
            report: BLASKernelSelection.report(decision, cpu: cpu))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("cpu:      \(report.cpu)")
            print("openblas: \(report.openblasConfig)")
            print("kernels:  \(report.report)")
        }
    }
}
