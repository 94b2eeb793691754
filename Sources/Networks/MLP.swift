import Numerics

/// Cached activations of one forward pass of an `MLP`, sized once for `maxRows` rows, reused every step.
/// Keep one workspace per place a network is evaluated in a step (e.g. the actor at s and at s'):
/// backward needs the cache of its own forward.
public final class MLPWorkspace: @unchecked Sendable {
    public let maxRows: Int
    let preActivations: [FloatStorage]      // z of each layer, (maxRows, out_l)
    let activations: [FloatStorage]         // h of each layer, (maxRows, out_l); unused for identity outputs
    let gradientA: FloatStorage             // (maxRows, widest layer): ∂L/∂z of the current layer
    let gradientB: FloatStorage             // (maxRows, widest layer): ∂L/∂h of the layer below
    var input: Matrix?
    public private(set) var rows = 0

    init(widths: [Int], maxRows: Int) {
        self.maxRows = maxRows
        preActivations = widths.map { FloatStorage(count: maxRows * $0) }
        activations = widths.map { FloatStorage(count: maxRows * $0) }
        let widest = widths.max() ?? 0
        gradientA = FloatStorage(count: maxRows * widest)
        gradientB = FloatStorage(count: maxRows * widest)
    }
}

/// A multilayer perceptron: Linear layers with one hidden activation and an output activation.
///
///     x: (B, sizes[0]) → Linear → act → … → Linear → outputAct → y: (B, sizes.last)
///
/// Like `Linear` it holds offsets only; several MLPs can share one `ParameterBuffer` (the twin critic's two
/// heads), and an ensemble member is an MLP over slices of the ensemble's tensors.
public struct MLP: Sendable {
    public let layers: [Linear]
    public let hiddenActivation: Activation
    public let outputActivation: Activation

    public var inputs: Int { layers[0].inputs }
    public var outputs: Int { layers[layers.count - 1].outputs }

    /// Declares layers `name.0 … name.(n-1)`; `group(i)` names layer i's optimiser group (default: the layer).
    public init(_ name: String, sizes: [Int], hidden: Activation, output: Activation = .identity,
                group: ((Int) -> String)? = nil, layout: inout ParameterLayout) {
        precondition(sizes.count >= 2, "an MLP needs at least an input and an output size")
        var layers: [Linear] = []
        for i in 0..<(sizes.count - 1) {
            layers.append(Linear("\(name).\(i)", inputs: sizes[i], outputs: sizes[i + 1], group: group?(i),
                                 layout: &layout))
        }
        self.init(layers: layers, hidden: hidden, output: output)
    }

    public init(layers: [Linear], hidden: Activation, output: Activation) {
        self.layers = layers
        hiddenActivation = hidden
        outputActivation = output
    }

    @inline(__always) func activation(_ l: Int) -> Activation {
        l == layers.count - 1 ? outputActivation : hiddenActivation
    }

    public func makeWorkspace(maxRows: Int) -> MLPWorkspace {
        MLPWorkspace(widths: layers.map(\.outputs), maxRows: maxRows)
    }

    /// Hidden layers get PyTorch's default; the last layer gets `last`.
    public func initialize(params: ParameterBuffer, rng: inout RandomStream,
                           hidden: Initialization = .pytorchDefault, last: Initialization = .pytorchDefault) {
        for (l, layer) in layers.enumerated() {
            layer.initialize(l == layers.count - 1 ? last : hidden, params: params, rng: &rng)
        }
    }

    // forward: x (B, in) → y (B, out). The returned view lives in the workspace until its next forward.
    // x must stay valid until backward.
    @discardableResult
    public func forward(_ x: Matrix, params: ParameterBuffer, workspace ws: MLPWorkspace) -> Matrix {
        ws.input = x
        return forwardRows(x, rowOffset: 0, params: params, workspace: ws)
    }

