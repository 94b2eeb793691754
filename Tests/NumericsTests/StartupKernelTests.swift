import Foundation
import Numerics
import Testing
import TestSupport

/// Kernel selection through the real binary (`ampl system --json`), as a user's shell starts it.
@Suite("BLAS kernels at start-up")
struct StartupKernelTests {
    struct Report: Decodable {
        var avx2: Bool
        var openblasCore: String
        var openblasCoreLevel: String?
        var chosenBy: String
        var openblasOwnChoice: String?
        var bestCore: String?
        var report: String
    }

    func system(_ environment: [String: String] = [:]) throws -> Report {
        let folder = try AMPLProcess.workFolder("startup-kernels-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try AMPLProcess.run(["system", "--json"], in: folder, deadline: 60, environment: environment)
        #expect(result.status == 0, "\(result.output)")
        let json = result.output.drop { $0 != "{" }
        return try JSONDecoder().decode(Report.self, from: Data(json.utf8))
    }

    /// With no OPENBLAS_* variable, a CPU with AVX2 never runs generic (SSE) kernels.
    @Test func notGenericOnAnAVX2CPU() throws {
        let report = try system()
        if report.avx2 {
            #expect(report.openblasCoreLevel != "SSE", "\(report.report)")
            #expect(report.openblasCoreLevel != "AVX", "\(report.report)")
        }
    }

    /// A user's OPENBLAS_CORETYPE is honoured, and a slower choice is warned about with the facts.
    @Test func aUserSettingIsHonoured() throws {
        let report = try system(["OPENBLAS_CORETYPE": "Prescott"])
        #expect(report.openblasCore == "Prescott")
        #expect(report.chosenBy == "user")
        if report.avx2 { #expect(report.report.hasPrefix("warning:") && report.report.contains("Prescott (SSE)")) }
    }

    /// When OpenBLAS falls short (simulated on CPUs it knows), the binary restarts once into the best core.
    @Test func aShortChoiceRestartsIntoTheBestCore() throws {
        let report = try system(["AMPL_OPENBLAS_ASSUME_OWN_CHOICE": "Prescott"])
        guard let best = report.bestCore else { return }
        #expect(report.openblasCore.lowercased() == best.lowercased(), "\(report.report)")
        #expect(report.chosenBy == "ampl")
        #expect(report.openblasOwnChoice == "Prescott")
        #expect(report.report.contains("chosen by ampl"))
    }
}
