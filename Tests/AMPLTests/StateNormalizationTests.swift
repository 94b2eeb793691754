import Datasets
import Foundation
import Networks
import Numerics
import TestSupport
import Testing
@testable import AMPL

/// `actorCritic.normalizeStates`: the networks z-score raw states on the way in, so that every caller (the
/// learner, rollouts, evaluation, the MIW estimator) keeps passing raw states.
@Suite("State normalisation of the actor, critic and discriminator")
struct StateNormalizationTests {
    let scaling = InputScaling(mean: [1, -2, 0.5], std: [2, 0.5, 1e-6], minimumStd: 0.25)

    @Test func scalingWritesZScoresAndFloorsTheStd() {
        let sourceStorage = FloatStorage([3, 0, 0.5, -1, -2, 0.75]), destinationStorage = FloatStorage(count: 2 * 5)
        let destination = destinationStorage.matrix(rows: 2, cols: 5)
        scaling.write(sourceStorage.matrix(rows: 2, cols: 3), into: destination, atColumn: 1)
        // (3 − 1)/2, (0 + 2)/0.5, (0.5 − 0.5)/0.25 ; (−1 − 1)/2, 0/0.5, 0.25/0.25 (std 1e-6 floored at 0.25)
        #expect(destination.toArray() == [0, 1, 4, 0, 0, 0, -1, 0, 1, 0])
        withExtendedLifetime(sourceStorage) {}
    }

    /// The scaled networks on raw states compute exactly what unscaled copies compute on z-scored states.
    @Test func scaledNetworksOnRawStatesEqualUnscaledOnesOnZScores() {
        let rows = 4
        let rawStorage = randomStorage(rows * 3, seed: 5), zStorage = FloatStorage(count: rows * 3)
        let actionStorage = randomStorage(rows * 2, seed: 6)
        defer { withExtendedLifetime((rawStorage, zStorage, actionStorage)) {} }
        let raw = rawStorage.matrix(rows: rows, cols: 3), zScored = zStorage.matrix(rows: rows, cols: 3)
        scaling.write(raw, into: zScored, atColumn: 0)
        let actions = actionStorage.matrix(rows: rows, cols: 2)

        let scaledPolicy = ImplicitPolicy(name: "a", observationDim: 3, actionDim: 2, maxAction: 1, hidden: [8],
                                          noiseDim: 2, noiseStd: 1, noiseClamp: 3, observationScaling: scaling)
        var random = RandomStream(seed: 1, purpose: .initialization)
        scaledPolicy.initialize(random: &random)
        let plainPolicy = ImplicitPolicy(name: "b", observationDim: 3, actionDim: 2, maxAction: 1, hidden: [8],
                                         noiseDim: 2, noiseStd: 1, noiseClamp: 3)
        plainPolicy.params.copyValues(from: scaledPolicy.params)
        var noiseA = RandomStream(seed: 2, purpose: .policyNoise), noiseB = noiseA
        let scaledWorkspace = scaledPolicy.makeWorkspace(maxRows: rows), plainWorkspace = plainPolicy.makeWorkspace(maxRows: rows)
        let fromRaw = scaledPolicy.forward(raw, workspace: scaledWorkspace, random: &noiseA).actions.toArray()
        let fromZ = plainPolicy.forward(zScored, workspace: plainWorkspace, random: &noiseB).actions.toArray()
        #expect(fromRaw == fromZ)
        #expect(scaledPolicy.copy(name: "target").observationScaling == scaling)

        let scaledCritic = TwinCritic(name: "q", observationDim: 3, actionDim: 2, hidden: [8], observationScaling: scaling)
        scaledCritic.initialize(random: &random)
        let plainCritic = TwinCritic(name: "p", observationDim: 3, actionDim: 2, hidden: [8])
        plainCritic.params.copyValues(from: scaledCritic.params)
        let scaledCriticWorkspace = scaledCritic.makeWorkspace(maxRows: rows)
        let plainCriticWorkspace = plainCritic.makeWorkspace(maxRows: rows)
        let q = scaledCritic.forward(observations: raw, actions: actions, workspace: scaledCriticWorkspace)
        let p = plainCritic.forward(observations: zScored, actions: actions, workspace: plainCriticWorkspace)
        #expect(q.q1.toArray() == p.q1.toArray() && q.q2.toArray() == p.q2.toArray())
        withExtendedLifetime((scaledCriticWorkspace, plainCriticWorkspace)) {}
        #expect(scaledCritic.copy(name: "target").observationScaling == scaling)
    }

    /// The discriminator's real rows carry z-scored states next to the raw actions.
    @Test func discriminatorRowsCarryZScoredStates() {
        var config = ActorCriticConfig()
        config.batchSize = 2
        config.actorHidden = [4]; config.criticHidden = [4]; config.discriminatorHidden = [4]
        config.noiseDim = 2
        let learner = ActorCriticGAN(observationDim: 3, actionDim: 2, maxAction: 1, config: config,
                                     observationScaling: scaling, seed: 1)
        let pairs = TransitionBatch(size: 2, observationDim: 3, actionDim: 2)
        for (i, v) in [Float(3), 0, 0.5, -1, -2, 0.75].enumerated() { pairs.observations.base[i] = v }
        learner.buildRealBatch(pairs, rows: 2)
        let input = learner.realWorkspace.input(rows: 2)
        #expect([input[0, 0], input[0, 1], input[0, 2], input[1, 0], input[1, 1], input[1, 2]] == [1, 4, 0, -1, 0, 1])
    }
}
