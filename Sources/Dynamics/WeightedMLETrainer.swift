import Foundation
import Datasets
import Networks
import Numerics

/// Fits the dynamics ensemble by weighted maximum likelihood on the offline dataset (algorithm spec §3.4):
/// inputs x = (s, a), targets y = (r̃, s' − s), each row weighted by w_i (the MIW ω(s_i, a_i), self-normalised
/// to mean 1; all ones in the first round).
///
/// One model round:
///   1. `beginRound`: normalise the weights, fit the z-scoring on the full dataset, draw the holdout split.
///   2. Model epochs until the joint early stop: each member trains `stepsPerModelEpoch` steps
///      (`trainEpoch`), then reports its weighted holdout loss (`holdoutLoss`) and whether it improved
///      (`updateSnapshot`); `JointEarlyStopping` decides whether to go on.
///   3. Each member restores its best W, b (`restoreBestSnapshot`); the elites are the lowest holdout losses.
///
/// `fit` runs all of it in one process. The per-member pieces are public so that a distributed worker can run
/// its own member(s) with exactly the same arithmetic while the coordinator applies the joint rule (§5.4):
/// members share nothing but the round's inputs (weights, split, normalisation), and every random draw is keyed
/// by (seed, purpose, member, round).
///
/// Ownership: one thread at a time; it mutates the ensemble.
public final class WeightedMLETrainer: @unchecked Sendable {
    public let ensemble: GaussianEnsemble
    let data: ModelTrainingData
    /// The current model round; nil outside `beginRound … endRound`.
    private(set) var round: ModelRound?
    /// One member's minibatch: x (B, S+A), y (B, D), w (B), ∂L/∂output (B, 2D).
    private let batchInputs: FloatStorage
    private let batchTargets: FloatStorage
    private let batchWeights: FloatStorage
    private let outputGradient: FloatStorage
    /// Forward cache for a training batch or a holdout chunk, reused member after member.
    private let cache: MLPWorkspace

    /// Holdout rows evaluated per forward pass.
    static let holdoutChunkRows = 1024

    /// `dataset` supplies x and y; its rewards must already be rescaled (r̃).
    public init(ensemble: GaussianEnsemble, dataset: OfflineDataset) throws {
        guard dataset.observationDim == ensemble.observationDim && dataset.actionDim == ensemble.actionDim else {
            throw DynamicsError.shapeMismatch("dataset S=\(dataset.observationDim), A=\(dataset.actionDim) for an "
                                              + "ensemble of S=\(ensemble.observationDim), A=\(ensemble.actionDim)")
        }
        self.ensemble = ensemble
        data = ModelTrainingData(dataset)
        let b = ensemble.config.batchSize
        batchInputs = FloatStorage(count: b * ensemble.inputWidth)
        batchTargets = FloatStorage(count: b * ensemble.targetWidth)
        batchWeights = FloatStorage(count: b)
        outputGradient = FloatStorage(count: b * 2 * ensemble.targetWidth)
        cache = ensemble.network.makeWorkspace(maxRows: max(b, Self.holdoutChunkRows))
    }

    var config: EnsembleConfig { ensemble.config }

    // MARK: The whole round in one process

    /// One model round for every member: `weights` (N values, nil = all ones) are the row weights before
    /// normalisation; `seed` and `round` key the holdout permutation and the bootstrap streams. Sets the
    /// ensemble's normalisation, parameters and elites. Throws if a training loss is not finite.
    public func fit(round index: Int, weights: UnsafeBufferPointer<Float>?, seed: UInt64,
                    log: (String) -> Void) throws -> ModelFitReport {
        let started = Date()
        try beginRound(index, weights: weights, seed: seed)
        defer { endRound() }
        let members = ensemble.memberCount
        var stopping = JointEarlyStopping(patience: config.patience)
        var losses = [Float](repeating: .nan, count: members)
        var steps = 0
        while true {
            var improved = 0
            for m in 0..<members {
                try trainEpoch(member: m)
                losses[m] = holdoutLoss(member: m)
                if updateSnapshot(member: m, holdoutLoss: losses[m]) { improved += 1 }
            }
            steps += config.stepsPerModelEpoch
            let stop = stopping.record(anyMemberImproved: improved > 0)
            log("model round \(index) epoch \(stopping.modelEpochs): holdout "
                + losses.map { String(format: "%.4f", $0) }.joined(separator: " ")
                + "; \(improved) improved; no improvement for \(stopping.epochsWithoutImprovement)/\(config.patience)")
            if stop || steps >= config.maxSteps { break }
        }
        for m in 0..<members {
            restoreBestSnapshot(member: m)
            losses[m] = holdoutLoss(member: m)
        }
        ensemble.elites = EliteSelection.lowest(config.elites, of: losses)
        log("model round \(index) done after \(stopping.modelEpochs) model epochs: elites \(ensemble.elites)")
        return ModelFitReport(modelEpochs: stopping.modelEpochs, steps: steps, holdoutLosses: losses,
                              elites: ensemble.elites, seconds: Date().timeIntervalSince(started))
    }

