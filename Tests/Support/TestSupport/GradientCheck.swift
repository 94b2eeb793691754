/// Central finite differences of a Float32 objective summed in Double, against an analytic gradient:
/// ∂f/∂θ_i ≈ (f(θ_i + h) − f(θ_i − h)) / 2h. Returns a description of each mismatch (empty when all agree
/// within `tolerance` relative to max(1, |numeric|)).
public func gradientMismatches(_ label: String, values: UnsafeMutablePointer<Float>, analytic: UnsafePointer<Float>,
                               count: Int, step h: Float = 1e-2, tolerance: Double = 2e-2,
                               objective: () -> Double) -> [String] {
    var failures: [String] = []
    for i in 0..<count {
        let saved = values[i]
        values[i] = saved + h
        let plus = objective()
        values[i] = saved - h
        let minus = objective()
        values[i] = saved
        let numeric = (plus - minus) / (2 * Double(h))
        if abs(numeric - Double(analytic[i])) > tolerance * max(1, abs(numeric)) {
            failures.append("\(label)[\(i)]: analytic \(analytic[i]), numeric \(numeric)")
        }
    }
    return failures
}
