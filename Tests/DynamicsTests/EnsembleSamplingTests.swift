import Foundation
import Networks
import Numerics
import Testing
@testable import Dynamics

@Suite("GaussianEnsemble: sampling, parameter blobs and checkpoints (spec §3.3)")
struct EnsembleSamplingTests {
    let s = 3, a = 2, rows = 300

    /// Random (s, a) rows and output matrices for `sample`.
    final class Batch {
        let observations: FloatStorage, actions: FloatStorage, next: FloatStorage, rewards: FloatStorage
        let rows: Int, s: Int, a: Int
        init(rows: Int, s: Int, a: Int, seed: UInt64) {
            self.rows = rows; self.s = s; self.a = a
            observations = FloatStorage(count: rows * s)
            actions = FloatStorage(count: rows * a)
            next = FloatStorage(count: rows * s)
            rewards = FloatStorage(count: rows)
            var random = RandomStream(seed: seed, purpose: .test)
            random.fillNormal(observations.buffer)
            random.fillUniform(actions.buffer, -1, 1)
        }
        func sample(_ model: GaussianEnsemble, elite: UInt64 = 1, noise: UInt64 = 2) {
            var eliteRandom = RandomStream(seed: elite, purpose: .eliteChoice)
            var noiseRandom = RandomStream(seed: noise, purpose: .modelNoise)
            model.sample(observations: observations.matrix(rows: rows, cols: s), actions: actions.matrix(rows: rows, cols: a),
                         nextObservations: next.matrix(rows: rows, cols: s), rewards: rewards.matrix(rows: rows, cols: 1),
                         eliteRandom: &eliteRandom, noiseRandom: &noiseRandom)
        }
        var outputs: [Float] { next.toArray() + rewards.toArray() }
    }

    func ensemble(seed: UInt64 = 7, maxSampleRows: Int = 64) -> GaussianEnsemble {
        let model = GaussianEnsemble(observationDim: s, actionDim: a, config: smallConfig(members: 4, elites: 2),
                                     seed: seed, maxSampleRows: maxSampleRows)
        model.normalization = ModelNormalization(inputMean: [0.1, -0.2, 0.3, 0, 0.5], inputStd: [1, 2, 0.5, 1, 1],
                                                 targetMean: [0.4, 0, 0.1, -0.1], targetStd: [0.5, 0.2, 1, 2])
        return model
    }

    @Test func everyRowMatchesItsChosenEliteComputedAlone() {
        let model = ensemble()
        model.elites = [1, 3]
        let batch = Batch(rows: rows, s: s, a: a, seed: 3)
        batch.sample(model)                       // 300 rows > maxSampleRows 64: the workspace grows once
        var eliteRandom = RandomStream(seed: 1, purpose: .eliteChoice)
        var noiseRandom = RandomStream(seed: 2, purpose: .modelNoise)
        let d = 1 + s
        let noise = FloatStorage(count: rows * d)
        let chosen = (0..<rows).map { _ in model.elites[eliteRandom.int(below: 2)] }
        noiseRandom.fillNormal(noise.buffer)
        var worst: Float = 0
        for row in [0, 1, 57, 150, 299] {
            let state = Array(batch.observations.buffer[(row * s)..<((row + 1) * s)])
            let action = Array(batch.actions.buffer[(row * a)..<((row + 1) * a)])
            let (mean, std) = prediction(model, member: chosen[row], state: state, action: action)
            let expectedReward = mean[0] + std[0] * noise[row * d]
            worst = max(worst, abs(batch.rewards[row] - expectedReward))
            for j in 0..<s {
                let expected = state[j] + mean[1 + j] + std[1 + j] * noise[row * d + 1 + j]
                worst = max(worst, abs(batch.next[row * s + j] - expected))
            }
        }
        #expect(worst < 1e-4, "largest difference \(worst)")
    }

    @Test func aMemberNoRowChoseIsNeverComputed() throws {
        let model = ensemble()
        let blob = model.memberParameters(2)
        try model.setMemberParameters(2, Array(repeating: .nan, count: blob.count))
        model.elites = [0, 1, 3]
        let batch = Batch(rows: rows, s: s, a: a, seed: 4)
        batch.sample(model)
        #expect(batch.outputs.allSatisfy { $0.isFinite })
    }

    @Test func nanSamplesBecomeZero() throws {
        let model = ensemble()
        let blob = model.memberParameters(2)
        try model.setMemberParameters(2, Array(repeating: .nan, count: blob.count))
        model.elites = [2]
        let batch = Batch(rows: rows, s: s, a: a, seed: 5)
        batch.sample(model)
        #expect(batch.outputs.allSatisfy { $0 == 0 })
    }

    @Test func samplingIsDeterministicPerSeed() {
        let model = ensemble()
        let first = Batch(rows: rows, s: s, a: a, seed: 6), second = Batch(rows: rows, s: s, a: a, seed: 6)
        first.sample(model)
        second.sample(model)
        #expect(first.outputs == second.outputs)
        second.sample(model, noise: 3)
        #expect(first.outputs != second.outputs)
        second.sample(model, elite: 4)
        #expect(first.outputs != second.outputs)
    }

    @Test func memberBlobsRoundTripAndAreChecked() throws {
        let source = ensemble(seed: 1), destination = ensemble(seed: 2)
        for m in 0..<4 { try destination.setMemberParameters(m, source.memberParameters(m)) }
        let x = Batch(rows: rows, s: s, a: a, seed: 8), y = Batch(rows: rows, s: s, a: a, seed: 8)
        x.sample(source)
        y.sample(destination)
        #expect(x.outputs == y.outputs)
        #expect(throws: DynamicsError.self) { try destination.setMemberParameters(0, [1, 2, 3]) }
        #expect(throws: DynamicsError.self) { try destination.setMemberParameters(9, source.memberParameters(0)) }
    }

    @Test func checkpointRoundTripIsBitExact() throws {
        // Train a little so that the Adam moments and step are not at their initial values.
        let dataset = try twoRegimeDataset(rowsPerRegime: 100)
        let model = GaussianEnsemble(observationDim: 1, actionDim: 1, config: smallConfig(), seed: 9)
        let trainer = try WeightedMLETrainer(ensemble: model, dataset: dataset)
        try trainer.beginRound(0, weights: nil, seed: 1)
        for m in 0..<3 { for _ in 0..<5 { try trainer.trainStep(member: m) } }
        model.elites = [2, 0]

        var writer = CheckpointWriter()
        try model.write(into: &writer, prefix: "model")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ensemble-\(UUID().uuidString).ckpt")
        defer { try? FileManager.default.removeItem(at: url) }
        try writer.write(to: url)
        let restored = GaussianEnsemble(observationDim: 1, actionDim: 1, config: smallConfig(), seed: 10)
        try restored.restore(from: CheckpointReader(contentsOf: url), prefix: "model")

        for m in 0..<3 {
            let (a, b) = (model.memberParams[m], restored.memberParams[m])
            #expect(a.values.toArray() == b.values.toArray())
            #expect(a.firstMoment.toArray() == b.firstMoment.toArray())
            #expect(a.secondMoment.toArray() == b.secondMoment.toArray())
            #expect(model.optimizers[m].step == restored.optimizers[m].step && restored.optimizers[m].step == 5)
        }
        #expect(restored.normalization == model.normalization && restored.elites == [2, 0])
        let wrongShape = GaussianEnsemble(observationDim: 2, actionDim: 1, config: smallConfig(), seed: 10)
        #expect(throws: (any Error).self) { try wrongShape.restore(from: CheckpointReader(contentsOf: url), prefix: "model") }
    }
}
