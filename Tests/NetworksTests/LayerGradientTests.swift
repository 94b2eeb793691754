import Numerics
import TestSupport
import Testing
@testable import Networks

@Suite("Gradients against central finite differences")
struct LayerGradientTests {
    @Test(arguments: Activation.allCases)
    func activationBackward(_ act: Activation) {
        let n = 64
        // Keep inputs away from ReLU's kink, where the derivative is undefined.
        let z = randomMatrix(1, n, seed: 1, scale: 2)
        for i in 0..<n where abs(z[i]) < 0.05 { z[i] = 0.3 }
        let h = FloatStorage(count: n), r = randomMatrix(1, n, seed: 2), dz = FloatStorage(count: n)
        let zm = z.matrix(rows: 1, cols: n), hm = h.matrix(rows: 1, cols: n)
        let scratch = FloatStorage(count: n)
        func objective() -> Double {
            scratch.copy(from: z)
            let sm = scratch.matrix(rows: 1, cols: n)
            Kernels.biasActivationForward(act, z: sm, bias: nil, h: hm)
            return projection(act == .identity ? sm : hm, r.matrix(rows: 1, cols: n))
        }
        _ = objective()
        Kernels.biasActivationForward(act, z: zm, bias: nil, h: hm)
        Kernels.activationBackward(act, z: zm, h: act == .identity ? zm : hm, dh: r.matrix(rows: 1, cols: n),
                                   dz: dz.matrix(rows: 1, cols: n))
        let failures = gradientMismatches("\(act)", values: z.pointer, analytic: dz.pointer, count: n, step: 1e-3,
                                     objective: objective)
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    @Test func linearWeightsBiasAndInput() {
        var layout = ParameterLayout()
        let layer = Linear("fc", inputs: 5, outputs: 4, layout: &layout)
        let params = ParameterBuffer(name: "linear", layout: layout)
        var rng = RandomStream(seed: 3, purpose: .test)
        layer.initialize(.pytorchDefault, params: params, rng: &rng)
        let x = randomMatrix(6, 5, seed: 4), r = randomMatrix(6, 4, seed: 5)
        let z = FloatStorage(count: 24), dx = FloatStorage(count: 30)
        let xm = x.matrix(rows: 6, cols: 5), zm = z.matrix(rows: 6, cols: 4)
        func objective() -> Double {
            layer.forward(xm, z: zm, h: zm, activation: .identity, params: params)
            return projection(zm, r.matrix(rows: 6, cols: 4))
        }
        _ = objective()
        layer.backward(r.matrix(rows: 6, cols: 4), x: xm, dx: dx.matrix(rows: 6, cols: 5), params: params)
        var failures = gradientMismatches("W,b", values: params.values.pointer, analytic: params.gradients.pointer,
                                     count: params.count, objective: objective)
        failures += gradientMismatches("x", values: x.pointer, analytic: dx.pointer, count: 30, objective: objective)
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    @Test(arguments: [Activation.relu, .leakyReLU, .silu, .tanh])
    func mlpParametersAndInput(_ hidden: Activation) {
        var layout = ParameterLayout()
        let mlp = MLP("net", sizes: [7, 16, 12, 3], hidden: hidden, output: .tanh, layout: &layout)
        let params = ParameterBuffer(name: "mlp", layout: layout)
        var rng = RandomStream(seed: 6, purpose: .test)
        mlp.initialize(params: params, rng: &rng)
        let ws = mlp.makeWorkspace(maxRows: 8)
        let x = randomMatrix(8, 7, seed: 7), r = randomMatrix(8, 3, seed: 8), dx = FloatStorage(count: 56)
        let xm = x.matrix(rows: 8, cols: 7)
        func objective() -> Double { projection(mlp.forward(xm, params: params, workspace: ws), r.matrix(rows: 8, cols: 3)) }
        _ = objective()
        mlp.backward(r.matrix(rows: 8, cols: 3), params: params, workspace: ws, inputGradient: dx.matrix(rows: 8, cols: 7))
        // Piecewise-linear activations need a step small enough not to cross a kink in any of the 8 rows.
        let h: Float = hidden == .relu || hidden == .leakyReLU ? 1e-4 : 1e-3
        var failures = gradientMismatches("θ", values: params.values.pointer, analytic: params.gradients.pointer,
                                     count: params.count, step: h, objective: objective)
        failures += gradientMismatches("x", values: x.pointer, analytic: dx.pointer, count: 56, step: h, objective: objective)
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    @Test func ensembleMLPWithUnequalRowGroups() {
        var layout = ParameterLayout()
        let ensemble = EnsembleMLP("ens", members: 3, sizes: [4, 10, 10, 6], hidden: .silu, layout: &layout)
        let params = ParameterBuffer(name: "ensemble", layout: layout)
        var rng = RandomStream(seed: 9, purpose: .test)
        ensemble.initialize(params: params, rng: &rng, scheme: .wrappedNormal)
        let counts = [3, 0, 5]                     // member 1 has no rows: its gradients must stay 0
        let x = randomMatrix(8, 4, seed: 10), r = randomMatrix(8, 6, seed: 11), dx = FloatStorage(count: 32)
        let xm = x.matrix(rows: 8, cols: 4)
        let ws = ensemble.makeWorkspace(maxRows: 8)
        func objective() -> Double {
            counts.withUnsafeBufferPointer { projection(ensemble.forward(xm, rowCounts: $0, params: params, workspace: ws),
                                                        r.matrix(rows: 8, cols: 6)) }
        }
        _ = objective()
        counts.withUnsafeBufferPointer {
            ensemble.backward(r.matrix(rows: 8, cols: 6), rowCounts: $0, params: params, workspace: ws,
                              inputGradient: dx.matrix(rows: 8, cols: 4))
        }
        var failures = gradientMismatches("θ", values: params.values.pointer, analytic: params.gradients.pointer,
                                     count: params.count, step: 1e-3, objective: objective)
        failures += gradientMismatches("x", values: x.pointer, analytic: dx.pointer, count: 32, step: 1e-3, objective: objective)
        #expect(failures.isEmpty, "\(failures.prefix(5))")
        let member1 = ensemble.members[1].layers[0].weight
        #expect((0..<member1.count).allSatisfy { params.gradient(member1)[$0] == 0 })
    }

    @Test func ensembleMemberMatchesStandaloneMLP() {
        // Member m of the ensemble computes exactly what an MLP over its slices computes alone.
        var layout = ParameterLayout()
        let ensemble = EnsembleMLP("ens", members: 2, sizes: [3, 5, 2], hidden: .relu, layout: &layout)
        let params = ParameterBuffer(name: "ensemble", layout: layout)
        var rng = RandomStream(seed: 12, purpose: .test)
        ensemble.initialize(params: params, rng: &rng, scheme: .pytorchDefault)
        let x = randomMatrix(4, 3, seed: 13)
        let ws = ensemble.makeWorkspace(maxRows: 4), ws1 = ensemble.members[1].makeWorkspace(maxRows: 2)
        let counts = [2, 2]
        let y = counts.withUnsafeBufferPointer {
            ensemble.forward(x.matrix(rows: 4, cols: 3), rowCounts: $0, params: params, workspace: ws).toArray()
        }
        let alone = ensemble.members[1].forward(x.matrix(rows: 4, cols: 3).rows(2, 2), params: params, workspace: ws1)
        #expect(Array(y[4..<8]) == alone.toArray())
    }
}
