import Numerics

/// E MLPs of the same shape in one parameter buffer, layer by layer: layer l's weights are (E, in, out).
///
/// Rows are grouped by member: `rowCounts[m]` consecutive rows of the input belong to member m. Training
/// gives every member its own batch (equal counts); sampling gives each row one chosen elite, so grouping rows
/// by their member computes only that member's output (one E-th of the work of evaluating every member).
///
///     x: (Σ rowCounts, in) → member m on rows [start_m, start_m + rowCounts[m]) → y: (Σ rowCounts, out)
public struct EnsembleMLP: Sendable {
    public let layers: [EnsembleLinear]
    public let members: [MLP]

    /// `group(i)` names layer i's optimiser group (the ensemble has per-layer weight decay).
    public init(_ name: String, members count: Int, sizes: [Int], hidden: Activation, output: Activation = .identity,
                group: ((Int) -> String)? = nil, layout: inout ParameterLayout) {
        var layers: [EnsembleLinear] = []
        for i in 0..<(sizes.count - 1) {
            layers.append(EnsembleLinear("\(name).\(i)", members: count, inputs: sizes[i], outputs: sizes[i + 1],
                                         group: group?(i), layout: &layout))
        }
        self.layers = layers
        members = (0..<count).map { m in
            MLP(layers: layers.map { $0.members[m] }, hidden: hidden, output: output)
        }
    }

    public var memberCount: Int { members.count }
    public var inputs: Int { members[0].inputs }
    public var outputs: Int { members[0].outputs }

    public func makeWorkspace(maxRows: Int) -> MLPWorkspace { members[0].makeWorkspace(maxRows: maxRows) }

    public func initialize(params: ParameterBuffer, rng: inout RandomStream, scheme: Initialization) {
        for member in members { member.initialize(params: params, rng: &rng, hidden: scheme, last: scheme) }
    }

    // forward: x (N, in) grouped by member → y (N, out), N = Σ rowCounts.
    @discardableResult
    public func forward(_ x: Matrix, rowCounts: UnsafeBufferPointer<Int>, params: ParameterBuffer,
                        workspace ws: MLPWorkspace) -> Matrix {
        precondition(rowCounts.count == members.count, "\(rowCounts.count) row counts for \(members.count) members")
        ws.input = x
        var start = 0
        for m in 0..<members.count where rowCounts[m] > 0 {
            _ = members[m].forwardRows(x.rows(start, rowCounts[m]), rowOffset: start, params: params, workspace: ws)
            start += rowCounts[m]
        }
        precondition(start == x.rows, "row counts sum to \(start), input has \(x.rows) rows")
        return members[0].activationOutput(members[0].layers.count - 1, rows: x.rows, rowOffset: 0, ws: ws)
    }

    // backward: dy (N, out) → parameter gradients of every member with rows; ∂L/∂x into inputGradient if given.
    public func backward(_ dy: Matrix, rowCounts: UnsafeBufferPointer<Int>, params: ParameterBuffer,
                         workspace ws: MLPWorkspace, inputGradient: Matrix? = nil) {
        guard let x = ws.input else { preconditionFailure("EnsembleMLP.backward before forward") }
        var start = 0
        for m in 0..<members.count where rowCounts[m] > 0 {
            let n = rowCounts[m]
            members[m].backwardRows(dy.rows(start, n), x: x.rows(start, n), rowOffset: start, params: params,
                                workspace: ws, inputGradient: inputGradient?.rows(start, n))
            start += n
        }
    }
}