    // MARK: The per-member pieces

    /// Prepares round `index`: normalises `weights` to mean 1 over the whole dataset (nil = all ones), fits the
    /// ensemble's normalisation on the full dataset, and splits the rows by a fresh permutation from
    /// (seed, .holdoutPermutation, round): the first n_train = max(⌊(1 − f)·N⌋, N − maxHoldout) train, the
    /// rest holdout. Resets every member's snapshot.
    public func beginRound(_ index: Int, weights: UnsafeBufferPointer<Float>?, seed: UInt64) throws {
        let n = data.count
        let split = try Self.split(round: index, rows: n, config: config, seed: seed)
        let normalizedWeights = try Self.normalize(weights, rows: n)
        let normalization = ModelNormalization.fit(data.dataset)
        ensemble.normalization = normalization
        round = ModelRound(index: index, weights: normalizedWeights, trainRows: split.train,
                           holdoutRows: split.holdout, data: data, normalization: normalization,
                           members: ensemble.memberCount, seed: seed)
    }

    /// Round `index`'s train and holdout rows of an N-row dataset (see `beginRound`), from a fresh
    /// (seed, .holdoutPermutation, round) stream: any process can recompute them without drawing from a stream
    /// it keeps.
    public static func split(round index: Int, rows n: Int, config: EnsembleConfig, seed: UInt64) throws
        -> (train: [Int], holdout: [Int]) {
        let trainCount = max(Int((Double(n) * (1 - config.holdoutFraction)).rounded(.down)), n - config.maxHoldout)
        guard trainCount >= 1, trainCount < n else { throw DynamicsError.datasetTooSmall(rows: n) }
        var permutationRandom = RandomStream(seed: seed, purpose: .holdoutPermutation, index)
        let permutation = permutationRandom.permutation(n)
        return (Array(permutation[..<trainCount]), Array(permutation[trainCount...]))
    }

    /// Forgets the round's state (snapshots, split, weights).
    public func endRound() { round = nil }

    /// One model epoch of member m: `stepsPerModelEpoch` gradient steps. Returns the mean training loss.
    @discardableResult
    public func trainEpoch(member m: Int) throws -> Float {
        var total = 0.0
        for _ in 0..<config.stepsPerModelEpoch { total += Double(try trainStep(member: m)) }
        return Float(total / Double(config.stepsPerModelEpoch))
    }

    /// One gradient step of member m on B rows drawn with replacement from the train split by its own
    /// bootstrap stream. Returns member m's term of the loss (§3.4 item 5), bound penalty included.
    @discardableResult
    public func trainStep(member m: Int) throws -> Float {
        guard let round else { preconditionFailure("trainStep before beginRound") }
        let b = config.batchSize, inputs = ensemble.inputWidth, targets = ensemble.targetWidth
        let normalization = ensemble.normalization
        for k in 0..<b {
            let row = round.trainRows[round.bootstrap[m].int(below: round.trainRows.count)]
            let x = batchInputs.pointer + k * inputs, y = batchTargets.pointer + k * targets
            data.copyRow(row, input: x, target: y)
            normalization.normalizeInput(x)
            normalization.normalizeTarget(y)
            batchWeights[k] = round.weights[row]
        }
        round.stepsTaken[m] += 1

        let params = ensemble.memberParams[m]
        params.zeroGradients()
        // forward: x (B, S+A) → output (B, 2D) = [μ | ℓ_raw]
        let output = ensemble.network.forward(batchInputs.matrix(rows: b, cols: inputs), params: params,
                                              workspace: cache)
        // loss: (1/B) Σ_i w_i (1/D) Σ_d [(μ − y)² e^{−2ℓ} + 2ℓ] + c·Σ 2·max − c·Σ 2·min; ∂L/∂output (B, 2D)
        let dOutput = outputGradient.matrix(rows: b, cols: 2 * targets)
        let loss = GaussianNLL.loss(output: output, target: batchTargets.matrix(rows: b, cols: targets),
                                    weights: batchWeights.pointer, maxLogStd: params.value(ensemble.maxLogStd),
                                    minLogStd: params.value(ensemble.minLogStd), boundPenalty: config.boundPenalty,
                                    gradient: dOutput, maxLogStdGradient: params.gradient(ensemble.maxLogStd),
                                    minLogStdGradient: params.gradient(ensemble.minLogStd))
        guard loss.isFinite else {
            throw DynamicsError.nonFiniteLoss(member: m, step: round.stepsTaken[m], loss: loss)
        }
        // backward: ∂L/∂output (B, 2D) → gradients of member m's W and b
        ensemble.network.backward(dOutput, params: params, workspace: cache)
        ensemble.optimizers[m].update(params)
        return loss
    }

