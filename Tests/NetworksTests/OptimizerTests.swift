import Foundation
import Numerics
import Testing
@testable import Networks

@Suite("Adam, clipping and soft updates against hand-computed values")
struct OptimizerTests {
    func twoTensorBuffer() -> (ParameterBuffer, ParameterLayout) {
        var layout = ParameterLayout()
        _ = layout.add("a", shape: [2], group: "decayed")
        _ = layout.add("b", shape: [1], group: "plain")
        let params = ParameterBuffer(name: "test", layout: layout)
        return (params, layout)
    }

    @Test func adamTwoStepsWithCoupledWeightDecay() {
        let (params, layout) = twoTensorBuffer()
        set(params.values, [1.0, -2.0, 0.5])
        var adam = Adam(AdamConfig(learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8), layout: layout,
                        weightDecay: ["decayed": 0.5])
        let gradients: [[Float]] = [[0.2, -0.4, 1.0], [0.1, 0.3, -2.0]]
        // Float64 reference of torch.optim.Adam with weight_decay (L2 added to the gradient).
        var theta: [Double] = [1, -2, 0.5], m = [0.0, 0, 0], v = [0.0, 0, 0]
        let decay = [0.5, 0.5, 0.0]
        for (step, g) in gradients.enumerated() {
            set(params.gradients, g)
            adam.update(params)
            let t = Double(step + 1)
            for i in 0..<3 {
                let gi = Double(g[i]) + decay[i] * theta[i]
                m[i] = 0.9 * m[i] + 0.1 * gi
                v[i] = 0.999 * v[i] + 0.001 * gi * gi
                let denom = (v[i].squareRoot() / (1 - pow(0.999, t)).squareRoot()) + 1e-8
                theta[i] -= 0.1 / (1 - pow(0.9, t)) * m[i] / denom
            }
        }
        #expect(adam.step == 2)
        for i in 0..<3 { #expect(abs(Double(params.values[i]) - theta[i]) < 1e-6, "θ[\(i)]") }
    }

    @Test func clippingScalesToMaxNormAndLeavesSmallGradients() throws {
        let (params, _) = twoTensorBuffer()
        set(params.gradients, [3, 0, -4])  // norm 5
        let norm = try params.clipGradientNorm(0.1)
        #expect(norm == 5)
        let coefficient = Float(0.1) / (5 + 1e-6)
        #expect(params.gradients.toArray() == [3 * coefficient, 0, -4 * coefficient])
        set(params.gradients, [0.03, 0, -0.04])
        try params.clipGradientNorm(1.0)
        #expect(params.gradients.toArray() == [0.03, 0, -0.04])
    }

    @Test func clippingRejectsNonFiniteGradientsNamingTheNetwork() {
        let (params, _) = twoTensorBuffer()
        params.gradients[1] = .nan
        #expect(throws: NetworkError.self) { try params.clipGradientNorm(1) }
        do { try params.clipGradientNorm(1) } catch { #expect("\(error)".contains("'test'")) }
    }

    @Test func softUpdateIsPolyakAveraging() {
        let (target, _) = twoTensorBuffer(), (online, _) = twoTensorBuffer()
        set(target.values, [1, 2, 3])
        set(online.values, [3, 2, 1])
        target.softUpdate(toward: online, tau: 0.25)
        #expect(target.values.toArray() == [1.5, 2, 2.5])
    }

    @Test func initialisationSchemes() {
        var layout = ParameterLayout()
        let layer = Linear("fc", inputs: 100, outputs: 50, layout: &layout)
        let params = ParameterBuffer(name: "init", layout: layout)
        var rng = RandomStream(seed: 30, purpose: .initialization)
        let w = UnsafeBufferPointer(start: params.value(layer.weight), count: layer.weight.count)
        let b = UnsafeBufferPointer(start: params.value(layer.bias), count: layer.bias.count)

        layer.initialize(.pytorchDefault, params: params, rng: &rng)
        #expect(w.allSatisfy { abs($0) <= 0.1 } && b.allSatisfy { abs($0) <= 0.1 } && b.contains { $0 != 0 })

        layer.initialize(.wrappedNormal, params: params, rng: &rng)
        // fmod(N(0,1), 2) / (2·√100): inside (−0.1, 0.1), std a little under 1/20, biases 0.
        let std = (w.reduce(0.0) { $0 + Double($1 * $1) } / Double(w.count)).squareRoot()
        #expect(w.allSatisfy { abs($0) < 0.1 } && b.allSatisfy { $0 == 0 })
        #expect(std > 0.04 && std < 0.05)

        layer.initialize(.smallUniform(bound: 3e-3), params: params, rng: &rng)
        #expect(w.allSatisfy { abs($0) <= 3e-3 } && b.allSatisfy { $0 == 0 })
    }
}

func set(_ storage: FloatStorage, _ values: [Float]) {
    precondition(values.count == storage.count)
    for (i, v) in values.enumerated() { storage[i] = v }
}
