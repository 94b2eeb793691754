import Datasets
import Foundation
import Networks
import Numerics
import Testing
@testable import Dynamics

/// Member m's Gaussian at (s, a) in raw units: the de-normalised mean and standard deviation of (r, Δs).
func prediction(_ ensemble: GaussianEnsemble, member m: Int, state: [Float], action: [Float])
    -> (mean: [Float], std: [Float]) {
    let norm = ensemble.normalization
    let x = FloatStorage(state + action)
    norm.normalizeInput(x.pointer)
    let workspace = ensemble.network.makeWorkspace(maxRows: 1)
    let params = ensemble.memberParams[m]
    let out = ensemble.network.forward(x.matrix(rows: 1, cols: ensemble.inputWidth), params: params,
                                       workspace: workspace)
    let d = ensemble.targetWidth
    var mean = [Float](), std = [Float]()
    for j in 0..<d {
        mean.append(out.base[j] * norm.targetStd[j] + norm.targetMean[j])
        let logStd = GaussianNLL.softClamp(out.base[d + j], max: params.value(ensemble.maxLogStd)[j],
                                           min: params.value(ensemble.minLogStd)[j])
        std.append(Foundation.exp(logStd) * norm.targetStd[j])
    }
    return (mean, std)
}

/// Two regimes on the same inputs: A moves s by +(0.5 + 0.5a) and pays 0; B moves it by −(0.5 + 0.5a) and pays 1.
/// Rows 0 ..< n are regime A, rows n ..< 2n regime B.
func twoRegimeDataset(rowsPerRegime n: Int) throws -> OfflineDataset {
    var random = RandomStream(seed: 11, purpose: .test)
    var observations: [[Float]] = [], actions: [[Float]] = [], rewards: [Float] = [], next: [[Float]] = []
    for regime in 0..<2 {
        let sign: Float = regime == 0 ? 1 : -1
        for _ in 0..<n {
            let s = random.uniform(-1, 1), a = random.uniform(-1, 1)
            observations.append([s])
            actions.append([a])
            rewards.append(Float(regime))
            next.append([s + sign * (0.5 + 0.5 * a)])
        }
    }
    return try makeDataset(observations: observations, actions: actions, rewards: rewards, nextObservations: next)
}

@Suite("Weighted MLE fitting of the ensemble (spec §3.4)")
struct WeightedMLETests {
    /// Mean squared error of the elites' mean predictions of (r, Δs) on a regime's own targets.
    func regimeError(_ ensemble: GaussianEnsemble, regime: Int) -> Float {
        let sign: Float = regime == 0 ? 1 : -1
        var total: Float = 0, count: Float = 0
        for s in stride(from: Float(-0.9), through: 0.9, by: 0.3) {
            for a in stride(from: Float(-0.9), through: 0.9, by: 0.3) {
                for m in ensemble.elites {
                    let mean = prediction(ensemble, member: m, state: [s], action: [a]).mean
                    total += pow(mean[0] - Float(regime), 2) + pow(mean[1] - sign * (0.5 + 0.5 * a), 2)
                    count += 1
                }
            }
        }
        return total / count
    }

    @Test(arguments: [0, 1])
    func weightsOnOneRegimeFitThatRegime(favoured: Int) throws {
        let n = 1000
        let dataset = try twoRegimeDataset(rowsPerRegime: n)
        let weights = (0..<(2 * n)).map { row -> Float in (row < n) == (favoured == 0) ? 1 : 0 }
        let ensemble = GaussianEnsemble(observationDim: 1, actionDim: 1, config: smallConfig(), seed: 1)
        let trainer = try WeightedMLETrainer(ensemble: ensemble, dataset: dataset)
        let report = try weights.withUnsafeBufferPointer {
            try trainer.fit(round: 1, weights: $0, seed: 5, log: { _ in })
        }
        let favouredError = regimeError(ensemble, regime: favoured)
        let otherError = regimeError(ensemble, regime: 1 - favoured)
        #expect(favouredError < 0.02, "error on the weighted regime: \(favouredError)")
        #expect(otherError > 1, "error on the other regime: \(otherError)")
        #expect(report.modelEpochs >= 2 && report.steps == report.modelEpochs * 100)
        #expect(report.elites == EliteSelection.lowest(2, of: report.holdoutLosses))
        #expect(ensemble.elites == report.elites)
    }

