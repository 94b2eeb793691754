import Foundation
import Networks
import Numerics

/// The loss formulas of the actor–critic–GAN iteration that do not involve a network (spec §3.6, §3.7), apart
/// from the loop so that each can be checked by hand.
enum ActorCriticLosses {
    /// Critic targets y_i = r_i + (1 − d_i)·γ·Q'_i·1[|Q'_i| < mask], Q' = λ·min(Q1ᵗ, Q2ᵗ) + (1 − λ)·max(Q1ᵗ, Q2ᵗ).
    /// All (B, 1). Returns the number of rows whose bootstrap value was masked.
    static func bootstrapTargets(targetQ1: Matrix, targetQ2: Matrix, rewards: Matrix, terminals: Matrix, gamma: Float,
                                 lambda: Float, mask: Float, into y: Matrix) -> Int {
        var masked = 0
        for i in 0..<y.rows {
            let q1 = targetQ1.base[i], q2 = targetQ2.base[i]
            let bootstrap = lambda * min(q1, q2) + (1 - lambda) * max(q1, q2)
            let keep: Float = abs(bootstrap) < mask ? 1 : 0
            if keep == 0 { masked += 1 }
            y.base[i] = rewards.base[i] + (1 - terminals.base[i]) * gamma * bootstrap * keep
        }
        return masked
    }

    /// L_G = BCE(D(fake), 1) = −mean log D(fake), the non-saturating generator loss; ∂/∂p into `gradient`.
    static func generator(fake: Matrix, ones: Matrix, gradient: Matrix?) -> Float {
        Loss.binaryCrossEntropy(fake, ones, gradient: gradient)
    }

    /// L_D = ½[BCE(D(real), y_real) + BCE(D(fake), 0)]; ∂/∂p of each half into its gradient.
    static func discriminator(real: Matrix, labels: Matrix, fake: Matrix, zeros: Matrix, realGradient: Matrix,
                              fakeGradient: Matrix) -> Float {
        0.5 * (Loss.binaryCrossEntropy(real, labels, gradient: realGradient, scale: 0.5)
               + Loss.binaryCrossEntropy(fake, zeros, gradient: fakeGradient, scale: 0.5))
    }

    /// L_π: L_G during warm start, else −(λ / Q̄_abs)·mean min(Q1, Q2) + L_G.
    static func actor(generator: Float, qMean: Float, qAbsEMA: Float, weight: Float, warmStart: Bool) -> Float {
        warmStart ? generator : -(weight / qAbsEMA) * qMean + generator
    }
}