    /// Member m's weighted Gaussian NLL on all holdout rows, with the holdout rows' weights and no bound term.
    /// Chunks of `holdoutChunkRows` rows, combined as Σ_chunk loss_chunk · rows_chunk / H in double.
    public func holdoutLoss(member m: Int) -> Float {
        guard let round else { preconditionFailure("holdoutLoss before beginRound") }
        let inputs = ensemble.inputWidth, targets = ensemble.targetWidth, h = round.holdoutCount
        let params = ensemble.memberParams[m]
        var total = 0.0
        var start = 0
        while start < h {
            let rows = min(Self.holdoutChunkRows, h - start)
            // forward: x (rows, S+A) → output (rows, 2D)
            let output = ensemble.network.forward(
                round.holdoutInputs.matrix(rows: rows, cols: inputs, offset: start * inputs), params: params,
                workspace: cache)
            let loss = GaussianNLL.loss(
                output: output, target: round.holdoutTargets.matrix(rows: rows, cols: targets, offset: start * targets),
                weights: round.holdoutWeights.pointer + start, maxLogStd: params.value(ensemble.maxLogStd),
                minLogStd: params.value(ensemble.minLogStd), boundPenalty: 0)
            total += Double(loss) * Double(rows)
            start += rows
        }
        return Float(total / Double(h))
    }

    /// Member m's snapshot rule: if `holdoutLoss` improves on its best by more than the threshold, remember the
    /// loss and member m's W and b (not its bounds). Returns whether it improved.
    @discardableResult
    public func updateSnapshot(member m: Int, holdoutLoss loss: Float) -> Bool {
        guard let round else { preconditionFailure("updateSnapshot before beginRound") }
        guard Self.isImprovement(loss, over: round.bestLoss[m], threshold: config.improvementThreshold) else {
            return false
        }
        let count = ensemble.weightAndBiasCount
        let snapshot = round.bestWeights[m] ?? FloatStorage(count: count)
        snapshot.pointer.update(from: ensemble.memberParams[m].values.pointer, count: count)
        round.bestWeights[m] = snapshot
        round.bestLoss[m] = loss
        return true
    }

    /// Puts member m's best W and b back (its log-std bounds and the normalisation stay as they are, as in the
    /// reference). Nothing happens if it never had a finite holdout loss.
    public func restoreBestSnapshot(member m: Int) {
        guard let round else { preconditionFailure("restoreBestSnapshot before beginRound") }
        guard let snapshot = round.bestWeights[m] else { return }
        ensemble.memberParams[m].values.pointer.update(from: snapshot.pointer, count: ensemble.weightAndBiasCount)
    }

    /// (best − current)/|best| > threshold; the first finite loss always improves on none, a NaN never does.
    public static func isImprovement(_ loss: Float, over best: Float?, threshold: Float) -> Bool {
        guard loss.isFinite else { return false }
        guard let best else { return true }
        return (best - loss) / abs(best) > threshold
    }

    /// w_i / mean_j w_j over all N rows (all ones when `weights` is nil). The mean is accumulated in double.
    static func normalize(_ weights: UnsafeBufferPointer<Float>?, rows n: Int) throws -> FloatStorage {
        let normalized = FloatStorage(count: n)
        guard let weights else {
            normalized.buffer.update(repeating: 1)
            return normalized
        }
        guard weights.count == n else { throw DynamicsError.invalidWeights("\(weights.count) weights for \(n) rows") }
        var sum = 0.0
        for (row, w) in weights.enumerated() {
            guard w.isFinite, w >= 0 else { throw DynamicsError.invalidWeights("weight \(w) at row \(row)") }
            sum += Double(w)
        }
        guard sum > 0 else { throw DynamicsError.invalidWeights("all weights are 0") }
        let mean = Float(sum / Double(n))
        for row in 0..<n { normalized[row] = weights[row] / mean }
        return normalized
    }
}
