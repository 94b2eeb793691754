import Foundation
import Networks
import Numerics
import TestSupport
import Testing
@testable import AMPL

@Suite("Gradients against finite differences")
struct GradientTests {
    /// f = Σ R_u·u + Σ R_a·a with the noise held fixed (same seed every evaluation); backward is given R_u and R_a.
    @Test func implicitPolicyRawAndSquashedOutputs() {
        let policy = ImplicitPolicy(name: "actor", observationDim: 3, actionDim: 2, maxAction: 2, hidden: [6, 5],
                                    noiseDim: 4, noiseStd: 1, noiseClamp: 3)
        var init_ = RandomStream(seed: 1, purpose: .initialization)
        policy.initialize(random: &init_)
        let rows = 5
        let ws = policy.makeWorkspace(maxRows: rows)
        let s = randomStorage(rows * 3, seed: 2), ru = randomStorage(rows * 2, seed: 3), ra = randomStorage(rows * 2, seed: 4)
        let states = s.matrix(rows: rows, cols: 3)
        let dRaw = ru.matrix(rows: rows, cols: 2), dAction = ra.matrix(rows: rows, cols: 2)
        func objective() -> Double {
            var noise = RandomStream(seed: 9, purpose: .policyNoise)
            let (u, a) = policy.forward(states, workspace: ws, random: &noise)
            return projection(u, dRaw) + projection(a, dAction)
        }
        _ = objective()
        policy.params.zeroGradients()
        policy.backward(rawGradient: dRaw, actionGradient: dAction, workspace: ws)
        let failures = gradientMismatches("actor", values: policy.params.values.pointer,
                                          analytic: policy.params.gradients.pointer, count: policy.params.count,
                                          step: 1e-3, objective: objective)
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    @Test func policyNoiseIsScaledThenClamped() {
        let policy = ImplicitPolicy(name: "actor", observationDim: 1, actionDim: 1, maxAction: 1, hidden: [4],
                                    noiseDim: 1000, noiseStd: 2, noiseClamp: 3)
        let ws = policy.makeWorkspace(maxRows: 2)
        var noise = RandomStream(seed: 4, purpose: .policyNoise)
        policy.forward(FloatStorage(count: 2).matrix(rows: 2, cols: 1), workspace: ws, random: &noise)
        let values = ws.noise.toArray()
        #expect(values.allSatisfy { abs($0) <= 3 })
        #expect(values.filter { abs($0) == 3 }.count > 100, "σ = 2 puts about 13% of draws beyond ±3")
    }

    /// ∂(Σ R1·Q1 + Σ R2·Q2)/∂a from the critic's backward, against finite differences in the actions.
    @Test func twinCriticActionGradient() {
        let critic = TwinCritic(name: "critic", observationDim: 3, actionDim: 2, hidden: [7, 5])
        var init_ = RandomStream(seed: 1, purpose: .initialization)
        critic.initialize(random: &init_)
        let rows = 4
        let ws = critic.makeWorkspace(maxRows: rows)
        let s = randomStorage(rows * 3, seed: 5), a = randomStorage(rows * 2, seed: 6)
        let r1 = randomStorage(rows, seed: 7), r2 = randomStorage(rows, seed: 8)
        let states = s.matrix(rows: rows, cols: 3), actions = a.matrix(rows: rows, cols: 2)
        func objective() -> Double {
            let (q1, q2) = critic.forward(observations: states, actions: actions, workspace: ws)
            return projection(q1, r1.matrix(rows: rows, cols: 1)) + projection(q2, r2.matrix(rows: rows, cols: 1))
        }
        _ = objective()
        let dAction = FloatStorage(count: rows * 2)
        critic.backward(q1Gradient: r1.matrix(rows: rows, cols: 1), q2Gradient: r2.matrix(rows: rows, cols: 1),
                        workspace: ws, actionGradient: dAction.matrix(rows: rows, cols: 2))
        let failures = gradientMismatches("dQ/da", values: a.pointer, analytic: dAction.pointer, count: rows * 2,
                                          step: 1e-2, objective: objective)
        #expect(failures.isEmpty, "\(failures)")
    }

    /// ω(x) = (softplus(x − 1e-8) + 1e-8)^α: value against the formula in Double, dω/dx against differences.
    @Test func omegaParameterisationValueAndDerivative() {
        for power in [Float(0.5), 0.2] {
            for x in [Float(-30), -4, -0.5, 0, 0.7, 3, 25] {
                let (value, derivative) = MIWNetwork.omega(x, power: power)
                let y = Double(x) - 1e-8
                let softplus = y > 20 ? y : log1p(exp(y))
                let expected = pow(softplus + 1e-8, Double(power))
                #expect(abs(Double(value) - expected) <= 1e-5 * max(expected, 1e-3), "ω(\(x)) α=\(power)")
                let h = 1e-3
                func omegaD(_ t: Double) -> Double {
                    let y = t - 1e-8
                    return pow((y > 20 ? y : log1p(exp(y))) + 1e-8, Double(power))
                }
                let numeric = (omegaD(Double(x) + h) - omegaD(Double(x) - h)) / (2 * h)
                #expect(abs(Double(derivative) - numeric) <= 1e-3 * max(abs(numeric), 1e-3), "ω'(\(x)) α=\(power)")
            }
        }
        // At initialisation x ≈ 0: ω ≈ 0.693^0.5 ≈ 0.83.
        #expect(abs(MIWNetwork.omega(0, power: 0.5).value - 0.8326) < 1e-3)
    }

    /// Both weightings of the one-pass backward: Σ u_i ω_i into the parameters' gradients, c·Σ ω_i into the
    /// second buffer.
    @Test func miwNetworkTwoWeightingBackward() {
        let network = MIWNetwork(name: "miw", observationDim: 3, actionDim: 2, hidden: [6, 5], power: 0.5)
        var init_ = RandomStream(seed: 2, purpose: .initialization)
        network.initialize(random: &init_)
        // A larger last layer than the paper's U(±3e-3) so that the check sees non-trivial curvature.
        let last = network.layers.last!
        for i in 0..<last.weight.count { network.params.value(last.weight)[i] *= 300 }
        let rows = 4
        let ws = network.makeWorkspace(maxRows: rows)
        let s = randomStorage(rows * 3, seed: 3), a = randomStorage(rows * 2, seed: 4)
        let u = randomStorage(rows, seed: 5), u2 = FloatStorage([Float](repeating: 0.37, count: rows))
        func objective(_ weights: FloatStorage) -> Double {
            let w = network.forward(observations: s.matrix(rows: rows, cols: 3), actions: a.matrix(rows: rows, cols: 2),
                                    workspace: ws)
            return projection(w, weights.matrix(rows: rows, cols: 1))
        }
        _ = objective(u)
        network.params.zeroGradients()
        let second = FloatStorage(count: network.params.count)
        network.backward(omegaGradient: u.matrix(rows: rows, cols: 1), workspace: ws,
                         secondGradients: second, secondScale: 0.37)
        let first = gradientMismatches("Σuω", values: network.params.values.pointer, analytic: network.params.gradients.pointer,
                                       count: network.params.count, step: 5e-3) { objective(u) }
        let other = gradientMismatches("cΣω", values: network.params.values.pointer, analytic: second.pointer,
                                       count: network.params.count, step: 5e-3) { objective(u2) }
        #expect(first.isEmpty, "\(first.prefix(5))")
        #expect(other.isEmpty, "\(other.prefix(5))")
    }

    /// Per tensor: φ = min(g − c, ‖∇g‖²), κ = ReLU((φ − ⟨∇L, ∇g⟩)/(1e-8 + ‖∇g‖²)), ∇L += κ∇g.
    ///   g = 12, c = 10:  A: ∇L (1, 0), ∇g (0, 2) → φ = 2, κ = 2/4 = 0.5 → ∇L = (1, 1)
    ///                    B: ∇L (1, 1), ∇g (1, 1) → φ = 2, ⟨⟩ = 2 → κ = 0, unchanged
    ///   g = 5:           C: ∇L (−7, 0), ∇g (1, 0) → φ = −5, κ = (−5 + 7)/1 = 2 → ∇L = (−5, 0)
    ///                    D: ∇L (−3, 0), ∇g (1, 0) → κ = ReLU(−2) = 0, unchanged
    @Test func constraintCorrectionPerTensor() {
        var layout = ParameterLayout()
        _ = layout.add("A", shape: [2], group: "A")
        _ = layout.add("B", shape: [2], group: "B")
        let loss = FloatStorage([1, 0, 1, 1]), constraint = FloatStorage([0, 2, 1, 1])
        MIWConstraint.correct(lossGradients: loss.pointer, constraintGradients: constraint.pointer, tensors: layout.tensors,
                              constraintValue: 12, threshold: 10)
        #expect(abs(loss[0] - 1) < 1e-6 && abs(loss[1] - 1) < 1e-6)
        #expect(loss[2] == 1 && loss[3] == 1)
        let loss2 = FloatStorage([-7, 0, -3, 0]), constraint2 = FloatStorage([1, 0, 1, 0])
        MIWConstraint.correct(lossGradients: loss2.pointer, constraintGradients: constraint2.pointer, tensors: layout.tensors,
                              constraintValue: 5, threshold: 10)
        #expect(abs(loss2[0] + 5) < 1e-5 && loss2[1] == 0)
        #expect(loss2[2] == -3 && loss2[3] == 0)
    }
}
