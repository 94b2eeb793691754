import Foundation
import Numerics
import Testing
@testable import AMPL

/// A small MDP where everything is exact linear algebra: 4 states, 2 actions, γ = 0.9, a target policy π and a
/// behaviour policy π_b, both with full support. The dataset distribution is π_b's normalised discounted occupancy
/// d^D(s, a) times P(s'|s, a).
struct TabularMDP {
    static let states = 4, actions = 2
    static var pairs: Int { states * actions }
    let gamma = 0.9
    var transition: [[Double]] = []       // P[(s, a)][s']
    var reward: [Double] = []             // r(s, a) in [0, 1]
    var start: [Double] = []              // μ0(s)
    var target: [[Double]] = []           // π(a|s)
    var behavior: [[Double]] = []         // π_b(a|s)

    init(seed: UInt64) {
        var random = RandomStream(seed: seed, purpose: .test)
        func distribution(_ n: Int) -> [Double] {
            let raw = (0..<n).map { _ in 0.2 + Double(random.uniformFloat()) }
            let total = raw.reduce(0, +)
            return raw.map { $0 / total }
        }
        transition = (0..<Self.pairs).map { _ in distribution(Self.states) }
        reward = (0..<Self.pairs).map { _ in Double(random.uniformFloat()) }
        start = distribution(Self.states)
        behavior = (0..<Self.states).map { _ in distribution(Self.actions) }
        // The target policy prefers rewarding actions, π(a|s) ∝ exp(4·r(s, a)), so its return differs from π_b's.
        target = (0..<Self.states).map { s in
            let raw = (0..<Self.actions).map { exp(4 * reward[s * Self.actions + $0]) }
            return raw.map { $0 / raw.reduce(0, +) }
        }
    }

    /// The normalised discounted occupancy d(s, a) of a policy: d = (1 − γ)·ν0 + γ·P_πᵀ d, ν0(s, a) = μ0(s)π(a|s).
    func occupancy(_ policy: [[Double]]) -> [Double] {
        let n = Self.pairs
        var matrix = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        var rhs = [Double](repeating: 0, count: n)
        for j in 0..<n {                               // row j = (s', a') of (I − γ P_πᵀ)
            let (s2, a2) = (j / Self.actions, j % Self.actions)
            matrix[j][j] += 1
            for i in 0..<n { matrix[j][i] -= gamma * transition[i][s2] * policy[s2][a2] }
            rhs[j] = (1 - gamma) * start[s2] * policy[s2][a2]
        }
        return solve(matrix, rhs)
    }

    /// Q^π = (I − γ P_π)⁻¹ r and V^π(s) = Σ_a π(a|s) Q^π(s, a).
    func values(_ policy: [[Double]]) -> (q: [Double], v: [Double]) {
        let n = Self.pairs
        var matrix = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            matrix[i][i] += 1
            for j in 0..<n { matrix[i][j] -= gamma * transition[i][j / Self.actions] * policy[j / Self.actions][j % Self.actions] }
        }
        let q = solve(matrix, reward)
        let v = (0..<Self.states).map { s in (0..<Self.actions).reduce(0.0) { $0 + policy[s][$1] * q[s * Self.actions + $1] } }
        return (q, v)
    }

    /// Dense Gaussian elimination with partial pivoting.
    func solve(_ a: [[Double]], _ b: [Double]) -> [Double] {
        var a = a, b = b
        let n = b.count
        for column in 0..<n {
            let pivot = (column..<n).max { abs(a[$0][column]) < abs(a[$1][column]) }!
            a.swapAt(column, pivot)
            b.swapAt(column, pivot)
            for row in (column + 1)..<n {
                let factor = a[row][column] / a[column][column]
                for k in column..<n { a[row][k] -= factor * a[column][k] }
                b[row] -= factor * b[column]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            let tail = ((row + 1)..<n).reduce(0.0) { $0 + a[row][$1] * x[$1] }
            x[row] = (b[row] - tail) / a[row][row]
        }
        return x
    }
}

@Suite("MIW on a tabular MDP")
struct TabularMIWTests {
    let mdp = TabularMDP(seed: 11)

