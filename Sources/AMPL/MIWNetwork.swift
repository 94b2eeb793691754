import Foundation
import Networks
import Numerics

/// The marginal importance weight ω(s, a) (algorithm spec §3.2, §3.5):
///
///     x = MLP(concat(s, a))                    S + A → 400 → 300 → 1, LeakyReLU(0.01); last layer U(±3e-3), b = 0
///     ω = (softplus(x − 1e-8) + 1e-8)^α        α = `power`; at init x ≈ 0 so ω ≈ 0.693^α
///
/// The layers are written out here rather than through `MLP` because the estimator needs the gradients of two
/// different weightings of the same rows (the loss and the constraint mean ω, spec §3.5 step 6): both are
/// Σ_i u_i·∂ω_i/∂θ for a per-row weight u_i, so one backward pass carries the per-row gradient of ω itself and
/// each layer's weight gradient is formed twice, once per weighting (`backward(…, secondGradients:)`). That saves one
/// full back-propagation per step.
///
/// Ownership: `params` is written only by the thread that trains ω; callers evaluate through their own workspace.
public final class MIWNetwork: @unchecked Sendable {
    public let observationDim: Int
    public let actionDim: Int
    /// α
    public let power: Float
    public let layers: [Linear]
    public let params: ParameterBuffer
    /// Last-layer initialisation bound: W ~ U(±3e-3), b = 0.
    public static let lastLayerBound: Float = 3e-3
    /// The 1e-8 shifts of the parameterisation.
    static let shift: Float = 1e-8

    /// A zero-initialised network; call `initialize(random:)` or copy values into `params`.
    public init(name: String, observationDim: Int, actionDim: Int, hidden: [Int], power: Float) {
        self.observationDim = observationDim
        self.actionDim = actionDim
        self.power = power
        var layout = ParameterLayout()
        let sizes = [observationDim + actionDim] + hidden + [1]
        layers = (0..<(sizes.count - 1)).map { Linear("omega.\($0)", inputs: sizes[$0], outputs: sizes[$0 + 1], layout: &layout) }
        params = ParameterBuffer(name: name, layout: layout)
    }

    /// The same architecture under another name, with a copy of this network's values (the target ω̄).
    public func copy(name: String) -> MIWNetwork {
        let other = MIWNetwork(name: name, observationDim: observationDim, actionDim: actionDim,
                               hidden: layers.dropLast().map(\.outputs), power: power)
        other.params.copyValues(from: params)
        return other
    }

    /// Hidden layers: PyTorch's default; last layer: U(±3e-3), b = 0.
    public func initialize(random: inout RandomStream) {
        for (l, layer) in layers.enumerated() {
            layer.initialize(l == layers.count - 1 ? .smallUniform(bound: Self.lastLayerBound) : .pytorchDefault,
                             params: params, rng: &random)
        }
    }

    public func makeWorkspace(maxRows: Int) -> MIWWorkspace { MIWWorkspace(network: self, maxRows: maxRows) }

    /// ω(x) and dω/dx for one pre-output x, in float32 as PyTorch computes them (softplus threshold 20):
    ///   y = x − 1e-8,  sp = softplus(y),  ω = (sp + 1e-8)^α,  dω/dx = α·(sp + 1e-8)^(α − 1)·σ(y)
    @inline(__always)
    public static func omega(_ x: Float, power: Float) -> (value: Float, derivative: Float) {
        let y = x - shift
        let base = GaussianNLL.softplus(y) + shift
        let value = Foundation.pow(base, power)
        let sigmoid: Float = y > 20 ? 1 : 1 / (1 + Foundation.exp(-y))
        return (value, power * value / base * sigmoid)
    }

    // forward: s (B, S), a (B, A) → ω (B, 1), a view into the workspace (which also keeps dω/dx for backward).
    @discardableResult
    public func forward(observations: Matrix, actions: Matrix, workspace ws: MIWWorkspace) -> Matrix {
        let rows = observations.rows
        precondition(rows <= ws.maxRows, "ω batch of \(rows) rows > workspace \(ws.maxRows)")
        precondition(actions.rows == rows && observations.cols == observationDim && actions.cols == actionDim,
                     "ω input: s \(observations.rows)×\(observations.cols), a \(actions.rows)×\(actions.cols)")
        ws.rows = rows
        let input = ws.input.matrix(rows: rows, cols: observationDim + actionDim)
        input.setColumns(0, from: observations)
        input.setColumns(observationDim, from: actions)
        var h = input
        for (l, layer) in layers.enumerated() {
            let z = ws.preActivations[l].matrix(rows: rows, cols: layer.outputs)
            let isLast = l == layers.count - 1
            let out = isLast ? z : ws.activations[l].matrix(rows: rows, cols: layer.outputs)
            layer.forward(h, z: z, h: out, activation: isLast ? .identity : .leakyReLU, params: params)
            h = out
        }
        let omega = ws.omega.matrix(rows: rows, cols: 1)
        for i in 0..<rows {
            (omega.base[i], ws.omegaDerivative[i]) = Self.omega(h.base[i], power: power)
        }
        return omega
    }

