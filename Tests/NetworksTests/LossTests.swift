import Foundation
import Numerics
import TestSupport
import Testing
@testable import Networks

@Suite("Losses: values by hand, gradients by finite differences")
struct LossTests {
    let p = FloatStorage([0.5, -1.0, 3.0, 0.0])
    let t = FloatStorage([1.0, 1.0, -0.5, 0.0])
    var pm: Matrix { p.matrix(rows: 2, cols: 2) }
    var tm: Matrix { t.matrix(rows: 2, cols: 2) }

    @Test func mseValueAndGradient() {
        let g = FloatStorage(count: 4)
        let loss = Loss.mse(pm, tm, gradient: g.matrix(rows: 2, cols: 2))
        #expect(abs(loss - (0.25 + 4 + 12.25 + 0) / 4) < 1e-6)
        #expect(g.toArray() == [-0.25, -1.0, 1.75, 0])
        let failures = gradientMismatches("mse", values: p.pointer, analytic: g.pointer, count: 4) {
            Double(Loss.mse(pm, tm, gradient: nil))
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func huberValueAndGradient() {
        let g = FloatStorage(count: 4)
        // δ = 1: errors −0.5 (quadratic), −2 (linear), 3.5 (linear), 0.
        let loss = Loss.huber(pm, tm, delta: 1, gradient: g.matrix(rows: 2, cols: 2))
        #expect(abs(loss - (0.125 + 1.5 + 3.0 + 0) / 4) < 1e-6)
        #expect(g.toArray() == [-0.125, -0.25, 0.25, 0])
        let failures = gradientMismatches("huber", values: p.pointer, analytic: g.pointer, count: 4, step: 1e-3) {
            Double(Loss.huber(pm, tm, delta: 1, gradient: nil))
        }
        #expect(failures.isEmpty, "\(failures)")
        // δ = 500 (the critic's): every error is in the quadratic zone, so it is half the MSE.
        #expect(abs(Loss.huber(pm, tm, delta: 500, gradient: nil) - Loss.mse(pm, tm, gradient: nil) / 2) < 1e-6)
    }

    @Test func binaryCrossEntropyValueGradientAndClamp() {
        let probabilities = FloatStorage([0.9, 0.2, 0.5, 0.7])
        let labels = FloatStorage([1, 0, 0.85, 0.3])
        let g = FloatStorage(count: 4)
        let pm = probabilities.matrix(rows: 4, cols: 1), ym = labels.matrix(rows: 4, cols: 1)
        let loss = Loss.binaryCrossEntropy(pm, ym, gradient: g.matrix(rows: 4, cols: 1))
        let expected = [(0.9, 1.0), (0.2, 0.0), (0.5, 0.85), (0.7, 0.3)].map { (p: Double, y: Double) in
            -(y * Foundation.log(p) + (1 - y) * Foundation.log(1 - p))
        }.reduce(0, +) / 4
        #expect(abs(Double(loss) - expected) < 1e-6)
        let failures = gradientMismatches("bce", values: probabilities.pointer, analytic: g.pointer, count: 4, step: 1e-4) {
            Double(Loss.binaryCrossEntropy(pm, ym, gradient: nil))
        }
        #expect(failures.isEmpty, "\(failures)")
        // log(0) is clamped at −100, as PyTorch does: a confident wrong answer costs exactly 100.
        let zero = FloatStorage([0]), one = FloatStorage([1])
        #expect(Loss.binaryCrossEntropy(zero.matrix(rows: 1, cols: 1), one.matrix(rows: 1, cols: 1), gradient: nil) == 100)
    }

    @Test func gaussianNLLValueAndAllGradients() {
        let rows = 5, dims = 3
        let output = randomMatrix(rows, 2 * dims, seed: 20)
        let target = randomMatrix(rows, dims, seed: 21)
        let weights = FloatStorage([0.5, 1.5, 1, 2, 0.0])
        let maxLogStd = FloatStorage([0.25, 0.1, 0.4]), minLogStd = FloatStorage([-5, -4, -3])
        let g = FloatStorage(count: rows * 2 * dims)
        let gMax = FloatStorage(count: dims), gMin = FloatStorage(count: dims)
        let om = output.matrix(rows: rows, cols: 2 * dims), tm = target.matrix(rows: rows, cols: dims)
        func objective() -> Double {
            Double(GaussianNLL.loss(output: om, target: tm, weights: weights.pointer, maxLogStd: maxLogStd.pointer,
                                    minLogStd: minLogStd.pointer, boundPenalty: 0.01))
        }
        let loss = GaussianNLL.loss(output: om, target: tm, weights: weights.pointer, maxLogStd: maxLogStd.pointer,
                                    minLogStd: minLogStd.pointer, boundPenalty: 0.01, gradient: g.matrix(rows: rows, cols: 2 * dims),
                                    maxLogStdGradient: gMax.pointer, minLogStdGradient: gMin.pointer)
        // Float64 reference of the formula.
        func softplus(_ x: Double) -> Double { x > 20 ? x : Foundation.log1p(Foundation.exp(x)) }
        var reference = 0.0
        for i in 0..<rows {
            var row = 0.0
            for d in 0..<dims {
                let upper = Double(maxLogStd[d]), lower = Double(minLogStd[d])
                let l = lower + softplus(upper - softplus(upper - Double(output[i * 2 * dims + dims + d])) - lower)
                let e = Double(output[i * 2 * dims + d]) - Double(target[i * dims + d])
                row += e * e * Foundation.exp(-2 * l) + 2 * l
            }
            reference += Double(weights[i]) * row
        }
        reference = reference / Double(rows * dims)
        for d in 0..<dims { reference += 0.02 * Double(maxLogStd[d]) - 0.02 * Double(minLogStd[d]) }
        #expect(abs(Double(loss) - reference) < 1e-4 * max(1, abs(reference)))
        var failures = gradientMismatches("output", values: output.pointer, analytic: g.pointer, count: rows * 2 * dims,
                                     step: 1e-3, objective: objective)
        failures += gradientMismatches("max", values: maxLogStd.pointer, analytic: gMax.pointer, count: dims, step: 1e-3,
                                  objective: objective)
        failures += gradientMismatches("min", values: minLogStd.pointer, analytic: gMin.pointer, count: dims, step: 1e-3,
                                  objective: objective)
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    @Test func softClampKeepsLogStdNearTheBounds() {
        // The second softplus lifts the value a little above max for large inputs (softplus(5.25) − 5.25 ≈ 0.005):
        // the clamp is soft on purpose, as in the reference.
        for raw: Float in [-50, -5, 0, 0.25, 3, 50] {
            let l = GaussianNLL.softClamp(raw, max: 0.25, min: -5)
            #expect(l >= -5 && l < 0.26, "softClamp(\(raw)) = \(l)")
        }
        #expect(abs(GaussianNLL.softClamp(-1, max: 0.25, min: -5) - -1.2) < 0.1)
    }
}
