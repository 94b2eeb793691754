import Datasets
import Dynamics
import Environments
import Foundation
import Networks
import Numerics
import Telemetry

/// The AMPL loop (spec ampl-algorithm §1), coordinator side: alternates model rounds (ω round, weighted model
/// fit) with epochs of actor-critic-GAN iterations, evaluating after every epoch. The ensemble sits behind
/// `EnsembleBackend`, so the same loop runs with it in-process or in workers.
public final class AMPLTrainer {
    public let config: AMPLConfig
    public let data: PreparedData
    let backend: any EnsembleBackend
    let learner: ActorCriticGAN
    let estimator: MIWEstimator
    /// Model-rollout transitions, FIFO: `transitionsPerIteration × itersPerEpoch × rolloutRetainEpochs` rows.
    let generated: TransitionBuffer
    let criticBatch: TransitionBatch
    let ganBatch: TransitionBatch
    let realPairs: TransitionBatch
    let evaluator: Evaluator
    let evaluationPolicy: AMPLEvaluationPolicy
    let modelWeights: FloatStorage
    let actionError: ActionErrorProbe
    /// Discounted Monte-Carlo returns of the dataset's rows (`DatasetReturns`).
    let datasetReturns: FloatStorage
    /// The critic against the data's Monte-Carlo returns on fixed dataset rows.
    let valueProbe: DatasetValueProbe
    let telemetry: RunTelemetry
    let checkpointFile: URL
    var state: TrainerState
    var iterationRandom: IterationRandom

    /// `resume`: continue the run in `run` from its checkpoint instead of starting it.
    public init(config: AMPLConfig, datasetPath: String, run: RunDirectory, backend: (any EnsembleBackend)? = nil,
                resume: Bool = false) throws {
        self.config = config
        BLAS.setThreads(config.deterministic ? 1 : config.threads)
        data = try PreparedData(path: datasetPath, config: config)
        let s = data.spec.observationDimension, a = data.spec.actionDimension
        let resolved = config.actorCritic
        self.backend = try backend ?? LocalEnsemble(config: config, data: data.dataset, termination: data.termination)
        learner = ActorCriticGAN(observationDim: s, actionDim: a, maxAction: data.spec.actionHigh[0], config: resolved,
                                 observationScaling: data.observationScaling, seed: config.seed)
        estimator = MIWEstimator(observationDim: s, actionDim: a, config: config.miw, seed: config.seed)
        let schedule = config.schedule
        generated = TransitionBuffer(capacity: config.rollout.transitionsPerIteration * schedule.itersPerEpoch
                                         * schedule.rolloutRetainEpochs, observationDim: s, actionDim: a)
        let b = resolved.batchSize
        criticBatch = TransitionBatch(size: b, observationDim: s, actionDim: a)
        ganBatch = TransitionBatch(size: b, observationDim: s, actionDim: a)
        realPairs = TransitionBatch(size: 2 * b, observationDim: s, actionDim: a)
        evaluator = Evaluator(environment: try makeEnvironment(name: data.spec.name))
        evaluationPolicy = AMPLEvaluationPolicy(learner: learner, candidates: resolved.evaluationCandidates)
        modelWeights = FloatStorage(count: data.dataset.count)
        actionError = ActionErrorProbe(learner: learner, dataset: data.dataset)
        datasetReturns = DatasetReturns.discounted(data.dataset, gamma: resolved.gamma)
        valueProbe = DatasetValueProbe(critic: learner.critic, dataset: data.dataset, returns: datasetReturns)
        checkpointFile = run.checkpointsDirectory.appendingPathComponent("latest.ckpt")
        state = TrainerState(seed: config.seed)
        iterationRandom = IterationRandom(seed: config.seed)

        if resume {
            try run.openForResume()
            let saved = try CheckpointReader(contentsOf: checkpointFile).json(TrainerState.self, "trainer.state")
            telemetry = try RunTelemetry(run: run, resumedAfterStep: saved.step)
            try restoreCheckpoint()
        } else {
            try run.create()
            try config.yaml().write(to: run.configFile, atomically: true, encoding: .utf8)
            try RunInfo(dataset: config.dataset, behaviorScore: data.behaviorScore).write(to: run.runInfoFile)
            telemetry = try RunTelemetry(run: run, resumedAfterStep: nil)
        }
    }

