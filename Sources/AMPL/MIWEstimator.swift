import Datasets
import Foundation
import Networks
import Numerics

/// The MIW estimator ("TD-DICE", algorithm spec §3.5, §5.3): trains ω(s, a) so that, with the current policy's
/// critic as the test function, the fixed-point equation
///
///     E_D[ω·Q(s, a)] = γ·E_D[ω·Q(s', π(s'))] + (1 − γ)·E_μ0[Q(s0, π(s0))]
///
/// holds on batch means. One step:
///
///     pred   = mean_i ω(s_i, a_i)·q_i                  (gradient flows into ω only)
///     target = start + γ·mean_i v_i·ω̄(s_i, a_i)        (ω̄: the target network; no gradient)
///     L      = Huber_δ(pred − target)
///     ∇L ← constraint-corrected per tensor toward mean ω ≤ c;  clip 1.0;  Adam;  ω̄ ← 0.01·ω + 0.99·ω̄
///
/// with q, v and start from `MIWQuantities` (per step, or precomputed tables after the copy sync).
///
/// Ownership: one thread runs rounds; the learner must not train during a round.
public final class MIWEstimator: @unchecked Sendable {
    public let config: MIWConfig
    public let omega: MIWNetwork
    public let omegaTarget: MIWNetwork
    var optimizer: Adam

    let batch: TransitionBatch                 // (B) gathered dataset rows
    var indices: [Int]                         // their row numbers
    let omegaWorkspace: MIWWorkspace
    let targetWorkspace: MIWWorkspace
    let constraintGradients: FloatStorage      // ∇g, the layout of ω
    let testValues: FloatStorage               // q (B)
    let nextValues: FloatStorage               // v (B)
    let lossWeights: FloatStorage              // ∂L/∂ω_i (B)
    /// Created at the first round, when the learner's networks are known.
    var quantities: MIWQuantities?

    public init(observationDim: Int, actionDim: Int, config: MIWConfig, random: inout RandomStream) {
        self.config = config
        omega = MIWNetwork(name: "miw", observationDim: observationDim, actionDim: actionDim, hidden: config.hidden,
                           power: config.power)
        omega.initialize(random: &random)
        omegaTarget = omega.copy(name: "miw-target")
        optimizer = Adam(AdamConfig(learningRate: config.learningRate), layout: omega.params.layout)
        let b = config.batchSize
        batch = TransitionBatch(size: b, observationDim: observationDim, actionDim: actionDim)
        indices = [Int](repeating: 0, count: b)
        omegaWorkspace = omega.makeWorkspace(maxRows: b)
        targetWorkspace = omegaTarget.makeWorkspace(maxRows: b)
        constraintGradients = FloatStorage(count: omega.params.count)
        testValues = FloatStorage(count: b)
        nextValues = FloatStorage(count: b)
        lossWeights = FloatStorage(count: b)
    }

    /// An estimator whose ω is initialised from the run seed's `.initialization` stream (index 1, "MIW").
    public convenience init(observationDim: Int, actionDim: Int, config: MIWConfig, seed: UInt64) {
        var random = RandomStream(seed: seed, purpose: .initialization, 1)
        self.init(observationDim: observationDim, actionDim: actionDim, config: config, random: &random)
    }

    /// One ω round of `steps` steps for the learner's current actor and critic. `dataset` carries the rescaled
    /// rewards; `mu0` (P, S) is the start-state pool; `random` draws batches, μ0 samples and policy noise.
    public func trainRound(steps: Int, learner: ActorCriticGAN, dataset: OfflineDataset, mu0: Matrix,
                           random: inout RandomStream) throws -> MIWRoundReport {
        let clock = Date()
        let quantities = prepareQuantities(learner: learner)
        quantities.beginRound(learner: learner)
        let gamma = learner.config.gamma
        var report = MIWRoundReport()
        report.mode = config.qEvaluation
        report.steps = steps
        report.perStepSteps = config.qEvaluation == .perStep ? steps : min(steps, config.copySyncSteps)
        var lossSum = 0.0, omegaSum = 0.0
        for step in 0..<steps {
            gatherBatch(dataset, random: &random)
            let start: Float
            if step < report.perStepSteps {
                start = quantities.perStep(batch: batch, learner: learner, mu0: mu0, startCount: config.startStates,
                                           gamma: gamma, q: testValues.pointer, v: nextValues.pointer, random: &random)
            } else {
                if step == report.perStepSteps {
                    let tableClock = Date()
                    quantities.buildTables(learner: learner, dataset: dataset, mu0: mu0, draws: config.nextActionDraws,
                                           startEvaluations: config.startTermEvaluations, gamma: gamma, random: &random)
                    report.tableSeconds = Date().timeIntervalSince(tableClock)
                }
                start = quantities.fromTables(indices: indices, q: testValues.pointer, v: nextValues.pointer)
            }
            let outcome = try update(observations: batch.observations, actions: batch.actions, q: testValues.pointer,
                                     v: nextValues.pointer, start: start, gamma: gamma)
            if step < report.perStepSteps { quantities.driftCopy(toward: learner, rate: config.targetRate) }
            lossSum += Double(outcome.loss)
            omegaSum += Double(outcome.meanOmega)
            report.minWeight = min(report.minWeight, outcome.minOmega)
            report.maxWeight = max(report.maxWeight, outcome.maxOmega)
            (report.finalLoss, report.finalPred, report.finalTarget) = (outcome.loss, outcome.pred, outcome.target)
        }
        report.loss = steps > 0 ? Float(lossSum / Double(steps)) : 0
        report.meanWeight = steps > 0 ? Float(omegaSum / Double(steps)) : 0
        report.seconds = Date().timeIntervalSince(clock)
        return report
    }

