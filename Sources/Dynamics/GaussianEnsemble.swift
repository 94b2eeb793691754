import Foundation
import Networks
import Numerics

/// The probabilistic dynamics ensemble (algorithm spec §3.3): E members, each an MLP from the z-scored input
/// (s, a) to a Gaussian over the z-scored target (r̃, Δs), plus learned soft bounds on its log-std.
///
///     x: (B, S+A) → [Linear(·, 200) → SiLU] × 4 → Linear(200, 2D) = [μ | ℓ_raw]: (B, 2D),   D = 1 + S
///
/// The reference has two separate heads (mean and log-std) on the last hidden layer. Here they are one Linear
/// of width 2D whose first D columns are the mean head and last D the log-std head: the same maps, the same
/// initialisation (fan-in 200) and the same weight decay, in one gemm.
///
/// Each member has its own `ParameterBuffer` (its W and b, then its bounds maxLogStd and minLogStd) and its own
/// Adam state. That keeps members independent, as distributed fitting needs (spec §5.4): a worker owning member m
/// runs exactly the arithmetic the single process runs for m, and a member's parameters are one blob. The log-std
/// bounds are per member in both modes (§5.4 item 4), where the reference shares one pair.
///
/// Ownership: mutated (trained, sampled, restored) by one thread at a time.
public final class GaussianEnsemble: ModelSampler, @unchecked Sendable {
    public let observationDim: Int
    public let actionDim: Int
    public let config: EnsembleConfig
    /// The member architecture: its offsets are valid in every member's buffer.
    public let network: MLP
    /// One buffer per member, all of the same layout.
    public let memberParams: [ParameterBuffer]
    /// Per member: D values, the learned upper and lower log-std bounds (no weight decay).
    public let maxLogStd: ParameterTensor
    public let minLogStd: ParameterTensor
    /// One Adam per member; kept across model rounds and saved in checkpoints.
    var optimizers: [Adam]
    /// The z-scoring of inputs and targets; the identity until the first fit.
    public var normalization: ModelNormalization {
        didSet { precondition(Self.fits(normalization, inputs: inputWidth, targets: targetWidth), "normalisation shape") }
    }
    /// The members `sample` chooses from, ascending; all members before the first fit.
    public var elites: [Int] {
        didSet { precondition(Self.areValidElites(elites, members: config.members), "elites \(elites)") }
    }
    /// Scratch space of `sample`, sized for the largest batch seen (grown, never shrunk).
    private var sampling: SamplingWorkspace

    /// S + A
    public var inputWidth: Int { observationDim + actionDim }
    /// D = 1 + S: reward, then Δs.
    public var targetWidth: Int { 1 + observationDim }
    /// How many values of a member's buffer are its W and b (the bounds follow them).
    var weightAndBiasCount: Int { maxLogStd.offset }

