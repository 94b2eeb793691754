import Dynamics
import Foundation
import Networks
import Numerics

/// The implicit actor π (algorithm spec §3.2): a deterministic MLP of the state and a noise vector,
///
///     ε = clamp(σ·n, −c, c),  n ~ N(0, I_k)            fresh on every forward pass, per row
///     u = MLP(concat(z(s), ε))                         S + k → 400 → 300 → A, LeakyReLU(0.01)
///     a = maxAction · tanh(u)
///
/// z is the identity as in the reference, or the dataset z-scoring of `observationScaling` (docs/algorithm.md).
/// Both the raw action u (the discriminator's input) and the executed action a are outputs. Used as the actor,
/// as the actor target (a second instance), by the MIW estimator, by evaluation and by model rollouts.
///
/// Ownership: `params` is written only by the thread that trains the actor. Each caller evaluates through its own
/// `ImplicitPolicyWorkspace`; `act(observations:into:random:)` uses a private one.
public final class ImplicitPolicy: RolloutPolicy, @unchecked Sendable {
    public let observationDim: Int
    public let actionDim: Int
    /// k
    public let noiseDim: Int
    /// σ
    public let noiseStd: Float
    /// c
    public let noiseClamp: Float
    public let maxAction: Float
    /// z-scoring of s before the MLP; nil feeds raw states (the reference).
    public let observationScaling: InputScaling?
    public let mlp: MLP
    public let params: ParameterBuffer
    /// The workspace behind `act(observations:into:random:)`, grown when a larger batch arrives.
    private var actWorkspace: ImplicitPolicyWorkspace?

    /// A zero-initialised policy; call `initialize(random:)` or copy values into `params`.
    public init(name: String, observationDim: Int, actionDim: Int, maxAction: Float, hidden: [Int], noiseDim: Int,
                noiseStd: Float, noiseClamp: Float, observationScaling: InputScaling? = nil) {
        precondition(noiseDim >= 1, "the implicit policy needs at least one noise input")
        self.observationDim = observationDim
        self.actionDim = actionDim
        self.noiseDim = noiseDim
        self.noiseStd = noiseStd
        self.noiseClamp = noiseClamp
        self.maxAction = maxAction
        self.observationScaling = observationScaling
        var layout = ParameterLayout()
        mlp = MLP("policy", sizes: [observationDim + noiseDim] + hidden + [actionDim], hidden: .leakyReLU, layout: &layout)
        params = ParameterBuffer(name: name, layout: layout)
    }

    /// The same architecture under another name, with a copy of this policy's values (the actor target).
    public func copy(name: String) -> ImplicitPolicy {
        let other = ImplicitPolicy(name: name, observationDim: observationDim, actionDim: actionDim, maxAction: maxAction,
                                   hidden: mlp.layers.dropLast().map(\.outputs), noiseDim: noiseDim, noiseStd: noiseStd,
                                   noiseClamp: noiseClamp, observationScaling: observationScaling)
        other.params.copyValues(from: params)
        return other
    }

    /// PyTorch's default initialisation for every layer.
    public func initialize(random: inout RandomStream) { mlp.initialize(params: params, rng: &random) }

    public func makeWorkspace(maxRows: Int) -> ImplicitPolicyWorkspace { ImplicitPolicyWorkspace(policy: self, maxRows: maxRows) }

    // forward: s (B, S) → u (B, A) raw, a (B, A) = maxAction·tanh(u). Draws the noise (B, k) from `random`.
    // Both views live in the workspace until its next forward.
    @discardableResult
    public func forward(_ observations: Matrix, workspace ws: ImplicitPolicyWorkspace,
                        random: inout RandomStream) -> (raw: Matrix, actions: Matrix) {
        let rows = observations.rows
        precondition(observations.cols == observationDim, "policy input has \(observations.cols) columns, S = \(observationDim)")
        precondition(rows <= ws.maxRows, "policy batch of \(rows) rows > workspace \(ws.maxRows)")
        ws.rows = rows
        let noise = ws.noise.matrix(rows: rows, cols: noiseDim)
        random.fillNormal(noise.buffer, std: noiseStd)
        for i in 0..<noise.count { noise.base[i] = min(max(noise.base[i], -noiseClamp), noiseClamp) }
        let input = ws.input.matrix(rows: rows, cols: observationDim + noiseDim)
        input.setColumns(0, from: observations, scaledBy: observationScaling)
        input.setColumns(observationDim, from: noise)
        let raw = mlp.forward(input, params: params, workspace: ws.mlp)
        let actions = ws.actions.matrix(rows: rows, cols: actionDim)
        for i in 0..<raw.count { actions.base[i] = maxAction * Foundation.tanh(raw.base[i]) }
        return (raw, actions)
    }

    // backward of the last forward with this workspace, given ∂L/∂u and/or ∂L/∂a (B, A); accumulates parameter
    // gradients (no input gradient: neither s nor ε needs one).
    //   a = m·tanh(u)  ⇒  ∂L/∂u_total = ∂L/∂u + ∂L/∂a · m·(1 − tanh²u) = ∂L/∂u + ∂L/∂a · (m − a²/m)
    public func backward(rawGradient: Matrix?, actionGradient: Matrix?, workspace ws: ImplicitPolicyWorkspace) {
        let rows = ws.rows
        let du = ws.rawGradient.matrix(rows: rows, cols: actionDim)
        if let rawGradient { du.copy(from: rawGradient) } else { du.fill(0) }
        if let actionGradient {
            precondition(actionGradient.rows == rows && actionGradient.cols == actionDim, "action gradient shape")
            let actions = ws.actions.pointer
            for i in 0..<du.count {
                let a = actions[i]
                du.base[i] += actionGradient.base[i] * (maxAction - a * a / maxAction)
            }
        }
        mlp.backward(du, params: params, workspace: ws.mlp)
    }

    /// Actions for a batch of states with fresh noise per row, e.g. for model rollouts (the `RolloutPolicy` seam).
    ///     observations: (B, S)   actions: (B, A)
    public func act(observations: Matrix, into actions: Matrix, random: inout RandomStream) {
        if (actWorkspace?.maxRows ?? -1) < observations.rows { actWorkspace = makeWorkspace(maxRows: observations.rows) }
        actions.copy(from: forward(observations, workspace: actWorkspace!, random: &random).actions)
    }

    /// Matrix-product FLOP of one forward pass over `rows` rows.
    public func forwardFlops(rows: Int) -> Double { mlp.forwardFlops(rows: rows) }
}

/// One place the implicit policy is evaluated in a step: the input concat(s, ε), the MLP cache, the actions,
/// and the gradient buffer of backward. Sized once for `maxRows`.
public final class ImplicitPolicyWorkspace: @unchecked Sendable {
    public let maxRows: Int
    let input: FloatStorage          // (maxRows, S + k)
    let noise: FloatStorage          // (maxRows, k)
    let mlp: MLPWorkspace
    let actions: FloatStorage        // (maxRows, A)
    let rawGradient: FloatStorage    // (maxRows, A)
    var rows = 0

    init(policy: ImplicitPolicy, maxRows: Int) {
        self.maxRows = maxRows
        input = FloatStorage(count: maxRows * (policy.observationDim + policy.noiseDim))
        noise = FloatStorage(count: maxRows * policy.noiseDim)
        mlp = policy.mlp.makeWorkspace(maxRows: maxRows)
        actions = FloatStorage(count: maxRows * policy.actionDim)
        rawGradient = FloatStorage(count: maxRows * policy.actionDim)
    }
}
