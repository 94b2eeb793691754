import CKernels

/// The vector instructions this CPU can run (cpuid, with the OS's register-state check), read once.
/// A plain value so that tests can describe CPUs that are not the one they run on.
public struct CPUFeatures: Sendable, Equatable, CustomStringConvertible {
    public var vendor: String
    public var family: Int
    public var model: Int
    public var avx: Bool
    public var avx2: Bool
    public var fma: Bool
    public var avx512f: Bool
    public var avx512dq: Bool
    public var avx512bw: Bool
    public var avx512vl: Bool
    public var avx512bf16: Bool
    public var avx512fp16: Bool

    public init(vendor: String = "GenuineIntel", family: Int = 6, model: Int = 0, avx: Bool = false,
                avx2: Bool = false, fma: Bool = false, avx512f: Bool = false, avx512dq: Bool = false,
                avx512bw: Bool = false, avx512vl: Bool = false, avx512bf16: Bool = false, avx512fp16: Bool = false) {
        self.vendor = vendor
        self.family = family
        self.model = model
        self.avx = avx
        self.avx2 = avx2
        self.fma = fma
        self.avx512f = avx512f
        self.avx512dq = avx512dq
        self.avx512bw = avx512bw
        self.avx512vl = avx512vl
        self.avx512bf16 = avx512bf16
        self.avx512fp16 = avx512fp16
    }

    /// The CPU this process runs on.
    public static let current: CPUFeatures = {
        var raw = ampl_cpu_features()
        ampl_read_cpu_features(&raw)
        let vendor = withUnsafeBytes(of: raw.vendor) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        return CPUFeatures(vendor: vendor, family: Int(raw.family), model: Int(raw.model),
                           avx: raw.avx != 0, avx2: raw.avx2 != 0, fma: raw.fma != 0,
                           avx512f: raw.avx512f != 0, avx512dq: raw.avx512dq != 0, avx512bw: raw.avx512bw != 0,
                           avx512vl: raw.avx512vl != 0, avx512bf16: raw.avx512bf16 != 0,
                           avx512fp16: raw.avx512fp16 != 0)
    }()

    public var isAMD: Bool { vendor == "AuthenticAMD" || vendor == "HygonGenuine" }

    /// The AVX-512 subsets OpenBLAS's SkylakeX kernels use.
    public var hasSkylakeXSet: Bool { avx512f && avx512dq && avx512bw && avx512vl }

    /// e.g. "GenuineIntel family 6 model 207: AVX2 FMA AVX-512 F/DQ/BW/VL/BF16/FP16".
    public var description: String {
        var isa: [String] = []
        if avx { isa.append("AVX") }
        if avx2 { isa.append("AVX2") }
        if fma { isa.append("FMA") }
        let subsets = [("F", avx512f), ("DQ", avx512dq), ("BW", avx512bw), ("VL", avx512vl),
                       ("BF16", avx512bf16), ("FP16", avx512fp16)].filter(\.1).map(\.0)
        if !subsets.isEmpty { isa.append("AVX-512 " + subsets.joined(separator: "/")) }
        return "\(vendor) family \(family) model \(model): " + (isa.isEmpty ? "no AVX" : isa.joined(separator: " "))
    }
}