    /// `seed` keys each member's initialisation stream (purpose `.initialization`, indices (2, m): 2 names the
    /// ensemble, as 0 names the actor–critic learner and 1 the MIW network), so a worker can build member m alone
    /// and get the same numbers. `maxSampleRows` sizes `sample`'s workspace up front.
    public init(observationDim: Int, actionDim: Int, config: EnsembleConfig, seed: UInt64, maxSampleRows: Int = 2048) {
        precondition(config.weightDecay.count == config.hidden.count + 1,
                     "weightDecay needs one value per hidden layer and one for the heads")
        precondition(config.elites >= 1 && config.elites <= config.members, "elites must be in 1…members")
        self.observationDim = observationDim
        self.actionDim = actionDim
        self.config = config
        let inputs = observationDim + actionDim, targets = 1 + observationDim
        let hiddenCount = config.hidden.count
        let groupName = { (layer: Int) in layer < hiddenCount ? "hidden\(layer + 1)" : "heads" }

        var layout = ParameterLayout()
        network = MLP("member", sizes: [inputs] + config.hidden + [2 * targets], hidden: .silu, group: groupName,
                      layout: &layout)
        maxLogStd = layout.add("maxLogStd", shape: [targets], group: "bounds")
        minLogStd = layout.add("minLogStd", shape: [targets], group: "bounds")

        var decay: [String: Float] = [:]
        for (layer, value) in config.weightDecay.enumerated() { decay[groupName(layer)] = value }
        let adam = Adam(AdamConfig(learningRate: config.learningRate), layout: layout, weightDecay: decay)
        optimizers = Array(repeating: adam, count: config.members)
        memberParams = (0..<config.members).map { ParameterBuffer(name: "ensemble.member\($0)", layout: layout) }
        normalization = .identity(inputs: inputs, targets: targets)
        elites = Array(0..<config.members)
        sampling = SamplingWorkspace(network: network, maxRows: maxSampleRows, members: config.members)

        for m in 0..<config.members {
            var random = RandomStream(seed: seed, purpose: .initialization, Self.initializationStreamIndex, m)
            network.initialize(params: memberParams[m], rng: &random, hidden: .wrappedNormal, last: .wrappedNormal)
            memberParams[m].value(maxLogStd).update(repeating: config.initialMaxLogStd, count: targets)
            memberParams[m].value(minLogStd).update(repeating: config.initialMinLogStd, count: targets)
        }
    }

    public var memberCount: Int { config.members }

    /// The first index of the members' initialisation streams.
    static let initializationStreamIndex = 2

    // MARK: One member as one blob (distributed rounds)

    /// Member m's W, b and log-std bounds, in its buffer's layout order.
    public func memberParameters(_ m: Int) -> [Float] { memberParams[m].values.toArray() }

