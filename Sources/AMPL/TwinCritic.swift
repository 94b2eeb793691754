import Networks
import Numerics

/// The twin critic (algorithm spec §3.2, §3.6): two independent heads over concat(s, a), each
/// S + A → 400 → 300 → 1 with LeakyReLU(0.01), in ONE parameter buffer, so that one Adam and one global
/// gradient-norm clip cover both heads. States may be z-scored on the way in (`observationScaling`). The critic
/// target and the MIW estimator's copy Q̃ are further instances.
///
/// Ownership: `params` is written only by the thread that trains the critic; callers evaluate through their
/// own `TwinCriticWorkspace`.
public final class TwinCritic: @unchecked Sendable {
    public let observationDim: Int
    public let actionDim: Int
    /// z-scoring of s before the heads; nil feeds raw states (the reference).
    public let observationScaling: InputScaling?
    public let heads: [MLP]
    public let params: ParameterBuffer

    /// A zero-initialised critic; call `initialize(random:)` or copy values into `params`.
    public init(name: String, observationDim: Int, actionDim: Int, hidden: [Int], observationScaling: InputScaling? = nil) {
        self.observationDim = observationDim
        self.actionDim = actionDim
        self.observationScaling = observationScaling
        var layout = ParameterLayout()
        heads = (1...2).map { MLP("q\($0)", sizes: [observationDim + actionDim] + hidden + [1], hidden: .leakyReLU,
                                  layout: &layout) }
        params = ParameterBuffer(name: name, layout: layout)
    }

    /// The same architecture under another name, with a copy of this critic's values.
    public func copy(name: String) -> TwinCritic {
        let other = TwinCritic(name: name, observationDim: observationDim, actionDim: actionDim,
                               hidden: heads[0].layers.dropLast().map(\.outputs), observationScaling: observationScaling)
        other.params.copyValues(from: params)
        return other
    }

    /// PyTorch's default initialisation for both heads.
    public func initialize(random: inout RandomStream) {
        for head in heads { head.initialize(params: params, rng: &random) }
    }

    public func makeWorkspace(maxRows: Int) -> TwinCriticWorkspace { TwinCriticWorkspace(critic: self, maxRows: maxRows) }

    // forward: s (B, S), a (B, A) → Q1, Q2 (B, 1) each, views into the workspace.
    @discardableResult
    public func forward(observations: Matrix, actions: Matrix, workspace ws: TwinCriticWorkspace) -> (q1: Matrix, q2: Matrix) {
        let input = ws.setInput(observations: observations, actions: actions, scaling: observationScaling)
        return (heads[0].forward(input, params: params, workspace: ws.heads[0]),
                heads[1].forward(input, params: params, workspace: ws.heads[1]))
    }

    // forward of head 1 only: s (B, S), a (B, A) → Q1 (B, 1). The MIW loss uses only this head (spec §3.5).
    @discardableResult
    public func forwardFirstHead(observations: Matrix, actions: Matrix, workspace ws: TwinCriticWorkspace) -> Matrix {
        heads[0].forward(ws.setInput(observations: observations, actions: actions, scaling: observationScaling), params: params, workspace: ws.heads[0])
    }

    // backward of the last two-head forward, given ∂L/∂Q1 and ∂L/∂Q2 (B, 1): accumulates both heads' parameter
    // gradients and, with `actionGradient`, writes ∂L/∂a (B, A) = the action columns of Σ_h ∂L/∂input_h.
    public func backward(q1Gradient: Matrix, q2Gradient: Matrix, workspace ws: TwinCriticWorkspace,
                         actionGradient: Matrix? = nil) {
        guard let actionGradient else {
            heads[0].backward(q1Gradient, params: params, workspace: ws.heads[0])
            heads[1].backward(q2Gradient, params: params, workspace: ws.heads[1])
            return
        }
        let rows = q1Gradient.rows, width = observationDim + actionDim
        let d1 = ws.inputGradients[0].matrix(rows: rows, cols: width)
        let d2 = ws.inputGradients[1].matrix(rows: rows, cols: width)
        heads[0].backward(q1Gradient, params: params, workspace: ws.heads[0], inputGradient: d1)
        heads[1].backward(q2Gradient, params: params, workspace: ws.heads[1], inputGradient: d2)
        precondition(actionGradient.rows == rows && actionGradient.cols == actionDim, "critic action gradient shape")
        for i in 0..<rows {
            for j in 0..<actionDim {
                actionGradient[i, j] = d1[i, observationDim + j] + d2[i, observationDim + j]
            }
        }
    }

    /// Matrix-product FLOP of one forward pass of both heads over `rows` rows.
    public func forwardFlops(rows: Int) -> Double { 2 * heads[0].forwardFlops(rows: rows) }
}

/// One place the twin critic is evaluated in a step: the input concat(s, a), both heads' caches, and the
/// per-head input gradients. Sized once for `maxRows`.
public final class TwinCriticWorkspace: @unchecked Sendable {
    public let maxRows: Int
    let width: Int
    let input: FloatStorage              // (maxRows, S + A)
    let heads: [MLPWorkspace]
    let inputGradients: [FloatStorage]   // (maxRows, S + A) per head
    let observationDim: Int

    init(critic: TwinCritic, maxRows: Int) {
        self.maxRows = maxRows
        observationDim = critic.observationDim
        let width = critic.observationDim + critic.actionDim
        self.width = width
        input = FloatStorage(count: maxRows * width)
        heads = critic.heads.map { $0.makeWorkspace(maxRows: maxRows) }
        inputGradients = (0..<2).map { _ in FloatStorage(count: maxRows * width) }
    }

    /// concat(z(s), a) in the input rows, z = `scaling` (nil: raw s).
    func setInput(observations: Matrix, actions: Matrix, scaling: InputScaling?) -> Matrix {
        precondition(observations.rows == actions.rows && observations.cols + actions.cols == width,
                     "critic input: s \(observations.rows)×\(observations.cols), a \(actions.rows)×\(actions.cols)")
        let input = self.input.matrix(rows: observations.rows, cols: width)
        input.setColumns(0, from: observations, scaledBy: scaling)
        input.setColumns(observationDim, from: actions)
        return input
    }
}
