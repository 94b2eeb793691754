import Foundation
import Networks
import Numerics
import Testing
@testable import AMPL

@Suite("Learner: evaluation policy and checkpoints")
struct LearnerTests {
    /// The evaluation policy executes the candidate with the highest min(Q1, Q2), recomputed here from the same
    /// noise draws.
    @Test func evaluationPolicyPicksTheArgmaxCandidate() {
        let learner = Small.learner(seed: 3)
        let policy = AMPLEvaluationPolicy(learner: learner, candidates: 10)
        let observation: [Float] = [0.3, -1.2, 0.7]
        var picked = [Float](repeating: 0, count: 2)
        for episode in 0..<5 {
            var rng = RandomStream(seed: UInt64(episode), purpose: .evaluation)
            var replay = rng
            observation.withUnsafeBufferPointer { o in
                picked.withUnsafeMutableBufferPointer { policy.act(observation: o, rng: &rng, into: $0) }
            }
            let states = FloatStorage(observation + observation + observation + observation + observation
                                      + observation + observation + observation + observation + observation)
            let actorWorkspace = learner.actor.makeWorkspace(maxRows: 10)
            let criticWorkspace = learner.critic.makeWorkspace(maxRows: 10)
            let actions = learner.actor.forward(states.matrix(rows: 10, cols: 3), workspace: actorWorkspace, random: &replay).actions
            let (q1, q2) = learner.critic.forward(observations: states.matrix(rows: 10, cols: 3), actions: actions,
                                                  workspace: criticWorkspace)
            let values = (0..<10).map { min(q1.base[$0], q2.base[$0]) }
            let best = values.indices.max { values[$0] < values[$1] }!
            #expect(picked == [actions[best, 0], actions[best, 1]])
            #expect(Set((0..<10).map { actions[$0, 0] }).count == 10, "each candidate has its own noise")
        }
    }

    @Test func checkpointRoundTripIsBitExact() throws {
        let learner = Small.learner(seed: 1)
        let data = try Small.dataset()
        let model = FakeModel()
        var random = IterationRandom(seed: 2)
        func iterate(_ l: ActorCriticGAN, _ t: Int, _ random: inout IterationRandom) throws -> IterationLosses {
            let ganBatch = sampledBatch(data, size: 8, seed: UInt64(100 + t))
            return try l.iterate(criticBatch: sampledBatch(data, size: 8, seed: UInt64(t)),
                          ganStates: ganBatch.observations,
                          realPairs: sampledBatch(data, size: 16, seed: UInt64(200 + t)), model: model,
                          termination: Small.termination, warmStart: t < 2, updateActor: t % 2 == 0, random: &random)
        }
        for t in 0..<4 { _ = try iterate(learner, t, &random) }
        var writer = CheckpointWriter()
        try learner.write(into: &writer)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("acgan-\(UUID().uuidString).ckpt")
        defer { try? FileManager.default.removeItem(at: url) }
        try writer.write(to: url)
        let restored = Small.learner(seed: 77)
        try restored.restore(from: CheckpointReader(contentsOf: url))
        let pairs: [(ParameterBuffer, ParameterBuffer)] = [
            (learner.actor.params, restored.actor.params), (learner.actorTarget.params, restored.actorTarget.params),
            (learner.critic.params, restored.critic.params), (learner.criticTarget.params, restored.criticTarget.params),
            (learner.discriminator.params, restored.discriminator.params)]
        for (a, b) in pairs {
            #expect(a.values.toArray() == b.values.toArray(), "\(a.name) values")
            #expect(a.firstMoment.toArray() == b.firstMoment.toArray(), "\(a.name) m")
            #expect(a.secondMoment.toArray() == b.secondMoment.toArray(), "\(a.name) v")
        }
        #expect(learner.qAbsEMA!.bitPattern == restored.qAbsEMA!.bitPattern)
        #expect(learner.actorOptimizer.step == restored.actorOptimizer.step)
        var randomCopy = random
        let next = try iterate(learner, 4, &random)
        let nextRestored = try iterate(restored, 4, &randomCopy)
        #expect(next == nextRestored)
    }

    /// A non-finite reward reaches the critic loss, and the error names the network.
    @Test func nonFiniteCriticLossNamesTheCritic() throws {
        let learner = Small.learner()
        let data = try Small.dataset()
        let batch = sampledBatch(data, size: 8, seed: 1)
        batch.rewards[0, 0] = .nan
        var random = IterationRandom(seed: 1)
        #expect(throws: NetworkError.self) {
            _ = try learner.iterate(criticBatch: batch, ganStates: batch.observations,
                                    realPairs: sampledBatch(data, size: 16, seed: 2), model: FakeModel(),
                                    termination: Small.termination, warmStart: true, updateActor: true, random: &random)
        }
        do {
            _ = try learner.iterate(criticBatch: batch, ganStates: batch.observations,
                                    realPairs: sampledBatch(data, size: 16, seed: 2), model: FakeModel(),
                                    termination: Small.termination, warmStart: true, updateActor: true, random: &random)
        } catch let error as NetworkError {
            #expect("\(error)".contains("'critic'"))
        }
    }
}
