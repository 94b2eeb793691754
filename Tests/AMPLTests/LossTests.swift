import Dynamics
import Foundation
import Numerics
import Testing
@testable import AMPL

@Suite("Actor–critic–GAN losses")
struct LossTests {
    /// Three rows: an ordinary bootstrap, a terminal row, and a row whose |Q'| ≥ 2000 is masked.
    ///   row 0: Q1ᵗ = 10, Q2ᵗ = 20 → Q' = 0.75·10 + 0.25·20 = 12.5;  y = 1 + 0.99·12.5 = 13.375
    ///   row 1: Q1ᵗ = 4, Q2ᵗ = −2, d = 1 → y = r = 0.5
    ///   row 2: Q1ᵗ = 3000, Q2ᵗ = 2500 → Q' = 2625 ≥ 2000, masked → y = r = 0.25
    @Test func criticTargetMixesHeadsAndMasksLargeBootstraps() {
        let storage = FloatStorage([10, 4, 3000, 20, -2, 2500, 1, 0.5, 0.25, 0, 1, 0, 0, 0, 0])
        let m = { (k: Int) in storage.matrix(rows: 3, cols: 1, offset: 3 * k) }
        let masked = ActorCriticLosses.bootstrapTargets(targetQ1: m(0), targetQ2: m(1), rewards: m(2), terminals: m(3),
                                                        gamma: 0.99, lambda: 0.75, mask: 2000, into: m(4))
        #expect(masked == 1)
        #expect(abs(m(4)[0, 0] - 13.375) < 1e-5)
        #expect(m(4)[1, 0] == 0.5)
        #expect(m(4)[2, 0] == 0.25)
    }

    /// D(fake) = (0.9, 0.2): L_G = −(log 0.9 + log 0.2)/2. D(real) = (0.7, 0.6) with labels (0.8, 0.95):
    /// L_D = ½[−(0.8 log 0.7 + 0.2 log 0.3 + 0.95 log 0.6 + 0.05 log 0.4)/2 − (log 0.1 + log 0.8)/2].
    @Test func generatorAndDiscriminatorLossesWithGivenLabels() {
        let s = FloatStorage([0.9, 0.2, 0.7, 0.6, 0.8, 0.95, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
        let m = { (k: Int) in s.matrix(rows: 2, cols: 1, offset: 2 * k) }
        let generator = ActorCriticLosses.generator(fake: m(0), ones: m(3), gradient: m(5))
        #expect(abs(Double(generator) + (log(0.9) + log(0.2)) / 2) < 1e-6)
        // ∂L_G/∂p = −1/(p·n)
        #expect(abs(Double(m(5)[0, 0]) + 1 / (0.9 * 2)) < 1e-5)
        let discriminator = ActorCriticLosses.discriminator(real: m(1), labels: m(2), fake: m(0), zeros: m(4),
                                                            realGradient: m(6), fakeGradient: m(7))
        let real = -(0.8 * log(0.7) + 0.2 * log(0.3) + 0.95 * log(0.6) + 0.05 * log(0.4)) / 2
        let fake = -(log(0.1) + log(0.8)) / 2
        #expect(abs(Double(discriminator) - 0.5 * (real + fake)) < 1e-6)
        // ∂L_D/∂p_fake = ½·p/(p(1 − p))/n = ½/((1 − p)·n)
        #expect(abs(Double(m(7)[0, 0]) - 0.5 / (0.1 * 2)) < 1e-4)
    }

    @Test func actorLossScalesTheQTermByTheEMA() {
        #expect(ActorCriticLosses.actor(generator: 0.7, qMean: 30, qAbsEMA: 60, weight: 10, warmStart: true) == 0.7)
        #expect(abs(ActorCriticLosses.actor(generator: 0.7, qMean: 30, qAbsEMA: 60, weight: 10, warmStart: false)
                    - (-5 + 0.7)) < 1e-6)
    }

    /// Through `iterate`: Q̄_abs starts at the first batch's mean |Q|, the loss uses the value from before each
    /// update, and the update blends at τ.
    @Test func qAbsEMAIsInitialisedFromTheFirstBatchAndUpdatedAfterTheActor() throws {
        let learner = Small.learner()
        let data = try Small.dataset()
        var random = IterationRandom(seed: 5)
        let model = FakeModel()
        #expect(learner.qAbsEMA == nil)
        var previous: Float?
        for t in 0..<4 {
            let ganBatch = sampledBatch(data, size: 8, seed: UInt64(20 + t))    // keeps the states' storage alive
            let losses = try learner.iterate(criticBatch: sampledBatch(data, size: 8, seed: UInt64(10 + t)),
                                             ganStates: ganBatch.observations,
                                             realPairs: sampledBatch(data, size: 16, seed: UInt64(30 + t)), model: model,
                                             termination: Small.termination, warmStart: false, updateActor: t % 2 == 0,
                                             random: &random)
            let used = previous ?? losses.qAbsMean
            #expect(losses.qAbsEMA == used)
            let expectedActor = -(10 / used) * losses.qMean + losses.generator
            #expect(abs(losses.actor - expectedActor) <= 1e-5 * max(1, abs(expectedActor)))
            let expectedEMA = 0.005 * losses.qAbsMean + 0.995 * used
            #expect(abs(learner.qAbsEMA! - expectedEMA) <= 1e-6 * max(1, expectedEMA))
            #expect(losses.actorUpdated == (t % 2 == 0))
            #expect(losses.fakeRows == 16)
            previous = learner.qAbsEMA
        }
    }

    /// Model next states that the termination rule ends are left out of the fake batch.
    @Test func terminalModelStatesLeaveTheFakeBatch() throws {
        let learner = Small.learner()
        let data = try Small.dataset()
        var random = IterationRandom(seed: 6)
        let ganBatch = sampledBatch(data, size: 8, seed: 2)
        let ganStates = ganBatch.observations
        // With ŝ' = s, exactly the rows with |s_0| ≤ 0.5 stay (the guard ends |s'_0| > 0.5).
        var survivors = 0
        for i in 0..<8 where abs(ganStates[i, 0]) <= 0.5 { survivors += 1 }
        let termination = ModelTermination(rule: .never, observationRange: [0.5, 1e6, 1e6], rewardRange: 1e6)
        let losses = try learner.iterate(criticBatch: sampledBatch(data, size: 8, seed: 1), ganStates: ganStates,
                                         realPairs: sampledBatch(data, size: 16, seed: 3), model: FakeModel(actionScale: 0),
                                         termination: termination, warmStart: true, updateActor: true, random: &random)
        #expect(losses.fakeRows == 8 + survivors)
        #expect(survivors > 0 && survivors < 8, "the fixture should keep some rows and drop others")
        #expect(losses.actor == losses.generator)
    }
}
