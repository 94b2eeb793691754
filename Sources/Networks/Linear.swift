import Numerics

/// A fully connected layer with a fused activation: z = x·W + b, h = act(z).
///
///     x: (B, in)   W: (in, out)   b: (out)   z, h: (B, out)
///
/// The layer holds only offsets into its network's `ParameterBuffer`; the caller owns x, z and h.
public struct Linear: Sendable {
    public let inputs: Int
    public let outputs: Int
    public let weight: ParameterTensor
    public let bias: ParameterTensor

    public init(_ name: String, inputs: Int, outputs: Int, group: String? = nil, layout: inout ParameterLayout) {
        self.inputs = inputs
        self.outputs = outputs
        weight = layout.add("\(name).weight", shape: [inputs, outputs], group: group ?? name)
        bias = layout.add("\(name).bias", shape: [outputs], group: group ?? name)
    }

    init(inputs: Int, outputs: Int, weight: ParameterTensor, bias: ParameterTensor) {
        self.inputs = inputs
        self.outputs = outputs
        self.weight = weight
        self.bias = bias
    }

    // forward:  z = x·W + b;  h = act(z)   (h may be z when act is identity)
    @inline(__always)
    public func forward(_ x: Matrix, z: Matrix, h: Matrix, activation: Activation, params: ParameterBuffer) {
        let w = Matrix(params.value(weight), rows: inputs, cols: outputs)
        gemm(x, w, into: z)
        Kernels.biasActivationForward(activation, z: z, bias: params.value(bias), h: h)
    }

    // backward of z = x·W + b, given dz = ∂L/∂z (the activation's backward already applied):
    //   dW += xᵀ·dz;   db += Σ_rows dz;   dx = dz·Wᵀ (only when asked)
    @inline(__always)
    public func backward(_ dz: Matrix, x: Matrix, dx: Matrix?, params: ParameterBuffer) {
        let dw = Matrix(params.gradient(weight), rows: inputs, cols: outputs)
        gemm(x, dz, into: dw, transA: .transposed, beta: 1)
        Kernels.addColumnSums(dz, into: params.gradient(bias))
        if let dx {
            let w = Matrix(params.value(weight), rows: inputs, cols: outputs)
            gemm(dz, w, into: dx, transB: .transposed)
        }
    }

    public func initialize(_ scheme: Initialization, params: ParameterBuffer, rng: inout RandomStream) {
        scheme.fill(weights: params.value(weight), count: weight.count, bias: params.value(bias),
                    biasCount: bias.count, fanIn: inputs, rng: &rng)
    }

    /// Matrix products of one forward pass over `rows` rows, in FLOP (2 per multiply-add).
    public func forwardFlops(rows: Int) -> Double { 2 * Double(rows * inputs * outputs) }
}

/// E linear layers of the same shape stored member after member: W (E, in, out), b (E, out). Member m is an
/// ordinary `Linear` whose tensors are slices of the shared ones, so one parameter group (one weight decay)
/// covers all members and the ensemble's parameters are one blob.
public struct EnsembleLinear: Sendable {
    public let members: [Linear]

    public init(_ name: String, members: Int, inputs: Int, outputs: Int, group: String? = nil,
                layout: inout ParameterLayout) {
        let weight = layout.add("\(name).weight", shape: [members, inputs, outputs], group: group ?? name)
        let bias = layout.add("\(name).bias", shape: [members, outputs], group: group ?? name)
        self.members = (0..<members).map { m in
            Linear(inputs: inputs, outputs: outputs,
                   weight: weight.slice(name: "\(name)[\(m)].weight", elementOffset: m * inputs * outputs,
                                        shape: [inputs, outputs]),
                   bias: bias.slice(name: "\(name)[\(m)].bias", elementOffset: m * outputs, shape: [outputs]))
        }
    }
}