    /// Runs the remaining epochs. Returns the final and best normalised scores.
    @discardableResult
    public func train() throws -> RunSummary {
        let schedule = config.schedule
        var scores: [Double] = []
        while state.completedEpochs < schedule.epochs {
            let start = Date()
            if schedule.isModelRound(completedEpochs: state.completedEpochs), state.lastRoundAtEpoch != state.completedEpochs {
                try stoppingOnDivergence { try modelRound() }
                state.lastRoundAtEpoch = state.completedEpochs
                try writeCheckpoint()
            }
            if schedule.criticPretrainSteps > 0, state.criticPretrained != true {
                try stoppingOnDivergence { try pretrainCritic(steps: schedule.criticPretrainSteps) }
                state.criticPretrained = true
                try writeCheckpoint()
            }
            let epoch = state.completedEpochs + 1
            let losses = try stoppingOnDivergence { try runEpoch(epoch) }
            let evaluation = evaluator.run(policy: evaluationPolicy, episodes: config.evaluation.episodes,
                                           seed: config.seed &+ UInt64(epoch) &* 7919)
            state.completedEpochs = epoch
            let seconds = Date().timeIntervalSince(start)
            state.elapsedSeconds += seconds
            scores.append(evaluation.normalizedScoreMean)
            try record(epoch: epoch, losses: losses, evaluation: evaluation, seconds: seconds)
        }
        try writeCheckpoint()
        telemetry.printer.finishLine()
        return RunSummary(finalScore: scores.last, bestScore: scores.max(), behaviorScore: data.behaviorScore,
                          epochs: state.completedEpochs, seconds: state.elapsedSeconds)
    }

