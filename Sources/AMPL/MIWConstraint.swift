import Networks

/// The reference's constraint correction of the ω gradient (algorithm spec §3.5 step 6), a dynamic-barrier style
/// step toward mean ω ≤ c. With g = mean_batch ω, for each parameter TENSOR p separately:
///
///     φ_p = min(g − c, ‖∇g_p‖²)
///     κ_p = ReLU((φ_p − ⟨∇L_p, ∇g_p⟩) / (1e-8 + ‖∇g_p‖²))
///     ∇L_p ← ∇L_p + κ_p · ∇g_p
///
/// After the correction ⟨∇L_p, ∇g_p⟩ ≥ φ_p, so a descent step along −∇L_p lowers g by about φ_p when the
/// constraint is violated. Sums in Double.
enum MIWConstraint {
    /// Corrects `lossGradients` in place, tensor by tensor; both buffers follow `tensors`' offsets.
    static func correct(lossGradients: UnsafeMutablePointer<Float>, constraintGradients: UnsafePointer<Float>,
                        tensors: [ParameterTensor], constraintValue g: Float, threshold: Float) {
        for tensor in tensors {
            let loss = lossGradients + tensor.offset, constraint = constraintGradients + tensor.offset
            var constraintNormSquared = 0.0, inner = 0.0
            for i in 0..<tensor.count {
                constraintNormSquared += Double(constraint[i]) * Double(constraint[i])
                inner += Double(loss[i]) * Double(constraint[i])
            }
            let phi = min(Double(g - threshold), constraintNormSquared)
            let kappa = Float(max(0, (phi - inner) / (1e-8 + constraintNormSquared)))
            if kappa > 0 {
                for i in 0..<tensor.count { loss[i] += kappa * constraint[i] }
            }
        }
    }
}