    /// Replaces member m's W, b and bounds (not its Adam state) with a blob from `memberParameters`.
    public func setMemberParameters(_ m: Int, _ values: [Float]) throws {
        guard (0..<memberCount).contains(m) else { throw DynamicsError.shapeMismatch("no member \(m) of \(memberCount)") }
        let params = memberParams[m]
        guard values.count == params.count else {
            throw DynamicsError.shapeMismatch("member \(m) has \(params.count) parameters, got \(values.count)")
        }
        values.withUnsafeBufferPointer { params.values.pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    // MARK: Validation

    static func fits(_ n: ModelNormalization, inputs: Int, targets: Int) -> Bool {
        n.inputMean.count == inputs && n.inputStd.count == inputs && n.targetMean.count == targets
            && n.targetStd.count == targets
    }

    static func areValidElites(_ elites: [Int], members: Int) -> Bool {
        !elites.isEmpty && Set(elites).count == elites.count && elites.allSatisfy { (0..<members).contains($0) }
    }

    // MARK: Sampling (ModelSampler)

    /// See `ModelSampler.sample`. Rows are grouped by their chosen elite and each member is evaluated only on
    /// its own rows, so a member no row chose costs nothing. The elite of row i comes from `eliteRandom` in row
    /// order; the noise ξ, one standard normal per output, from `noiseRandom` in row order.
    ///     observations, nextObservations: (B, S)   actions: (B, A)   rewards: (B, 1)
    public func sample(observations: Matrix, actions: Matrix, nextObservations: Matrix, rewards: Matrix,
                       eliteRandom: inout RandomStream, noiseRandom: inout RandomStream) {
        let rows = observations.rows, s = observationDim, d = targetWidth
        precondition(observations.cols == s && nextObservations.cols == s && actions.cols == actionDim
                     && rewards.cols == 1, "sample: widths do not match S=\(s), A=\(actionDim)")
        precondition(actions.rows == rows && nextObservations.rows == rows && rewards.rows == rows,
                     "sample: row counts differ")
        if rows > sampling.maxRows { sampling = SamplingWorkspace(network: network, maxRows: rows, members: memberCount) }
        let ws = sampling
        let norm = normalization

        ws.groupRowsByMember(rows: rows, elites: elites, random: &eliteRandom)
        // Inputs in grouped order, z-scored: (B, S+A).
        let inputs = ws.inputs.matrix(rows: rows, cols: inputWidth)
        for position in 0..<rows {
            let row = ws.order[position]
            let x = inputs.base + position * inputWidth
            x.update(from: observations.base + row * s, count: s)
            (x + s).update(from: actions.base + row * actionDim, count: actionDim)
            norm.normalizeInput(x)
        }
        // ξ: (B, D) in row order.
        noiseRandom.fillNormal(UnsafeMutableBufferPointer(start: ws.noise.pointer, count: rows * d))

        var start = 0
        for m in 0..<memberCount where ws.rowCounts[m] > 0 {
            let count = ws.rowCounts[m]
            let params = memberParams[m]
            // out: (count, 2D) = [μ | ℓ_raw] of member m on its own rows only.
            let out = network.forward(inputs.rows(start, count), params: params, workspace: ws.forwardCache)
            let upper = params.value(maxLogStd), lower = params.value(minLogStd)
            for k in 0..<count {
                let row = ws.order[start + k]
                let mean = out.base + k * 2 * d, rawLogStd = mean + d, xi = ws.noise.pointer + row * d
                let state = observations.base + row * s, next = nextObservations.base + row * s
                for j in 0..<d {
                    let logStd = GaussianNLL.softClamp(rawLogStd[j], max: upper[j], min: lower[j])
                    let z = mean[j] + Foundation.exp(logStd) * xi[j]
                    let value = z * norm.targetStd[j] + norm.targetMean[j]     // de-normalised r̂ or Δŝ_j
                    if j == 0 {
                        rewards.base[row] = value.isNaN ? 0 : value
                    } else {
                        let predicted = state[j - 1] + value
                        next[j - 1] = predicted.isNaN ? 0 : predicted
                    }
                }
            }
            start += count
        }
    }
}

/// `GaussianEnsemble.sample`'s scratch space: the member of each row, the rows grouped by member, the grouped
/// inputs, the noise and one network workspace reused member after member.
private final class SamplingWorkspace {
    let maxRows: Int
    let forwardCache: MLPWorkspace
    /// (maxRows, S+A): z-scored inputs in grouped order.
    let inputs: FloatStorage
    /// (maxRows, D): ξ in row order.
    let noise: FloatStorage
    /// The chosen member of each row.
    var memberOfRow: [Int]
    /// order[position] = the row at that position of the grouped order (member 0's rows first, each member's
    /// rows in row order).
    var order: [Int]
    /// Rows chosen per member.
    var rowCounts: [Int]
    /// Where each member's rows go next while grouping.
    var nextPosition: [Int]

    init(network mlp: MLP, maxRows: Int, members: Int) {
        self.maxRows = maxRows
        forwardCache = mlp.makeWorkspace(maxRows: maxRows)
        inputs = FloatStorage(count: maxRows * mlp.inputs)
        noise = FloatStorage(count: maxRows * mlp.outputs / 2)
        memberOfRow = Array(repeating: 0, count: maxRows)
        order = Array(repeating: 0, count: maxRows)
        rowCounts = Array(repeating: 0, count: members)
        nextPosition = Array(repeating: 0, count: members)
    }

    /// Picks an elite per row uniformly and builds `order` and `rowCounts` (a counting sort by member).
    func groupRowsByMember(rows: Int, elites: [Int], random: inout RandomStream) {
        for m in 0..<rowCounts.count { rowCounts[m] = 0 }
        for row in 0..<rows {
            let member = elites[random.int(below: elites.count)]
            memberOfRow[row] = member
            rowCounts[member] += 1
        }
        var start = 0
        for m in 0..<rowCounts.count {
            nextPosition[m] = start
            start += rowCounts[m]
        }
        for row in 0..<rows {
            let member = memberOfRow[row]
            order[nextPosition[member]] = row
            nextPosition[member] += 1
        }
    }
}
