import Foundation

/// Which OpenBLAS kernels a run uses, and why.
///
/// Debian's OpenBLAS 0.3.21 (built with DYNAMIC_ARCH) picks its kernels from a table of CPU models it knew in
/// 2022. On a newer CPU it falls back to `Prescott`, SSE3 kernels four to five times slower than the AVX-512
/// ones (an Intel Xeon family 6 model 207: sgemm 19–26 against 99–113 GFLOP/s, docs/performance.md). OpenBLAS
/// reads `OPENBLAS_CORETYPE` once, while the library loads, so a process cannot change its kernels: `ampl`
/// decides here, at the top of `main`, and when OpenBLAS fell short it starts itself again with the variable set
/// (`BLASKernelRestart` in the executable). Library callers get the decision too (`BLAS.kernelReport`) but no
/// restart.
public enum BLASKernelSelection {
    /// How wide the vector instructions of an OpenBLAS core type's kernels are.
    public enum VectorLevel: Int, Comparable, Sendable, CustomStringConvertible {
        case sse, avx, avx2, avx512
        public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
        public var description: String { ["SSE", "AVX", "AVX2", "AVX-512"][rawValue] }
    }

    /// The vector level of an OpenBLAS core name (`openblas_get_corename()`, case-insensitive), or nil for a
    /// name this table does not know (a newer OpenBLAS's core, which is trusted).
    public static func level(ofCore name: String) -> VectorLevel? {
        switch name.lowercased() {
        case "unknown", "katmai", "coppermine", "northwood", "prescott", "banias", "atom", "core2", "penryn",
             "dunnington", "nehalem", "athlon", "opteron", "opteron_sse3", "barcelona", "nano", "bobcat":
            return .sse
        case "sandybridge", "bulldozer", "piledriver", "steamroller", "excavator":
            return .avx
        case "haswell", "zen":
            return .avx2
        case "skylakex", "cooperlake", "sapphirerapids":
            return .avx512
        default:
            return nil
        }
    }

    /// The fastest core type OpenBLAS 0.3.21 has for these features, or nil when it has nothing past SSE.
    /// SkylakeX rather than Cooperlake on AVX-512 CPUs: on the family 6 model 207 Xeon its sgemm was 3–10%
    /// faster (docs/performance.md), and it needs no BF16. Zen on AMD's AVX2 CPUs, Haswell on everyone else's.
    public static func bestCore(for cpu: CPUFeatures) -> (name: String, level: VectorLevel)? {
        if cpu.hasSkylakeXSet { return ("SkylakeX", .avx512) }
        if cpu.avx2 && cpu.fma { return (cpu.isAMD ? "Zen" : "Haswell", .avx2) }
        if cpu.avx { return ("Sandybridge", .avx) }
        return nil
    }

    /// Environment variables of the decision. `coreType` is OpenBLAS's own; the others are `ampl`'s.
    public enum Variable {
        public static let coreType = "OPENBLAS_CORETYPE"
        /// Set by `ampl` to the core it chose when it restarted itself (inherited by the workers it starts).
        public static let chosen = "AMPL_OPENBLAS_CHOSEN"
        /// What OpenBLAS had picked before that restart, for the report.
        public static let openBLASChoice = "AMPL_OPENBLAS_OWN_CHOICE"
        /// The PID that restarted (exec keeps it): a restarted process never restarts again.
        public static let restartedPID = "AMPL_OPENBLAS_RESTARTED_PID"
        /// `openblas` keeps OpenBLAS's own choice whatever it is.
        public static let policy = "AMPL_BLAS_KERNELS"
        /// Tests only: pretend OpenBLAS picked this core (to exercise the restart on a CPU OpenBLAS knows).
        public static let assumeOpenBLASChoice = "AMPL_OPENBLAS_ASSUME_OWN_CHOICE"
    }

    public enum Decision: Equatable, Sendable {
        /// OpenBLAS's own choice uses this CPU as well as anything OpenBLAS 0.3.21 has (or is a core this
        /// table does not know, or `AMPL_BLAS_KERNELS=openblas` says to keep it).
        case keepOpenBLASChoice(core: String)
        /// Start again with `OPENBLAS_CORETYPE=core`: OpenBLAS picked `openBLASChoice`, below what the CPU runs.
        case restart(core: String, openBLASChoice: String)
        /// `ampl` chose `core` (in this process, or in the one that started it) where OpenBLAS had picked
        /// `openBLASChoice`.
        case chosenByAMPL(core: String, openBLASChoice: String)
        /// The user set `OPENBLAS_CORETYPE`; it is honoured, with the best core named when it is slower.
        case userSetting(core: String, better: String?)
    }

    /// The decision for a process whose OpenBLAS reports `openBLASCore` under `environment`.
    public static func decide(cpu: CPUFeatures, openBLASCore: String, environment: [String: String],
                              pid: Int32) -> Decision {
        let best = bestCore(for: cpu)
        if let set = environment[Variable.coreType], !set.isEmpty {
            if let chosen = environment[Variable.chosen], chosen == set {
                return .chosenByAMPL(core: openBLASCore, openBLASChoice: environment[Variable.openBLASChoice] ?? "?")
            }
            let better = best.flatMap { best in
                (level(ofCore: openBLASCore).map { $0 < best.level } ?? false) ? best.name : nil
            }
            return .userSetting(core: openBLASCore, better: better)
        }
        let own = environment[Variable.assumeOpenBLASChoice].flatMap { $0.isEmpty ? nil : $0 } ?? openBLASCore
        if environment[Variable.policy]?.lowercased() == "openblas" || environment[Variable.restartedPID] == String(pid) {
            return .keepOpenBLASChoice(core: openBLASCore)
        }
        guard let best, let ownLevel = level(ofCore: own), ownLevel < best.level else {
            return .keepOpenBLASChoice(core: openBLASCore)
        }
        return .restart(core: best.name, openBLASChoice: own)
    }

    /// The environment of the restarted process.
    public static func restartEnvironment(core: String, openBLASChoice: String, pid: Int32) -> [String: String] {
        [Variable.coreType: core, Variable.chosen: core, Variable.openBLASChoice: openBLASChoice,
         Variable.restartedPID: String(pid)]
    }

    /// One line for the start-up log: the core in use, who chose it, and the facts behind that.
    public static func report(_ decision: Decision, cpu: CPUFeatures) -> String {
        func named(_ core: String) -> String {
            level(ofCore: core).map { "\(core) (\($0))" } ?? core
        }
        switch decision {
        case .keepOpenBLASChoice(let core):
            return "OpenBLAS core \(named(core)), OpenBLAS's own choice; CPU \(cpu)"
        case .restart(let core, let own):
            return "OpenBLAS core \(named(own)) to be replaced by \(named(core)); CPU \(cpu)"
        case .chosenByAMPL(let core, let own):
            return "OpenBLAS core \(named(core)), chosen by ampl: OpenBLAS's own choice was \(named(own)); CPU \(cpu)"
        case .userSetting(let core, nil):
            return "OpenBLAS core \(named(core)), set by \(Variable.coreType); CPU \(cpu)"
        case .userSetting(let core, let better?):
            return "warning: \(Variable.coreType) sets OpenBLAS core \(named(core)) on a CPU with \(cpu); "
                + "\(named(better)) kernels would run here (unset \(Variable.coreType) to let ampl choose them)"
        }
    }
}