    @Test func unweightedFitLearnsMeanAndNoiseOfALinearGaussianSystem() throws {
        // Δs = 0.3·s + 0.5·a + 0.1·ξ,  r = s − a + 0.05·ξ'
        var random = RandomStream(seed: 12, purpose: .test)
        var observations: [[Float]] = [], actions: [[Float]] = [], rewards: [Float] = [], next: [[Float]] = []
        for _ in 0..<4000 {
            let s = random.uniform(-1, 1), a = random.uniform(-1, 1)
            observations.append([s])
            actions.append([a])
            rewards.append(s - a + 0.05 * random.normal())
            next.append([s + 0.3 * s + 0.5 * a + 0.1 * random.normal()])
        }
        let dataset = try makeDataset(observations: observations, actions: actions, rewards: rewards,
                                      nextObservations: next)
        let ensemble = GaussianEnsemble(observationDim: 1, actionDim: 1,
                                        config: smallConfig(hidden: [64, 64], stepsPerModelEpoch: 200, patience: 5),
                                        seed: 2)
        let trainer = try WeightedMLETrainer(ensemble: ensemble, dataset: dataset)
        _ = try trainer.fit(round: 0, weights: nil, seed: 6, log: { _ in })

        var meanError: Float = 0, rewardStd: Float = 0, deltaStd: Float = 0, count: Float = 0
        for s in stride(from: Float(-0.8), through: 0.8, by: 0.4) {
            for a in stride(from: Float(-0.8), through: 0.8, by: 0.4) {
                for m in ensemble.elites {
                    let (mean, std) = prediction(ensemble, member: m, state: [s], action: [a])
                    meanError = max(meanError, abs(mean[0] - (s - a)), abs(mean[1] - (0.3 * s + 0.5 * a)))
                    rewardStd += std[0]
                    deltaStd += std[1]
                    count += 1
                }
            }
        }
        #expect(meanError < 0.05, "largest mean error \(meanError)")
        #expect(abs(rewardStd / count - 0.05) < 0.015, "reward std \(rewardStd / count), true 0.05")
        #expect(abs(deltaStd / count - 0.1) < 0.03, "Δs std \(deltaStd / count), true 0.1")
    }

    @Test func aNonFiniteLossNamesTheEnsembleTheMemberAndTheStep() throws {
        let dataset = try twoRegimeDataset(rowsPerRegime: 100)
        let ensemble = GaussianEnsemble(observationDim: 1, actionDim: 1, config: smallConfig(), seed: 3)
        let blob = ensemble.memberParameters(1)
        try ensemble.setMemberParameters(1, Array(repeating: .nan, count: blob.count))
        let trainer = try WeightedMLETrainer(ensemble: ensemble, dataset: dataset)
        do {
            _ = try trainer.fit(round: 0, weights: nil, seed: 1, log: { _ in })
            Issue.record("fit should have thrown")
        } catch let error as DynamicsError {
            guard case let .nonFiniteLoss(member, step, _) = error else { throw error }
            #expect(member == 1 && step == 1)
            #expect(error.description.contains("ensemble") && error.description.contains("member 1")
                    && error.description.contains("step 1"))
        }
    }

    @Test func weightsAreSelfNormalisedAndChecked() throws {
        let normalized = try [1, 3, 0, 4].withUnsafeBufferPointer { try WeightedMLETrainer.normalize($0, rows: 4) }
        #expect(normalized.toArray() == [0.5, 1.5, 0, 2])
        #expect(try WeightedMLETrainer.normalize(nil, rows: 3).toArray() == [1, 1, 1])
        for bad: [Float] in [[1, -1], [0, 0], [1, .nan], [1]] {
            #expect(throws: DynamicsError.self) { try bad.withUnsafeBufferPointer { try WeightedMLETrainer.normalize($0, rows: 2) } }
        }
    }

    @Test func holdoutSizeFollowsTheReferenceRule() throws {
        let dataset = try twoRegimeDataset(rowsPerRegime: 200)         // N = 400
        var config = smallConfig()
        let trainer = try WeightedMLETrainer(ensemble: GaussianEnsemble(observationDim: 1, actionDim: 1, config: config,
                                                                    seed: 1), dataset: dataset)
        try trainer.beginRound(0, weights: nil, seed: 1)
        #expect(trainer.round?.trainRows.count == 320 && trainer.round?.holdoutCount == 80)
        config.maxHoldout = 50                                          // n_train = max(⌊0.8N⌋, N − maxHoldout)
        let capped = try WeightedMLETrainer(ensemble: GaussianEnsemble(observationDim: 1, actionDim: 1, config: config,
                                                                   seed: 1), dataset: dataset)
        try capped.beginRound(0, weights: nil, seed: 1)
        #expect(capped.round?.trainRows.count == 350 && capped.round?.holdoutCount == 50)
    }

    @Test func aMemberTrainedAloneMatchesTheSameMemberOfAJointFit() throws {
        // A distributed worker trains only its own member: it must end bit-identical to the single process.
        let dataset = try twoRegimeDataset(rowsPerRegime: 200)
        let config = smallConfig(stepsPerModelEpoch: 20)
        let joint = GaussianEnsemble(observationDim: 1, actionDim: 1, config: config, seed: 4)
        let alone = GaussianEnsemble(observationDim: 1, actionDim: 1, config: config, seed: 4)
        let jointTrainer = try WeightedMLETrainer(ensemble: joint, dataset: dataset)
        let aloneTrainer = try WeightedMLETrainer(ensemble: alone, dataset: dataset)
        try jointTrainer.beginRound(3, weights: nil, seed: 9)
        try aloneTrainer.beginRound(3, weights: nil, seed: 9)
        for _ in 0..<2 {
            for m in 0..<3 { try jointTrainer.trainEpoch(member: m) }
            try aloneTrainer.trainEpoch(member: 1)
        }
        #expect(joint.memberParameters(1) == alone.memberParameters(1))
        #expect(jointTrainer.holdoutLoss(member: 1) == aloneTrainer.holdoutLoss(member: 1))
        #expect(joint.memberParameters(0) != alone.memberParameters(0))
    }
}