    // backward of the last forward, given u = ∂L/∂ω (B, 1): accumulates ∂L/∂θ = Σ_i u_i ∂ω_i/∂θ into params'
    // gradients. With `secondGradients` (a buffer of the layout's size) it also accumulates c·Σ_i ∂ω_i/∂θ there,
    // c = `secondScale` (1/B gives the gradient of mean ω), from the same pass:
    //   G_L = dω/dx (B, 1)                      per-row gradient of ω at the output layer
    //   G_l = (G_{l+1}·W_{l+1}ᵀ) ⊙ act'(z_l)      per-row gradient of ω at layer l (one chain for both)
    //   dW_l += h_{l−1}ᵀ·(u ⊙ G_l);  db_l += Σ_rows u ⊙ G_l;     dW'_l += c·h_{l−1}ᵀ·G_l;  db'_l += c·Σ_rows G_l
    public func backward(omegaGradient u: Matrix, workspace ws: MIWWorkspace, secondGradients: FloatStorage? = nil,
                         secondScale: Float = 1) {
        let rows = ws.rows
        precondition(u.rows == rows && u.cols == 1, "ω backward: gradient \(u.rows)×\(u.cols) for \(rows) rows")
        if let secondGradients { precondition(secondGradients.count == params.count, "second gradient buffer size") }
        var unit = ws.unitA.matrix(rows: rows, cols: 1)
        unit.copy(from: ws.omegaDerivative.matrix(rows: rows, cols: 1))
        for l in stride(from: layers.count - 1, through: 0, by: -1) {
            let layer = layers[l]
            if l < layers.count - 1 {
                // unit currently holds ∂ω/∂h_l; through the LeakyReLU: G_l = ∂ω/∂h_l ⊙ act'(z_l)
                let z = ws.preActivations[l].matrix(rows: rows, cols: layer.outputs)
                let h = ws.activations[l].matrix(rows: rows, cols: layer.outputs)
                Kernels.activationBackward(.leakyReLU, z: z, h: h, dh: unit, dz: unit)
            }
            let below = l > 0 ? ws.activations[l - 1].matrix(rows: rows, cols: layer.inputs)
                              : ws.input.matrix(rows: rows, cols: layer.inputs)
            let scaled = ws.scaled.matrix(rows: rows, cols: layer.outputs)
            for i in 0..<rows {
                let w = u.base[i], src = unit.base + i * unit.cols, dst = scaled.base + i * unit.cols
                for j in 0..<unit.cols { dst[j] = w * src[j] }
            }
            accumulate(layer, scaled, below: below, alpha: 1, into: params.gradients.pointer, ws: ws)
            if let secondGradients {
                accumulate(layer, unit, below: below, alpha: secondScale, into: secondGradients.pointer, ws: ws)
            }
            if l > 0 {
                // ∂ω/∂h_{l−1} = G_l·W_lᵀ, into the other unit buffer.
                let next = (unit.base == ws.unitA.pointer ? ws.unitB : ws.unitA).matrix(rows: rows, cols: layer.inputs)
                gemm(unit, Matrix(params.value(layer.weight), rows: layer.inputs, cols: layer.outputs), into: next,
                     transB: .transposed)
                unit = next
            }
        }
    }

    // dW += alpha·belowᵀ·dz, db += alpha·Σ_rows dz, into the gradient buffer starting at `gradients`.
    private func accumulate(_ layer: Linear, _ dz: Matrix, below: Matrix, alpha: Float,
                            into gradients: UnsafeMutablePointer<Float>, ws: MIWWorkspace) {
        gemm(below, dz, into: Matrix(gradients + layer.weight.offset, rows: layer.inputs, cols: layer.outputs),
             transA: .transposed, alpha: alpha, beta: 1)
        let bias = gradients + layer.bias.offset
        if alpha == 1 {
            Kernels.addColumnSums(dz, into: bias)
        } else {
            ws.columnSums.pointer.update(repeating: 0, count: dz.cols)
            Kernels.addColumnSums(dz, into: ws.columnSums.pointer)
            Kernels.axpby(dz.cols, a: alpha, x: ws.columnSums.pointer, b: 1, y: bias)
        }
    }

    /// Matrix-product FLOP of one forward pass over `rows` rows.
    public func forwardFlops(rows: Int) -> Double { layers.reduce(0) { $0 + $1.forwardFlops(rows: rows) } }
}

/// One place ω is evaluated: input, each layer's z and h, ω and dω/dx, and backward's buffers. Sized once.
public final class MIWWorkspace: @unchecked Sendable {
    public let maxRows: Int
    let input: FloatStorage              // (maxRows, S + A)
    let preActivations: [FloatStorage]   // z_l (maxRows, out_l); the last is x
    let activations: [FloatStorage]      // h_l (maxRows, out_l) of the hidden layers
    let omega: FloatStorage              // (maxRows)
    let omegaDerivative: FloatStorage    // dω/dx (maxRows)
    let unitA: FloatStorage, unitB: FloatStorage, scaled: FloatStorage   // (maxRows, widest)
    let columnSums: FloatStorage         // (widest)
    var rows = 0

    init(network: MIWNetwork, maxRows: Int) {
        self.maxRows = maxRows
        input = FloatStorage(count: maxRows * (network.observationDim + network.actionDim))
        preActivations = network.layers.map { FloatStorage(count: maxRows * $0.outputs) }
        activations = network.layers.dropLast().map { FloatStorage(count: maxRows * $0.outputs) }
        omega = FloatStorage(count: maxRows)
        omegaDerivative = FloatStorage(count: maxRows)
        let widest = network.layers.map { max($0.inputs, $0.outputs) }.max() ?? 1
        unitA = FloatStorage(count: maxRows * widest)
        unitB = FloatStorage(count: maxRows * widest)
        scaled = FloatStorage(count: maxRows * widest)
        columnSums = FloatStorage(count: widest)
    }
}
