import Foundation
import Numerics

/// The dynamics ensemble's Gaussian negative log-likelihood with learned soft log-std bounds
/// (spec ampl-algorithm §3.3–§3.4), for one member's rows.
///
///     output: (B, 2D) = [μ | ℓ_raw]   target y: (B, D)   weights w: (B) or nil (all 1)
///     maxLogStd, minLogStd: (D), the member's learned bounds
///
///     ℓ₁ = max − softplus(max − ℓ_raw);   ℓ = min + softplus(ℓ₁ − min)            (soft clamp, this order)
///     L  = (1/B) Σ_i w_i (1/D) Σ_d [ (μ − y)² e^{−2ℓ} + 2ℓ ]  +  c·Σ_d 2·max_d − c·Σ_d 2·min_d
///
/// c = `boundPenalty` (0.01 in training, 0 for the holdout loss).
public enum GaussianNLL {
    /// The soft clamp of a raw log-std into (min, max).
    @inline(__always)
    public static func softClamp(_ raw: Float, max upper: Float, min lower: Float) -> Float {
        let bounded = upper - softplus(upper - raw)
        return lower + softplus(bounded - lower)
    }

    /// Returns L; with `gradient`, writes scale·∂L/∂output and adds scale·∂L/∂max and scale·∂L/∂min into the
    /// bound gradients.
    public static func loss(output: Matrix, target: Matrix, weights: UnsafePointer<Float>?,
                            maxLogStd: UnsafePointer<Float>, minLogStd: UnsafePointer<Float>, boundPenalty: Float,
                            gradient: Matrix? = nil, maxLogStdGradient: UnsafeMutablePointer<Float>? = nil,
                            minLogStdGradient: UnsafeMutablePointer<Float>? = nil, scale: Float = 1) -> Float {
        let rows = output.rows, dims = target.cols
        precondition(output.cols == 2 * dims && target.rows == rows, "GaussianNLL: output \(output.rows)×\(output.cols), target \(target.rows)×\(dims)")
        let norm = 1 / Float(rows * dims)
        var total = 0.0
        for i in 0..<rows {
            let w = weights?[i] ?? 1
            let mean = output.base + i * 2 * dims
            let rawLogStd = mean + dims
            let y = target.base + i * dims
            var rowTotal: Float = 0
            for d in 0..<dims {
                let upper = maxLogStd[d], lower = minLogStd[d]
                let bounded = upper - softplus(upper - rawLogStd[d])
                let logStd = lower + softplus(bounded - lower)
                let error = mean[d] - y[d]
                let inverseVariance = Foundation.exp(-2 * logStd)
                rowTotal += error * error * inverseVariance + 2 * logStd
                guard let gradient else { continue }
                let g = gradient.base + i * 2 * dims
                let dLogStd = scale * w * norm * (2 - 2 * error * error * inverseVariance)
                let sigmaLower = sigmoidOfSoftplusInput(bounded - lower)     // ∂ℓ/∂ℓ₁
                let sigmaUpper = sigmoidOfSoftplusInput(upper - rawLogStd[d]) // ∂ℓ₁/∂(max − ℓ_raw)
                g[d] = scale * w * norm * 2 * error * inverseVariance
                g[dims + d] = dLogStd * sigmaLower * sigmaUpper
                maxLogStdGradient?[d] += dLogStd * sigmaLower * (1 - sigmaUpper)
                minLogStdGradient?[d] += dLogStd * (1 - sigmaLower)
            }
            total += Double(w * rowTotal)
        }
        var bounds = 0.0
        for d in 0..<dims {
            bounds += Double(2 * boundPenalty * (maxLogStd[d] - minLogStd[d]))
            if gradient != nil {
                maxLogStdGradient?[d] += scale * 2 * boundPenalty
                minLogStdGradient?[d] -= scale * 2 * boundPenalty
            }
        }
        return Float(total * Double(norm)) + Float(bounds)
    }

    /// softplus with PyTorch's threshold: x itself above 20.
    @inline(__always)
    public static func softplus(_ x: Float) -> Float { x > 20 ? x : log1pf(Foundation.exp(x)) }

    /// softplus'(x) = σ(x), exactly 1 above the threshold.
    @inline(__always)
    static func sigmoidOfSoftplusInput(_ x: Float) -> Float { x > 20 ? 1 : 1 / (1 + Foundation.exp(-x)) }
}
