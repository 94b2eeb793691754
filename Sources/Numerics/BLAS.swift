import CBLAS
import Foundation

/// Whether an operand of `gemm` is used as stored or transposed.
public enum Transpose: Sendable {
    case none, transposed

    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

/// C = alpha · op(A) · op(B) + beta · C, all row-major, through OpenBLAS's `cblas_sgemm`.
///
/// The three layouts of a linear layer: forward `Y = X·W`, input gradient `dX = dY·Wᵀ` (transB),
/// weight gradient `dW += Xᵀ·dY` (transA, beta 1).
@inline(__always)
public func gemm(_ a: Matrix, _ b: Matrix, into c: Matrix, transA: Transpose = .none, transB: Transpose = .none,
                 alpha: Float = 1, beta: Float = 0) {
    let m = transA == .none ? a.rows : a.cols
    let k = transA == .none ? a.cols : a.rows
    let kb = transB == .none ? b.rows : b.cols
    let n = transB == .none ? b.cols : b.rows
    precondition(k == kb && c.rows == m && c.cols == n,
                 "gemm shapes: op(A) \(m)×\(k), op(B) \(kb)×\(n), C \(c.rows)×\(c.cols)")
    if m == 0 || n == 0 { return }
    if k == 0 {
        if beta == 0 { c.fill(0) } else if beta != 1 { cblas_sscal(Int32(c.count), beta, c.base, 1) }
        return
    }
    if n == 1 {
        // C (m×1) = op(A)·b with b contiguous (a k×1 column or a 1×k row): a matrix-vector product.
        // OpenBLAS's sgemm allocates on every call for this shape, and its sgemv is faster here too.
        cblas_sgemv(CblasRowMajor, transA.cblas, Int32(a.rows), Int32(a.cols), alpha, a.base, Int32(a.cols),
                    b.base, 1, beta, c.base, 1)
    } else if m == 1 {
        // C (1×n) = a·op(B), i.e. cᵀ = op(B)ᵀ·aᵀ with a contiguous.
        let flipped: CBLAS_TRANSPOSE = transB == .none ? CblasTrans : CblasNoTrans
        cblas_sgemv(CblasRowMajor, flipped, Int32(b.rows), Int32(b.cols), alpha, b.base, Int32(b.cols),
                    a.base, 1, beta, c.base, 1)
    } else {
        cblas_sgemm(CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k), alpha,
                    a.base, Int32(a.cols), b.base, Int32(b.cols), beta, c.base, Int32(c.cols))
    }
}

/// OpenBLAS settings and what the library chose at start-up.
public enum BLAS {
    /// Number of threads OpenBLAS uses for one call (`--threads`; `--deterministic` pins it to 1).
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// The kernel family OpenBLAS selected, e.g. "Cooperlake" (AVX-512) or "Haswell" (AVX2).
    public static var coreName: String { String(cString: openblas_get_corename()) }
    public static var config: String { String(cString: openblas_get_config()) }

    /// How this process came to run `coreName`, judged against this CPU (`BLASKernelSelection`).
    public static func kernelDecision(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> BLASKernelSelection.Decision {
        BLASKernelSelection.decide(cpu: .current, openBLASCore: coreName, environment: environment, pid: getpid())
    }

    /// The start-up line about the kernels: the core in use, who chose it, and the CPU's features.
    public static func kernelReport(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        BLASKernelSelection.report(kernelDecision(environment: environment), cpu: .current)
    }
}