    /// Runs `body`; a non-finite loss or gradient (any network, the ensemble included) stops the run with the
    /// step and the network named, leaving the last checkpoint (written before the failure) as the resume point.
    func stoppingOnDivergence<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as NetworkError {
            throw TrainerError.diverged(step: state.step, detail: "\(error)", checkpoint: checkpointFile.path)
        } catch let error as DynamicsError {
            throw TrainerError.diverged(step: state.step, detail: "\(error)", checkpoint: checkpointFile.path)
        }
    }

    /// An ω round (none before the first fit), then a weighted model fit (spec §1.1).
    func modelRound() throws {
        let round = state.modelRounds
        var weights: UnsafeBufferPointer<Float>?
        if round > 0 {
            let report = try estimator.trainRound(steps: config.schedule.miwStepsPerRound, learner: learner,
                                                  dataset: data.dataset, mu0: data.startStateMatrix,
                                                  random: &state.miwSampling)
            state.lastMIWLoss = Double(report.loss)
            state.lastMIWMean = Double(report.meanWeight)
            estimator.weights(for: data.dataset, into: modelWeights.buffer)
            weights = UnsafeBufferPointer(modelWeights.buffer)
        }
        let fit = try backend.trainRound(round, weights: weights, log: telemetry.log)
        state.lastModelHoldoutLoss = Double(fit.elites.map { fit.holdoutLosses[$0] }.reduce(0, +)) / Double(max(1, fit.elites.count))
        state.lastModelEpochs = fit.modelEpochs
        // On this process's copy of the fitted ensemble, over the round's holdout rows recomputed from their own
        // stream: the same number in-process and with workers, and no stream of the run is drawn from.
        let holdout = try WeightedMLETrainer.split(round: round, rows: data.dataset.count, config: config.ensemble,
                                                   seed: config.seed).holdout
        state.lastModelRewardError = backend.ensemble.meanAbsoluteRewardError(dataset: data.dataset, rows: holdout)
        state.modelRounds += 1
        telemetry.log("model round \(round): \(fit.modelEpochs) model epochs, elites \(fit.elites), "
                      + String(format: "holdout %.4f", state.lastModelHoldoutLoss ?? .nan))
    }

    /// Critic pre-training (`schedule.criticPretrainSteps`, docs/algorithm.md): `steps` MSE steps of both heads
    /// on dataset rows' discounted Monte-Carlo returns, B rows a step from the `.criticPretraining` stream, then
    /// Qᵗ ← Q. Draws from no other stream, so the run's other random numbers are those of a run without it.
    func pretrainCritic(steps: Int) throws {
        let returns = data.dataset.replacingRewards(datasetReturns)
        var random = RandomStream(seed: config.seed, purpose: .criticPretraining)
        let before = valueProbe.measure(learner.critic).mse
        for _ in 0..<steps {
            returns.sampleUniformly(into: criticBatch, random: &random)
            try learner.pretrainCriticStep(criticBatch)
        }
        learner.syncCriticTarget()
        let after = valueProbe.measure(learner.critic).mse
        state.criticPretrainMSE = [before, after]
        telemetry.log(String(format: "critic pre-training: %d steps on Monte-Carlo returns (mean %.3f over %d probe rows), "
                             + "MSE per head %.4g -> %.4g", steps, valueProbe.meanReturn, valueProbe.rows, before, after))
    }

    /// One epoch of actor-critic-GAN iterations (spec §1.2).
    func runEpoch(_ epoch: Int) throws -> EpochSummary {
        let schedule = config.schedule
        let batchSize = criticBatch.size
        let realRows = schedule.realRows(epoch: epoch, batchSize: batchSize)
        var summary = EpochSummary()
        let epochStart = Date()
        for _ in 0..<schedule.itersPerEpoch {
            let t = state.step
            if t % schedule.rolloutGenerationFreq == 0 {
                let report = try backend.generateRollouts(policy: learner.rolloutPolicy, generation: t / schedule.rolloutGenerationFreq,
                                                 transitions: schedule.rolloutGenerationFreq * config.rollout.transitionsPerIteration,
                                                 into: generated)
                summary.add(report)
            }
            fill(criticBatch, realRows: realRows)
            fill(ganBatch, realRows: realRows)
            data.dataset.sampleUniformly(into: realPairs, random: &state.sampling)
            let losses = try learner.iterate(criticBatch: criticBatch, ganStates: ganBatch.observations, realPairs: realPairs,
                                         model: backend.sampler, termination: data.termination,
                                         warmStart: epoch <= schedule.warmStartEpochs,
                                         updateActor: t % config.actorCritic.policyFrequency == 0,
                                         random: &iterationRandom)
            summary.add(losses)
            state.step += 1
            if t % 50 == 0 { showProgress(epoch: epoch, since: epochStart, itersDone: t - (epoch - 1) * schedule.itersPerEpoch + 1) }
        }
        return summary
    }

    /// Rows 0 ..< realRows from the offline data, the rest from the generated buffer (spec §4.2).
    func fill(_ batch: TransitionBatch, realRows: Int) {
        data.dataset.sampleUniformly(into: batch, slots: 0..<realRows, random: &state.sampling)
        if realRows < batch.size {
            let source: any TransitionSource = generated.count > 0 ? generated : data.dataset
            source.sampleUniformly(into: batch, slots: realRows..<batch.size, random: &state.sampling)
        }
    }

    func showProgress(epoch: Int, since start: Date, itersDone: Int) {
        let elapsed = Date().timeIntervalSince(start)
        let rate = Double(itersDone) / max(elapsed, 1e-9)
        let remaining = Double((config.schedule.epochs - epoch + 1) * config.schedule.itersPerEpoch - itersDone) / max(rate, 1e-9)
        telemetry.show(ProgressLine(epoch: epoch, totalEpochs: config.schedule.epochs, step: state.step,
                                    stepsPerSecond: rate, secondsRemaining: remaining, lastScore: lastScore, extras: []))
    }

    var lastScore: Double?

    func record(epoch: Int, losses: EpochSummary, evaluation: EvaluationResult, seconds: Double) throws {
        lastScore = evaluation.normalizedScoreMean
        var row: [String: ProgressValue] = [
            "epoch": .int(epoch), "step": .int(state.step),
            "real_fraction": .double(config.schedule.realFraction(epoch: epoch)),
            "action_error": .double(actionError.measure(learner, dataset: data.dataset, seed: config.seed, epoch: epoch)),
            "generated_transitions": .int(generated.count),
            "model_round": .int(state.modelRounds),
            "eval_return": .double(evaluation.meanReturn), "eval_normalized_score": .double(evaluation.normalizedScoreMean),
            "eval_episode_length": .double(evaluation.meanLength),
            "epoch_seconds": .double(seconds), "elapsed_seconds": .double(state.elapsedSeconds),
        ]
        for (column, value) in losses.columns { row[column] = .double(value) }
        if let v = state.lastModelHoldoutLoss { row["model_holdout_loss"] = .double(v) }
        if let v = state.lastModelEpochs { row["model_epochs"] = .int(v) }
        if let v = state.lastMIWLoss { row["miw_loss"] = .double(v) }
        if let v = state.lastModelRewardError { row["model_reward_error"] = .double(v) }
        if let v = losses.rolloutTerminationRate { row["rollout_termination_rate"] = .double(v) }
        let value = valueProbe.measure(learner.critic)
        row["q_dataset_mean"] = .double(value.qMean)
        row["mc_return_mean"] = .double(valueProbe.meanReturn)
        if valueProbe.meanReturn != 0 { row["q_calibration_ratio"] = .double(value.qMean / valueProbe.meanReturn) }
        if let v = state.lastMIWMean { row["miw_mean"] = .double(v) }
        if let v = data.behaviorScore { row["behavior_score"] = .double(v) }
        try telemetry.record(row, step: state.step)
        telemetry.log(String(format: "epoch %d/%d  step %d  score %.1f (behaviour %@)  critic %.4g  %.1f s", epoch,
                             config.schedule.epochs, state.step, evaluation.normalizedScoreMean,
                             data.behaviorScore.map { String(format: "%.1f", $0) } ?? "n/a",
                             losses.columns["critic_loss"] ?? .nan, seconds))
    }
}

public struct RunSummary: Codable, Sendable {
    public let finalScore: Double?
    public let bestScore: Double?
    public let behaviorScore: Double?
    public let epochs: Int
    public let seconds: Double
}

public enum TrainerError: Error, CustomStringConvertible, Equatable {
    case diverged(step: Int, detail: String, checkpoint: String)

    public var description: String {
        switch self {
        case let .diverged(step, detail, checkpoint):
            return "training stopped at step \(step): \(detail). The last good checkpoint is kept: \(checkpoint)"
        }
    }
}
