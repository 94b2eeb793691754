import CKernels

/// Activation functions; the raw values are stable because checkpoints and configs store them.
public enum Activation: Int32, Codable, Sendable, CaseIterable {
    case identity = 0, relu = 1, leakyReLU = 2, silu = 3, tanh = 4, sigmoid = 5, softplus = 6

    /// LeakyReLU's negative slope: 0.01 everywhere in AMPL (PyTorch's default).
    public static let leakySlope: Float = 0.01

    var kernel: ampl_activation { ampl_activation(rawValue: UInt32(rawValue)) }
}

/// Swift faces of the C elementwise kernels (Sources/CKernels). Every function works in place on views and
/// allocates nothing.
public enum Kernels {
    /// z += bias (per row), then h = act(z). z, h: (B, n); bias: n values or nil. h may be z for identity.
    @inline(__always)
    public static func biasActivationForward(_ act: Activation, z: Matrix, bias: UnsafePointer<Float>?, h: Matrix) {
        ampl_bias_act_forward(act.kernel, Activation.leakySlope, z.base, bias, h.base, z.rows, z.cols)
    }

    /// dz = dh ⊙ act'(z); `h` is act(z) from the forward pass. dz may be dh.
    @inline(__always)
    public static func activationBackward(_ act: Activation, z: Matrix, h: Matrix, dh: Matrix, dz: Matrix) {
        ampl_act_backward(act.kernel, Activation.leakySlope, z.base, h.base, dh.base, dz.base, dz.count)
    }

    /// db += column sums of dz. dz: (B, n), db: n values.
    @inline(__always)
    public static func addColumnSums(_ dz: Matrix, into db: UnsafeMutablePointer<Float>) {
        ampl_column_sums_add(dz.base, db, dz.rows, dz.cols)
    }

    /// y = a·x + b·y over n elements.
    @inline(__always)
    public static func axpby(_ n: Int, a: Float, x: UnsafePointer<Float>, b: Float, y: UnsafeMutablePointer<Float>) {
        ampl_axpby(n, a, x, b, y)
    }

    /// Σ x², accumulated in double.
    @inline(__always)
    public static func sumOfSquares(_ n: Int, _ x: UnsafePointer<Float>) -> Double { ampl_sum_squares(n, x) }

    /// x *= s over n elements.
    @inline(__always)
    public static func scale(_ n: Int, _ x: UnsafeMutablePointer<Float>, by s: Float) { ampl_axpby(n, 0, x, s, x) }
}

/// CRC-32C (Castagnoli) checksums, hardware-accelerated where the CPU allows.
public enum CRC32C {
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        ampl_crc32c(crc, bytes.baseAddress, bytes.count)
    }

    public static func checksum(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: crc) }
    }
}
