import Foundation

/// What a random stream serves. Streams are keyed by purpose and indices (member, round, chunk, …), never by
/// process, so a run draws the same numbers whether it runs in one process or many (`--deterministic`).
/// The raw strings are hashed into the key: never rename a case without accepting different numbers.
public enum StreamPurpose: String, Codable, Sendable, CaseIterable {
    case initialization = "init"
    case policyNoise = "policy-noise"
    case modelNoise = "model-noise"
    case eliteChoice = "elite-choice"
    case labelNoise = "label-noise"
    case batchSampling = "batch-sampling"
    case modelBootstrap = "model-bootstrap"
    case holdoutPermutation = "holdout-permutation"
    case rolloutStarts = "rollout-starts"
    case environment = "environment"
    case exploration = "exploration"
    case evaluation = "evaluation"
    case test = "test"
    case criticPretraining = "critic-pretraining"
}

/// A seeded xoshiro256** generator (Blackman & Vigna) with uniform, normal and integer sampling.
///
/// `RandomStream(seed:purpose:indices:)` derives an independent stream for each (seed, purpose, indices) key
/// by SplitMix64 mixing, so streams for different members or chunks never overlap in practice. The whole state
/// is four words (`state`), saved in checkpoints so that a resumed run continues the same sequence.
public struct RandomStream: Sendable, Codable, Equatable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// The four state words, for checkpoints.
    public var state: [UInt64] { [s0, s1, s2, s3] }

    public init(state: [UInt64]) {
        precondition(state.count == 4 && state.contains { $0 != 0 }, "RandomStream state must be 4 words, not all 0")
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    public init(from decoder: Decoder) throws {
        let words = try decoder.singleValueContainer().decode([UInt64].self)
        guard words.count == 4, words.contains(where: { $0 != 0 }) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "RandomStream state must be 4 words, not all 0"))
        }
        self.init(state: words)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(state)
    }

    public init(seed: UInt64, purpose: StreamPurpose = .test, indices: [UInt64] = []) {
        var key = RandomStream.splitMix(seed ^ 0x5EED_A3B1_C0DE_F00D)
        key = RandomStream.splitMix(key ^ RandomStream.fnv1a(purpose.rawValue))
        for index in indices { key = RandomStream.splitMix(key ^ RandomStream.splitMix(index &+ 0x9E37_79B9)) }
        var words = [UInt64]()
        for _ in 0..<4 {
            key = key &+ 0x9E37_79B9_7F4A_7C15
            words.append(RandomStream.splitMix(key))
        }
        if words.allSatisfy({ $0 == 0 }) { words[0] = 1 }
        self.init(state: words)
    }

    public init(seed: UInt64, purpose: StreamPurpose, _ indices: Int...) {
        self.init(seed: seed, purpose: purpose, indices: indices.map { UInt64(bitPattern: Int64($0)) })
    }

    /// The next 64 random bits (xoshiro256**).
    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = RandomStream.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = RandomStream.rotl(s3, 45)
        return result
    }

    /// Uniform in [0, 1) with 24 random bits (every Float32 multiple of 2⁻²⁴).
    @inline(__always)
    public mutating func uniformFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func uniformDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in [low, high).
    @inline(__always)
    public mutating func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * uniformFloat() }

    /// An integer uniform in 0 ..< n, without modulo bias (Lemire's multiply-and-reject).
    @inline(__always)
    public mutating func int(below n: Int) -> Int {
        precondition(n > 0, "int(below:) needs n > 0")
        let bound = UInt64(n)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return Int(product.high)
    }

    /// One standard normal sample (Box–Muller on two uniforms, in double; the second value is discarded so
    /// that the stream state is the only state).
    @inline(__always)
    public mutating func normal() -> Float {
        let u1 = 1.0 - uniformDouble()            // (0, 1]: log is finite
        let u2 = uniformDouble()
        return Float((-2.0 * Foundation.log(u1)).squareRoot() * Foundation.cos(2.0 * Double.pi * u2))
    }

    /// Fills `out` with N(mean, std²) samples, both Box–Muller outputs used.
    public mutating func fillNormal(_ out: UnsafeMutableBufferPointer<Float>, mean: Float = 0, std: Float = 1) {
        var i = 0
        let n = out.count
        while i < n {
            let u1 = 1.0 - uniformDouble()
            let u2 = uniformDouble()
            let radius = (-2.0 * Foundation.log(u1)).squareRoot()
            let angle = 2.0 * Double.pi * u2
            out[i] = mean + std * Float(radius * Foundation.cos(angle))
            if i + 1 < n { out[i + 1] = mean + std * Float(radius * Foundation.sin(angle)) }
            i += 2
        }
    }

    /// Fills `out` with U[low, high) samples.
    public mutating func fillUniform(_ out: UnsafeMutableBufferPointer<Float>, _ low: Float, _ high: Float) {
        for i in 0..<out.count { out[i] = uniform(low, high) }
    }

    /// A uniformly random permutation of 0 ..< n (Fisher–Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n < 2 { return p }
        for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, int(below: i + 1)) }
        return p
    }

    @inline(__always) static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    @inline(__always) static func splitMix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// FNV-1a of a string's UTF-8 bytes: stable across processes, unlike `Hasher`.
    static func fnv1a(_ s: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in s.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return h
    }
}
