import Numerics
@testable import Networks

/// Central finite differences, f evaluated by the Float32 code and summed in Double:
/// ∂f/∂θ_i ≈ (f(θ_i + h) − f(θ_i − h)) / 2h, compared with the analytic gradient.
func checkGradient(_ label: String, values: UnsafeMutablePointer<Float>, analytic: UnsafePointer<Float>, count: Int,
                   step h: Float = 1e-2, tolerance: Double = 2e-2, objective: () -> Double) -> [String] {
    var failures: [String] = []
    for i in 0..<count {
        let saved = values[i]
        values[i] = saved + h
        let plus = objective()
        values[i] = saved - h
        let minus = objective()
        values[i] = saved
        let numeric = (plus - minus) / (2 * Double(h))
        let exact = Double(analytic[i])
        if abs(numeric - exact) > tolerance * max(1, abs(numeric)) {
            failures.append("\(label)[\(i)]: analytic \(exact), numeric \(numeric)")
        }
    }
    return failures
}

/// Σ_ij R_ij · y_ij for a fixed random R, so that ∂/∂y = R.
func projection(_ y: Matrix, _ r: Matrix) -> Double {
    var total = 0.0
    for i in 0..<y.count { total += Double(y.base[i]) * Double(r.base[i]) }
    return total
}

func randomMatrix(_ rows: Int, _ cols: Int, seed: UInt64, scale: Float = 1) -> FloatStorage {
    let storage = FloatStorage(count: rows * cols)
    var rng = RandomStream(seed: seed, purpose: .test)
    rng.fillNormal(storage.buffer, std: scale)
    return storage
}