    /// (a) The tabular form of the estimating equation (spec §3.5; the paper's fixed-point equation for the ratio):
    ///     (T w)(s, a) = [(1 − γ)μ0(s)π(a|s) + γ π(a|s) Σ_{s̃,ã} P(s|s̃, ã) d^D(s̃, ã) w(s̃, ã)] / d^D(s, a)
    /// is a γ-contraction in the d^D-weighted L1 norm, so iterating it from w = 1 converges to d^π / d^D.
    @Test func fixedPointOperatorConvergesToTheTrueRatio() {
        let dPi = mdp.occupancy(mdp.target), dData = mdp.occupancy(mdp.behavior)
        let n = TabularMDP.pairs, actions = TabularMDP.actions
        var w = [Double](repeating: 1, count: n)
        for _ in 0..<400 {
            var next = [Double](repeating: 0, count: n)
            for j in 0..<n {
                let (s, a) = (j / actions, j % actions)
                var inflow = 0.0
                for i in 0..<n { inflow += mdp.transition[i][s] * dData[i] * w[i] }
                next[j] = ((1 - mdp.gamma) * mdp.start[s] * mdp.target[s][a] + mdp.gamma * mdp.target[s][a] * inflow) / dData[j]
            }
            w = next
        }
        for j in 0..<n { #expect(abs(w[j] - dPi[j] / dData[j]) < 1e-9, "pair \(j): \(w[j]) vs \(dPi[j] / dData[j])") }
        // The occupancies are distributions, and the identity checked in (b) holds for the true ratio.
        #expect(abs(dPi.reduce(0, +) - 1) < 1e-12)
        let (_, v) = mdp.values(mdp.target)
        let normalisedReturn = (1 - mdp.gamma) * zip(mdp.start, v).reduce(0.0) { $0 + $1.0 * $1.1 }
        let weighted = (0..<n).reduce(0.0) { $0 + dData[$1] * w[$1] * mdp.reward[$1] }
        #expect(abs(weighted - normalisedReturn) < 1e-9)
    }

    /// (b) Identity checked: with the true Q^π as the test function the estimating equation reads
    ///     E_D[ω·Q^π(s, a)] − γ·E_D[ω·V^π(s')] = (1 − γ)·J(π)   and   Q^π − γ·P V^π = r,
    /// so any ω that solves it satisfies E_D[ω·r] = (1 − γ)·J(π), J(π) = E_μ0[V^π(s0)].
    /// ω is tabular here (one-hot (s, a) input, no hidden layer, the same softplus-power output) and trained by
    /// `MIWEstimator.update` — the loss, constraint correction, clip, Adam and ω̄ code of every round — on batches
    /// of 1024 rows drawn from d^D ⊗ P, with lr 1e-2, 1e-3, 1e-4 for 2000 steps each instead of 1e-6 (so it
    /// converges in seconds; the decay quiets Adam's response to the batch noise of pred − target).
    /// Tolerance: 2% of (1 − γ)J(π). The untrained ω is more than 10% off, checked too.
    @Test func trainedWeightsSatisfyTheReturnIdentity() throws {
        let n = TabularMDP.pairs
        let dData = mdp.occupancy(mdp.behavior)
        let (q, v) = mdp.values(mdp.target)
        let normalisedReturn = (1 - mdp.gamma) * zip(mdp.start, v).reduce(0.0) { $0 + $1.0 * $1.1 }
        var config = MIWConfig()
        config.hidden = []
        config.learningRate = 1e-2
        config.batchSize = 1024
        var init_ = RandomStream(seed: 1, purpose: .initialization)
        let estimator = MIWEstimator(observationDim: n, actionDim: 1, config: config, random: &init_)
        let b = config.batchSize
        let observations = FloatStorage(count: b * n), actionColumn = FloatStorage(count: b)
        let testValues = FloatStorage(count: b), nextValues = FloatStorage(count: b)
        var random = RandomStream(seed: 2, purpose: .batchSampling)
        func draw(_ p: [Double]) -> Int {
            var u = random.uniformDouble(), k = 0
            while k < p.count - 1 && u >= p[k] { u -= p[k]; k += 1 }
            return k
        }
        let startTerm = Float(normalisedReturn)
        var before = 0.0
        for step in 0..<6000 {
            if step == 2000 { estimator.optimizer.config.learningRate = 1e-3 }
            if step == 4000 { estimator.optimizer.config.learningRate = 1e-4 }
            observations.zero()
            for row in 0..<b {
                let pair = draw(dData), next = draw(mdp.transition[pair])
                observations[row * n + pair] = 1
                testValues[row] = Float(q[pair])
                nextValues[row] = Float(v[next])
            }
            let outcome = try estimator.update(observations: observations.matrix(rows: b, cols: n),
                                               actions: actionColumn.matrix(rows: b, cols: 1), q: testValues.pointer,
                                               v: nextValues.pointer, start: startTerm, gamma: Float(mdp.gamma))
            if step == 0 { before = Double(outcome.pred - outcome.target) }
        }
        // E_D[ω·r], exactly, from ω of each (s, a).
        let oneHot = FloatStorage(count: n * n)
        for j in 0..<n { oneHot[j * n + j] = 1 }
        let zeroActions = FloatStorage(count: n), workspace = estimator.omega.makeWorkspace(maxRows: n)
        let w = estimator.omega.forward(observations: oneHot.matrix(rows: n, cols: n),
                                        actions: zeroActions.matrix(rows: n, cols: 1), workspace: workspace)
        let weighted = (0..<n).reduce(0.0) { $0 + dData[$1] * Double(w.base[$1]) * mdp.reward[$1] }
        let initial = (0..<n).reduce(0.0) { $0 + dData[$1] * 0.8326 * mdp.reward[$1] }
        #expect(abs(initial - normalisedReturn) > 0.1 * normalisedReturn, "the untrained ω must not already pass")
        #expect(abs(weighted - normalisedReturn) < 0.02 * normalisedReturn,
                "E_D[ω r] = \(weighted), (1 − γ)J = \(normalisedReturn); untrained \(initial), first gap \(before)")
    }
}
