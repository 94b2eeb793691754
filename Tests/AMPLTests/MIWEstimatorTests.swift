import Datasets
import Foundation
import Networks
import Numerics
import Testing
@testable import AMPL

@Suite("MIW estimator")
struct MIWEstimatorTests {
    /// Spec §5.3's exactness statement, checked on a frozen critic after the copy sync (Q̃ = Q): for the same
    /// batch, the precomputed q_i are bit-identical to the per-step ones (so pred is the same), and the target's
    /// mean over policy noise and μ0 draws agrees between the modes.
    @Test func precomputedMatchesPerStepPredExactlyAndTargetInExpectation() throws {
        let learner = Small.learner(seed: 4)
        learner.criticTarget.params.copyValues(from: learner.critic.params)        // the synced copy
        let data = try Small.dataset(episodes: 6, length: 10)
        let mu0 = data.observations.rows(0, 6)
        let config = Small.miw
        let estimator = MIWEstimator(observationDim: Small.observationDim, actionDim: Small.actionDim, config: config, seed: 7)
        let quantities = estimator.prepareQuantities(learner: learner)
        quantities.beginRound(learner: learner)
        let b = config.batchSize, gamma = learner.config.gamma
        var random = RandomStream(seed: 8, purpose: .batchSampling)
        estimator.gatherBatch(data, random: &random)
        let indices = estimator.indices
        let qStep = FloatStorage(count: b), vStep = FloatStorage(count: b), qTable = FloatStorage(count: b), vTable = FloatStorage(count: b)

        func target(_ start: Float, _ v: FloatStorage) -> Double {
            estimator.objective(observations: estimator.batch.observations, actions: estimator.batch.actions,
                                q: qStep.pointer, v: v.pointer, start: start, gamma: gamma).target.asDouble
        }
        var perStep: [Double] = []
        for _ in 0..<300 {
            let start = quantities.perStep(batch: estimator.batch, learner: learner, mu0: mu0, startCount: config.startStates,
                                           gamma: gamma, q: qStep.pointer, v: vStep.pointer, random: &random)
            perStep.append(target(start, vStep))
        }
        var precomputed: [Double] = []
        for _ in 0..<100 {
            quantities.buildTables(learner: learner, dataset: data, mu0: mu0, draws: config.nextActionDraws,
                                   startEvaluations: config.startTermEvaluations, gamma: gamma, random: &random)
            let start = quantities.fromTables(indices: indices, q: qTable.pointer, v: vTable.pointer)
            precomputed.append(target(start, vTable))
        }
        #expect(qStep.toArray() == qTable.toArray(), "q_i must be bit-identical")
        let predStep = estimator.objective(observations: estimator.batch.observations, actions: estimator.batch.actions,
                                           q: qStep.pointer, v: vStep.pointer, start: 0, gamma: gamma).pred
        let predTable = estimator.objective(observations: estimator.batch.observations, actions: estimator.batch.actions,
                                            q: qTable.pointer, v: vTable.pointer, start: 0, gamma: gamma).pred
        #expect(predStep == predTable)
        let (meanStep, errorStep) = meanAndStandardError(perStep)
        let (meanTable, errorTable) = meanAndStandardError(precomputed)
        let tolerance = 4 * (errorStep * errorStep + errorTable * errorTable).squareRoot()
        #expect(abs(meanStep - meanTable) < tolerance, "per step \(meanStep) ± \(errorStep), precomputed \(meanTable) ± \(errorTable)")
        #expect(errorStep > 0 && errorTable > 0, "both targets are random")
    }

    @Test func roundsSwitchToTablesAfterTheCopySync() throws {
        let learner = Small.learner(seed: 2)
        let data = try Small.dataset()
        let mu0 = data.observations.rows(0, 5)
        for mode in MIWQEvaluation.allCases {
            var config = Small.miw
            config.qEvaluation = mode
            let estimator = MIWEstimator(observationDim: Small.observationDim, actionDim: Small.actionDim, config: config, seed: 3)
            var random = RandomStream(seed: 4, purpose: .batchSampling)
            let report = try estimator.trainRound(steps: 6, learner: learner, dataset: data, mu0: mu0, random: &random)
            #expect(report.steps == 6 && report.mode == mode)
            #expect(report.perStepSteps == (mode == .perStep ? 6 : 3))
            #expect(report.loss.isFinite && report.minWeight > 0 && report.minWeight <= report.meanWeight
                    && report.meanWeight <= report.maxWeight)
            let weights = FloatStorage(count: data.count)
            estimator.weights(for: data, into: weights.buffer)
            #expect(weights.toArray().allSatisfy { $0 > 0 && $0.isFinite })
        }
    }

    @Test func checkpointRoundTripIsBitExact() throws {
        let learner = Small.learner(seed: 2)
        let data = try Small.dataset()
        let mu0 = data.observations.rows(0, 5)
        let estimator = MIWEstimator(observationDim: 3, actionDim: 2, config: Small.miw, seed: 3)
        var random = RandomStream(seed: 4, purpose: .batchSampling)
        _ = try estimator.trainRound(steps: 5, learner: learner, dataset: data, mu0: mu0, random: &random)
        var writer = CheckpointWriter()
        try estimator.write(into: &writer)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("miw-\(UUID().uuidString).ckpt")
        defer { try? FileManager.default.removeItem(at: url) }
        try writer.write(to: url)
        let restored = MIWEstimator(observationDim: 3, actionDim: 2, config: Small.miw, seed: 99)
        try restored.restore(from: CheckpointReader(contentsOf: url))
        for (a, b) in [(estimator.omega.params, restored.omega.params), (estimator.omegaTarget.params, restored.omegaTarget.params)] {
            #expect(a.values.toArray() == b.values.toArray())
        }
        #expect(estimator.omega.params.firstMoment.toArray() == restored.omega.params.firstMoment.toArray())
        #expect(estimator.omega.params.secondMoment.toArray() == restored.omega.params.secondMoment.toArray())
        #expect(estimator.optimizer.step == restored.optimizer.step)
        var r1 = RandomStream(seed: 5, purpose: .batchSampling), r2 = r1
        let next1 = try estimator.trainRound(steps: 2, learner: learner, dataset: data, mu0: mu0, random: &r1)
        let next2 = try restored.trainRound(steps: 2, learner: learner, dataset: data, mu0: mu0, random: &r2)
        #expect(next1.finalLoss == next2.finalLoss && next1.finalPred == next2.finalPred)
    }
}

func meanAndStandardError(_ values: [Double]) -> (Double, Double) {
    let mean = values.reduce(0, +) / Double(values.count)
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
    return (mean, (variance / Double(values.count)).squareRoot())
}

extension Float {
    var asDouble: Double { Double(self) }
}
