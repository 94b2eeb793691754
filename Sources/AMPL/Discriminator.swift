import Networks
import Numerics

/// The GAN discriminator D (algorithm spec §3.2, §3.7): the probability that a (state, RAW action) pair comes
/// from the dataset,
///
///     p = sigmoid(MLP(concat(s, u)))          S + A → 400 → 300 → 1, LeakyReLU(0.01)
///
/// Callers build the (rows, S + A) input themselves (the fake batch stacks two blocks) in a workspace's `input`.
///
/// Ownership: `params` is written only by the thread that trains it.
public final class Discriminator: @unchecked Sendable {
    public let inputs: Int
    public let mlp: MLP
    public let params: ParameterBuffer

    public init(name: String = "discriminator", observationDim: Int, actionDim: Int, hidden: [Int]) {
        inputs = observationDim + actionDim
        var layout = ParameterLayout()
        mlp = MLP("discriminator", sizes: [inputs] + hidden + [1], hidden: .leakyReLU, output: .sigmoid, layout: &layout)
        params = ParameterBuffer(name: name, layout: layout)
    }

    /// PyTorch's default initialisation for every layer.
    public func initialize(random: inout RandomStream) { mlp.initialize(params: params, rng: &random) }

    public func makeWorkspace(maxRows: Int) -> DiscriminatorWorkspace { DiscriminatorWorkspace(discriminator: self, maxRows: maxRows) }

    // forward: the first `rows` rows of ws.input (rows, S + A) → p (rows, 1), a view into the workspace.
    @discardableResult
    public func forward(rows: Int, workspace ws: DiscriminatorWorkspace) -> Matrix {
        mlp.forward(ws.input(rows: rows), params: params, workspace: ws.mlp)
    }

    // backward of the last forward, given ∂L/∂p (rows, 1): accumulates parameter gradients and, when
    // `inputGradient` is set, returns ∂L/∂input (rows, S + A) as a workspace view.
    @discardableResult
    public func backward(_ dp: Matrix, workspace ws: DiscriminatorWorkspace, inputGradient: Bool) -> Matrix? {
        let dx = inputGradient ? ws.inputGradient.matrix(rows: dp.rows, cols: inputs) : nil
        mlp.backward(dp, params: params, workspace: ws.mlp, inputGradient: dx)
        return dx
    }

    /// Matrix-product FLOP of one forward pass over `rows` rows.
    public func forwardFlops(rows: Int) -> Double { mlp.forwardFlops(rows: rows) }
}

/// One place the discriminator is evaluated in a step: its input rows, the MLP cache and the input gradient.
public final class DiscriminatorWorkspace: @unchecked Sendable {
    public let maxRows: Int
    let inputs: Int
    let inputStorage: FloatStorage    // (maxRows, S + A)
    let inputGradient: FloatStorage   // (maxRows, S + A)
    let mlp: MLPWorkspace

    init(discriminator: Discriminator, maxRows: Int) {
        self.maxRows = maxRows
        inputs = discriminator.inputs
        inputStorage = FloatStorage(count: maxRows * inputs)
        inputGradient = FloatStorage(count: maxRows * inputs)
        mlp = discriminator.mlp.makeWorkspace(maxRows: maxRows)
    }

    /// The first `rows` input rows, (rows, S + A), for the caller to fill.
    public func input(rows: Int) -> Matrix { inputStorage.matrix(rows: rows, cols: inputs) }
}