    // backward: given dy = ∂L/∂y (B, out), accumulates parameter gradients and, if `inputGradient` is given,
    // writes ∂L/∂x (B, in) into it. dy is read, never written.
    public func backward(_ dy: Matrix, params: ParameterBuffer, workspace ws: MLPWorkspace,
                         inputGradient: Matrix? = nil) {
        guard let x = ws.input else { preconditionFailure("MLP.backward before forward") }
        backwardRows(dy, x: x, rowOffset: 0, params: params, workspace: ws, inputGradient: inputGradient)
    }

    /// Forward of `x`'s rows into the workspace rows `rowOffset ..< rowOffset + x.rows` (ensemble groups).
    func forwardRows(_ x: Matrix, rowOffset: Int, params: ParameterBuffer, workspace ws: MLPWorkspace) -> Matrix {
        let rows = x.rows, maxRows = ws.maxRows, expectedColumns = inputs
        // The messages capture only plain values: capturing `self` would box it on every call.
        precondition(rowOffset + rows <= maxRows, "batch of \(rowOffset + rows) rows > workspace \(maxRows)")
        precondition(x.cols == expectedColumns, "MLP input has \(x.cols) columns, expected \(expectedColumns)")
        var h = x
        for l in 0..<layers.count {
            let layer = layers[l]
            let z = ws.preActivations[l].matrix(rows: rows, cols: layer.outputs, offset: rowOffset * layer.outputs)
            let act = activation(l)
            let out = act == .identity
                ? z : ws.activations[l].matrix(rows: rows, cols: layer.outputs, offset: rowOffset * layer.outputs)
            layer.forward(h, z: z, h: out, activation: act, params: params)
            h = out
        }
        return h
    }

    func backwardRows(_ dy: Matrix, x: Matrix, rowOffset: Int, params: ParameterBuffer, workspace ws: MLPWorkspace,
                      inputGradient: Matrix?) {
        let rows = dy.rows
        precondition(dy.cols == outputs && x.rows == rows, "MLP.backward: dy \(dy.rows)×\(dy.cols), x \(x.rows) rows")
        var dh = dy                                   // ∂L/∂h of the current layer
        for l in stride(from: layers.count - 1, through: 0, by: -1) {
            let layer = layers[l]
            let act = activation(l)
            let z = ws.preActivations[l].matrix(rows: rows, cols: layer.outputs, offset: rowOffset * layer.outputs)
            let dz: Matrix
            if act == .identity && l == layers.count - 1 {
                dz = dh                               // the caller's dy: read-only from here on
            } else {
                let h = ws.activations[l].matrix(rows: rows, cols: layer.outputs, offset: rowOffset * layer.outputs)
                dz = ws.gradientA.matrix(rows: rows, cols: layer.outputs, offset: rowOffset * layer.outputs)
                Kernels.activationBackward(act, z: z, h: h, dh: dh, dz: dz)
            }
            let below = l > 0 ? activationOutput(l - 1, rows: rows, rowOffset: rowOffset, ws: ws) : x
            let dx: Matrix? = l > 0
                ? ws.gradientB.matrix(rows: rows, cols: layer.inputs, offset: rowOffset * layer.inputs)
                : inputGradient
            layer.backward(dz, x: below, dx: dx, params: params)
            if let dx { dh = dx }
        }
    }

    /// The output h of layer l (its z when the layer's activation is identity).
    @inline(__always)
    func activationOutput(_ l: Int, rows: Int, rowOffset: Int, ws: MLPWorkspace) -> Matrix {
        let width = layers[l].outputs
        let storage = activation(l) == .identity ? ws.preActivations[l] : ws.activations[l]
        return storage.matrix(rows: rows, cols: width, offset: rowOffset * width)
    }

    /// Matrix-product FLOP of one forward pass over `rows` rows.
    public func forwardFlops(rows: Int) -> Double { layers.reduce(0) { $0 + $1.forwardFlops(rows: rows) } }
}

extension MLPWorkspace {
    /// The output of the last forward pass of `mlp` with this workspace, (rows, cols).
    public func outputView(rows: Int, cols: Int, mlp: MLP) -> Matrix {
        precondition(cols == mlp.outputs, "outputView: \(cols) columns, the MLP has \(mlp.outputs)")
        return mlp.activationOutput(mlp.layers.count - 1, rows: rows, rowOffset: 0, ws: self)
    }
}
