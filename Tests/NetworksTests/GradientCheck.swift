import Numerics

@testable import Networks

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
