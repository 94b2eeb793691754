import CAllocationCounter
import Numerics
import Testing
@testable import Networks

@Suite("Hot path")
struct AllocationTests {
    /// A full training step (forward, loss, backward, clip, Adam, soft update) allocates nothing once warm:
    /// this thread makes no heap allocation at all during many steps.
    @Test func trainingStepAllocatesNothingAfterWarmUp() throws {
        var layout = ParameterLayout()
        let mlp = MLP("critic", sizes: [23, 64, 64, 1], hidden: .leakyReLU, layout: &layout)
        let params = ParameterBuffer(name: "critic", layout: layout)
        let target = ParameterBuffer(name: "critic-target", layout: layout)
        var rng = RandomStream(seed: 1, purpose: .initialization)
        mlp.initialize(params: params, rng: &rng)
        var adam = Adam(AdamConfig(learningRate: 3e-4), layout: layout)
        let ws = mlp.makeWorkspace(maxRows: 32)
        let x = randomMatrix(32, 23, seed: 2), y = randomMatrix(32, 1, seed: 3), dy = FloatStorage(count: 32)

        func step() throws {
            params.zeroGradients()
            let prediction = mlp.forward(x.matrix(rows: 32, cols: 23), params: params, workspace: ws)
            _ = Loss.huber(prediction, y.matrix(rows: 32, cols: 1), delta: 500, gradient: dy.matrix(rows: 32, cols: 1))
            mlp.backward(dy.matrix(rows: 32, cols: 1), params: params, workspace: ws)
            try params.clipGradientNorm(0.1)
            adam.update(params)
            target.softUpdate(toward: params, tau: 0.005)
            rng.fillNormal(x.buffer)
        }
        for _ in 0..<20 { try step() }
        // The counter itself works: an Array allocates.
        let probe = ampl_thread_allocation_count()
        let array = [Float](repeating: 1, count: 1000 + Int(x[0].bitPattern & 1))
        #expect(ampl_thread_allocation_count() > probe && array.count >= 1000)
        let before = ampl_thread_allocation_count()
        for _ in 0..<500 { try step() }
        let allocations = ampl_thread_allocation_count() - before
        #expect(allocations == 0, "\(allocations) heap allocations in 500 training steps")
    }
}
