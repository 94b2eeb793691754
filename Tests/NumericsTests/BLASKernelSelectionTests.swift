import Numerics
import Testing

/// The decision table of `BLASKernelSelection`: CPU features × OpenBLAS's own choice × environment → kernels.
@Suite("BLAS kernel selection")
struct BLASKernelSelectionTests {
    typealias Selection = BLASKernelSelection

    /// The CPU of the issue: an Intel Xeon family 6 model 207 that OpenBLAS 0.3.21 does not know.
    static let emeraldRapids = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 207, avx: true, avx2: true,
                                           fma: true, avx512f: true, avx512dq: true, avx512bw: true,
                                           avx512vl: true, avx512bf16: true, avx512fp16: true)
    static let zen3 = CPUFeatures(vendor: "AuthenticAMD", family: 25, model: 33, avx: true, avx2: true, fma: true)
    static let haswell = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 60, avx: true, avx2: true, fma: true)
    /// AVX-512 F without BW/VL (a Xeon Phi): SkylakeX's kernels would fault, AVX2 is the best.
    static let avx512FOnly = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 87, avx: true, avx2: true,
                                         fma: true, avx512f: true)
    static let sseOnly = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 23)

    @Test func coreLevels() {
        #expect(Selection.level(ofCore: "Prescott") == .sse)
        #expect(Selection.level(ofCore: "NEHALEM") == .sse)
        #expect(Selection.level(ofCore: "Sandybridge") == .avx)
        #expect(Selection.level(ofCore: "Haswell") == .avx2)
        #expect(Selection.level(ofCore: "Zen") == .avx2)
        #expect(Selection.level(ofCore: "SkylakeX") == .avx512)
        #expect(Selection.level(ofCore: "Cooperlake") == .avx512)
        #expect(Selection.level(ofCore: "SapphireRapids") == .avx512)
        #expect(Selection.level(ofCore: "Zen6") == nil)
    }

    @Test func bestCores() {
        #expect(Selection.bestCore(for: Self.emeraldRapids)?.name == "SkylakeX")
        #expect(Selection.bestCore(for: Self.zen3)?.name == "Zen")
        #expect(Selection.bestCore(for: Self.haswell)?.name == "Haswell")
        #expect(Selection.bestCore(for: Self.avx512FOnly)?.name == "Haswell")
        #expect(Selection.bestCore(for: Self.sseOnly) == nil)
    }

    /// Each row: CPU, OpenBLAS's choice, environment → decision.
    @Test func decisionTable() {
        typealias Row = (CPUFeatures, String, [String: String], Selection.Decision)
        let rows: [Row] = [
            // OpenBLAS fell back to SSE3 on an AVX-512 CPU it does not know: restart into SkylakeX.
            (Self.emeraldRapids, "Prescott", [:], .restart(core: "SkylakeX", openBLASChoice: "Prescott")),
            // OpenBLAS's AVX-512 choices stand (SkylakeX and Cooperlake measure within a few percent).
            (Self.emeraldRapids, "Cooperlake", [:], .keepOpenBLASChoice(core: "Cooperlake")),
            (Self.emeraldRapids, "SkylakeX", [:], .keepOpenBLASChoice(core: "SkylakeX")),
            // AVX2 on an AVX-512 CPU is below it.
            (Self.emeraldRapids, "Haswell", [:], .restart(core: "SkylakeX", openBLASChoice: "Haswell")),
            (Self.zen3, "Prescott", [:], .restart(core: "Zen", openBLASChoice: "Prescott")),
            (Self.zen3, "Zen", [:], .keepOpenBLASChoice(core: "Zen")),
            (Self.haswell, "Nehalem", [:], .restart(core: "Haswell", openBLASChoice: "Nehalem")),
            (Self.avx512FOnly, "Prescott", [:], .restart(core: "Haswell", openBLASChoice: "Prescott")),
            (Self.avx512FOnly, "Haswell", [:], .keepOpenBLASChoice(core: "Haswell")),
            // Nothing better exists, or the name is a newer OpenBLAS's: trusted.
            (Self.sseOnly, "Core2", [:], .keepOpenBLASChoice(core: "Core2")),
            (Self.emeraldRapids, "GraniteRapids", [:], .keepOpenBLASChoice(core: "GraniteRapids")),
            // The user's setting is honoured; the better core is named when it is slower.
            (Self.emeraldRapids, "Haswell", ["OPENBLAS_CORETYPE": "Haswell"],
             .userSetting(core: "Haswell", better: "SkylakeX")),
            (Self.emeraldRapids, "Prescott", ["OPENBLAS_CORETYPE": "Prescott"],
             .userSetting(core: "Prescott", better: "SkylakeX")),
            (Self.emeraldRapids, "Cooperlake", ["OPENBLAS_CORETYPE": "Cooperlake"],
             .userSetting(core: "Cooperlake", better: nil)),
            // An empty OPENBLAS_CORETYPE means "not set" to OpenBLAS (it auto-detects), and so here.
            (Self.emeraldRapids, "Prescott", ["OPENBLAS_CORETYPE": ""],
             .restart(core: "SkylakeX", openBLASChoice: "Prescott")),
            // The opt-out keeps OpenBLAS's choice.
            (Self.emeraldRapids, "Prescott", ["AMPL_BLAS_KERNELS": "openblas"], .keepOpenBLASChoice(core: "Prescott")),
            // The restarted process (or a worker it started) reports ampl's choice.
            (Self.emeraldRapids, "SkylakeX",
             ["OPENBLAS_CORETYPE": "SkylakeX", "AMPL_OPENBLAS_CHOSEN": "SkylakeX", "AMPL_OPENBLAS_OWN_CHOICE": "Prescott",
              "AMPL_OPENBLAS_RESTARTED_PID": "42"],
             .chosenByAMPL(core: "SkylakeX", openBLASChoice: "Prescott")),
            // A process that restarted once (same PID) never restarts again, even if OpenBLAS ignored the variable.
            (Self.emeraldRapids, "Prescott", ["AMPL_OPENBLAS_RESTARTED_PID": "42"], .keepOpenBLASChoice(core: "Prescott")),
            // The test hook: OpenBLAS pretends to have picked Prescott.
            (Self.zen3, "Zen", ["AMPL_OPENBLAS_ASSUME_OWN_CHOICE": "Prescott"],
             .restart(core: "Zen", openBLASChoice: "Prescott")),
        ]
        for (cpu, own, environment, expected) in rows {
            let decision = Selection.decide(cpu: cpu, openBLASCore: own, environment: environment, pid: 42)
            #expect(decision == expected, "\(cpu) with OpenBLAS \(own), \(environment)")
        }
    }

    /// The restart sets the variables that make the new process report the choice and never restart again.
    @Test func restartEnvironmentIsRecognised() {
        let environment = Selection.restartEnvironment(core: "SkylakeX", openBLASChoice: "Prescott", pid: 7)
        #expect(Selection.decide(cpu: Self.emeraldRapids, openBLASCore: "SkylakeX", environment: environment, pid: 7)
                == .chosenByAMPL(core: "SkylakeX", openBLASChoice: "Prescott"))
    }

    /// Reports state facts: the core with its vector level and the CPU's features, no fixed speed claims.
    @Test func reportsNameTheFacts() {
        let warning = Selection.report(.userSetting(core: "Haswell", better: "SkylakeX"), cpu: Self.emeraldRapids)
        #expect(warning.hasPrefix("warning:"))
        #expect(warning.contains("Haswell (AVX2)") && warning.contains("SkylakeX (AVX-512)"))
        #expect(warning.contains("AVX-512 F/DQ/BW/VL/BF16/FP16"))
        let chosen = Selection.report(.chosenByAMPL(core: "SkylakeX", openBLASChoice: "Prescott"), cpu: Self.emeraldRapids)
        #expect(chosen.contains("chosen by ampl") && chosen.contains("Prescott (SSE)"))
    }

    /// The probe reads a CPU that is consistent with itself (every AVX-512 subset needs F; AVX2 needs AVX).
    @Test func probeIsConsistent() {
        let cpu = CPUFeatures.current
        #expect(!cpu.vendor.isEmpty)
        if cpu.avx2 || cpu.fma { #expect(cpu.avx) }
        if cpu.avx512dq || cpu.avx512bw || cpu.avx512vl || cpu.avx512bf16 || cpu.avx512fp16 { #expect(cpu.avx512f) }
    }
}