    /// ω(s_i, a_i) of the online network for every dataset row, in batch-sized chunks, into `out` (N values).
    /// Raw weights: the model fit normalises them.
    public func weights(for dataset: OfflineDataset, into out: UnsafeMutableBufferPointer<Float>) {
        precondition(out.count == dataset.count, "\(out.count) slots for \(dataset.count) dataset rows")
        let chunk = config.batchSize
        for start in stride(from: 0, to: dataset.count, by: chunk) {
            let rows = min(chunk, dataset.count - start)
            let values = omega.forward(observations: dataset.observations.rows(start, rows),
                                       actions: dataset.actions.rows(start, rows), workspace: omegaWorkspace)
            (out.baseAddress! + start).update(from: values.base, count: rows)
        }
    }

    func prepareQuantities(learner: ActorCriticGAN) -> MIWQuantities {
        if let quantities { return quantities }
        let made = MIWQuantities(learner: learner, maxRows: max(config.batchSize, config.startStates))
        quantities = made
        return made
    }

    /// B dataset rows drawn uniformly with replacement (the same draws as `sampleUniformly`), keeping their indices.
    func gatherBatch(_ dataset: OfflineDataset, random: inout RandomStream) {
        let s = dataset.observationDim, a = dataset.actionDim, columns = dataset.columns
        for slot in 0..<batch.size {
            let row = random.int(below: dataset.count)
            indices[slot] = row
            (batch.observations.base + slot * s).update(from: columns.observations.pointer + row * s, count: s)
            (batch.actions.base + slot * a).update(from: columns.actions.pointer + row * a, count: a)
            (batch.nextObservations.base + slot * s).update(from: columns.nextObservations.pointer + row * s, count: s)
            batch.rewards.base[slot] = columns.rewards[row]
            batch.terminals.base[slot] = columns.terminals[row]
        }
    }

    struct StepOutcome {
        var loss: Float, pred: Float, target: Float, meanOmega: Float, minOmega: Float, maxOmega: Float
    }

    /// pred and target of the current ω, ω̄ on (s, a) (B rows) given q, v (B) and the start term; leaves both
    /// forward passes in their workspaces.
    func objective(observations: Matrix, actions: Matrix, q: UnsafePointer<Float>, v: UnsafePointer<Float>,
                   start: Float, gamma: Float) -> (pred: Float, target: Float, omega: Matrix) {
        let b = observations.rows
        let w = omega.forward(observations: observations, actions: actions, workspace: omegaWorkspace)
        let wTarget = omegaTarget.forward(observations: observations, actions: actions, workspace: targetWorkspace)
        var predSum = 0.0, nextSum = 0.0
        for i in 0..<b {
            predSum += Double(w.base[i]) * Double(q[i])
            nextSum += Double(v[i]) * Double(wTarget.base[i])
        }
        return (Float(predSum / Double(b)), start + gamma * Float(nextSum / Double(b)), w)
    }

    /// One ω step (loss, constraint correction, clip, Adam, ω̄ update) on a batch whose Q quantities are known.
    /// The per-step mode, the precomputed mode and the tabular tests all go through here.
    func update(observations: Matrix, actions: Matrix, q: UnsafePointer<Float>, v: UnsafePointer<Float>,
                start: Float, gamma: Float) throws -> StepOutcome {
        let b = observations.rows
        let (pred, target, w) = objective(observations: observations, actions: actions, q: q, v: v, start: start, gamma: gamma)
        // Huber on the difference of two scalars: L = ½d² (|d| < δ) or δ(|d| − ½δ);  ∂L/∂pred = clamp(d, ±δ).
        let delta = config.huberDelta, difference = pred - target
        let loss = abs(difference) < delta ? 0.5 * difference * difference : delta * (abs(difference) - 0.5 * delta)
        guard loss.isFinite else { throw NetworkError.nonFiniteLoss(network: omega.params.name, loss: loss) }
        let dPred = min(max(difference, -delta), delta)
        var omegaSum = 0.0, low = Float.infinity, high = -Float.infinity
        for i in 0..<b {
            lossWeights[i] = dPred * q[i] / Float(b)            // ∂L/∂ω_i = ∂L/∂pred · q_i / B
            omegaSum += Double(w.base[i])
            low = min(low, w.base[i])
            high = max(high, w.base[i])
        }
        let meanOmega = Float(omegaSum / Double(b))
        // ∇L and ∇g (g = mean ω) from one backward pass, then the per-tensor correction toward g ≤ c.
        omega.params.zeroGradients()
        constraintGradients.zero()
        omega.backward(omegaGradient: lossWeights.matrix(rows: b, cols: 1), workspace: omegaWorkspace,
                       secondGradients: constraintGradients, secondScale: 1 / Float(b))
        MIWConstraint.correct(lossGradients: omega.params.gradients.pointer, constraintGradients: constraintGradients.pointer,
                              tensors: omega.params.layout.tensors, constraintValue: meanOmega,
                              threshold: config.constraintThreshold)
        try omega.params.clipGradientNorm(config.gradientClip)
        optimizer.update(omega.params)
        omegaTarget.params.softUpdate(toward: omega.params, tau: config.targetRate)
        return StepOutcome(loss: loss, pred: pred, target: target, meanOmega: meanOmega, minOmega: low, maxOmega: high)
    }
}
