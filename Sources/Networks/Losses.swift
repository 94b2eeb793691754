import Foundation
import Numerics

/// Losses with PyTorch's definitions and mean reduction. Each returns the loss and writes ∂loss/∂prediction,
/// multiplied by `scale`, into `gradient` (same shape as the prediction), so that summed losses
/// (the twin critic's two heads) are a second call with the same scale. Sums are accumulated in Double.
public enum Loss {
    /// mean((p − t)²);  ∂/∂p = 2(p − t)/n
    public static func mse(_ p: Matrix, _ t: Matrix, gradient: Matrix?, scale: Float = 1) -> Float {
        checkShapes(p, t, gradient)
        let n = p.count
        var total = 0.0
        let g = gradient?.base
        let factor = 2 * scale / Float(n)
        for i in 0..<n {
            let d = p.base[i] - t.base[i]
            total += Double(d * d)
            g?[i] = factor * d
        }
        return Float(total / Double(n))
    }

    /// mean(huber_δ(p − t)), huber_δ(x) = ½x² if |x| < δ else δ(|x| − ½δ);  ∂/∂p = clamp(p − t, −δ, δ)/n
    public static func huber(_ p: Matrix, _ t: Matrix, delta: Float, gradient: Matrix?, scale: Float = 1) -> Float {
        checkShapes(p, t, gradient)
        let n = p.count
        var total = 0.0
        let g = gradient?.base
        let factor = scale / Float(n)
        for i in 0..<n {
            let d = p.base[i] - t.base[i]
            let a = abs(d)
            total += Double(a < delta ? 0.5 * d * d : delta * (a - 0.5 * delta))
            g?[i] = factor * min(max(d, -delta), delta)
        }
        return Float(total / Double(n))
    }

    /// Binary cross-entropy on probabilities: mean(−[y·log p + (1 − y)·log(1 − p)]) with each log clamped at
    /// −100 as PyTorch does. Gradient as PyTorch's: (p − y) / max(p(1 − p), 1e-12) / n.
    public static func binaryCrossEntropy(_ p: Matrix, _ y: Matrix, gradient: Matrix?, scale: Float = 1) -> Float {
        checkShapes(p, y, gradient)
        let n = p.count
        var total = 0.0
        let g = gradient?.base
        let factor = scale / Float(n)
        for i in 0..<n {
            let pi = p.base[i], yi = y.base[i]
            let logP = max(Foundation.log(pi), -100)
            let log1mP = max(Foundation.log(1 - pi), -100)
            total -= Double(yi * logP + (1 - yi) * log1mP)
            g?[i] = factor * (pi - yi) / max((1 - pi) * pi, 1e-12)
        }
        return Float(total / Double(n))
    }

    @inline(__always)
    static func checkShapes(_ p: Matrix, _ t: Matrix, _ g: Matrix?) {
        precondition(p.rows == t.rows && p.cols == t.cols, "loss: prediction \(p.rows)×\(p.cols), target \(t.rows)×\(t.cols)")
        if let g { precondition(g.rows == p.rows && g.cols == p.cols, "loss: gradient shape differs from prediction") }
    }
}
