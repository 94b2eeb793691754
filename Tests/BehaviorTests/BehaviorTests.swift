import Environments
import Foundation
import Networks
import Numerics
import TestSupport
import Testing
@testable import Behavior

@Suite("SAC behaviour policies")
struct BehaviorTests {
    @Test func tanhGaussianActorGradientsMatchFiniteDifferences() {
        var layout = ParameterLayout()
        let actor = TanhGaussianActor(observationDim: 3, actionDim: 2, hidden: [8], layout: &layout)
        let params = ParameterBuffer(name: "actor", layout: layout)
        var rng = RandomStream(seed: 1, purpose: .initialization)
        actor.mlp.initialize(params: params, rng: &rng)
        let ws = actor.makeWorkspace(maxRows: 4)
        let obs = FloatStorage(count: 12)
        rng.fillNormal(obs.buffer)
        let gA = FloatStorage([0.3, -0.7, 1.1, 0.2, -0.4, 0.9, 0.5, -1.2]), gL = FloatStorage([0.25, -0.5, 0.75, 1.0])
        // L = Σ g_a·a + Σ g_l·log π, with the same noise on every evaluation.
        func objective() -> Double {
            var noise = RandomStream(seed: 2, purpose: .policyNoise)
            let a = actor.sample(obs.matrix(rows: 4, cols: 3), params: params, workspace: ws, rng: &noise)
            var total = 0.0
            for i in 0..<8 { total += Double(gA[i]) * Double(a.base[i]) }
            for i in 0..<4 { total += Double(gL[i]) * Double(ws.logProb[i]) }
            return total
        }
        _ = objective()
        actor.backward(actionGradient: gA.matrix(rows: 4, cols: 2), logProbGradient: gL.pointer, params: params, workspace: ws)
        let failures = gradientMismatches("θ", values: params.values.pointer, analytic: params.gradients.pointer,
                                          count: params.count, step: 1e-3, objective: objective)
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    @Test func logProbabilityOfTheSquashedGaussian() {
        // One dimension, μ = 0, log σ = 0 (zero weights): log π = log N(u; 0, 1) − log(1 − tanh²u).
        var layout = ParameterLayout()
        let actor = TanhGaussianActor(observationDim: 1, actionDim: 1, hidden: [2], layout: &layout)
        let params = ParameterBuffer(name: "actor", layout: layout)
        let ws = actor.makeWorkspace(maxRows: 1)
        let obs = FloatStorage([0.5])
        var noise = RandomStream(seed: 3, purpose: .policyNoise)
        let a = actor.sample(obs.matrix(rows: 1, cols: 1), params: params, workspace: ws, rng: &noise)
        let u = Double(atanh(a.base[0]))
        let expected = -0.5 * u * u - 0.5 * Foundation.log(2 * Double.pi) - Foundation.log(1 - tanh(u) * tanh(u))
        #expect(abs(Double(ws.logProb[0]) - expected) < 1e-4)
    }

    @Test func sacLearnsPendulum() throws {
        // A learning curve that must rise: uniform-random Pendulum returns about −1200; a few thousand SAC
        // updates with small networks bring it well above that.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ampl-sac-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        var run = SACRun(env: "pendulum", steps: 6000, saveEvery: 6000, outputDirectory: folder)
        run.config.hidden = [128, 128]
        run.config.randomSteps = 1000
        run.config.batchSize = 128
        run.config.criticLearningRate = 1e-3
        run.evaluationEpisodes = 10
        let trainer = try SACTrainer(run)
        let random = Evaluator(environment: try makeEnvironment(name: "pendulum"))
            .run(policy: RandomPolicy(spec: trainer.environment.spec), episodes: 10, seed: 7)
        try trainer.train { _ in }
        let policy = try BehaviorPolicy.load(folder.appendingPathComponent("policy-6000.ckpt"))
        let trained = Evaluator(environment: try makeEnvironment(name: "pendulum")).run(policy: policy, episodes: 10, seed: 7)
        #expect(trained.meanReturn > random.meanReturn + 400, "random \(random.meanReturn), trained \(trained.meanReturn)")
        // The replay file and the progress log were written.
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("replay.hdf5").path))
        let progress = try String(contentsOf: folder.appendingPathComponent("progress.csv"), encoding: .utf8)
        #expect(progress.split(separator: "\n").count == 2)
    }

    @Test func policyCheckpointRoundTripActsIdentically() throws {
        var layout = ParameterLayout()
        let actor = TanhGaussianActor(observationDim: 3, actionDim: 1, hidden: [16, 16], layout: &layout)
        let params = ParameterBuffer(name: "actor", layout: layout)
        var rng = RandomStream(seed: 4, purpose: .initialization)
        actor.mlp.initialize(params: params, rng: &rng)
        let info = BehaviorPolicyInfo(env: "pendulum", observationDim: 3, actionDim: 1, hidden: [16, 16],
                                      trainingSteps: 10, evaluationReturn: -300, normalizedScore: 80, evaluationEpisodes: 2)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ampl-policy-\(getpid()).ckpt")
        defer { try? FileManager.default.removeItem(at: url) }
        try BehaviorPolicy.save(actor: actor, params: params, info: info, to: url)
        let loaded = try BehaviorPolicy.load(url)
        #expect(loaded.info == info)
        let original = BehaviorPolicy(info: info, actor: actor, params: params, deterministic: false)
        var r1 = RandomStream(seed: 5, purpose: .policyNoise), r2 = r1
        var a1: [Float] = [0], a2: [Float] = [0]
        let obs: [Float] = [0.1, -0.2, 0.3]
        obs.withUnsafeBufferPointer { o in
            a1.withUnsafeMutableBufferPointer { original.act(observation: o, rng: &r1, into: $0) }
            a2.withUnsafeMutableBufferPointer { loaded.act(observation: o, rng: &r2, into: $0) }
        }
        #expect(a1 == a2)
        #expect(loaded.d4rlPolicyArrays()["fc0/weight"]?.shape == [16, 3])
    }
}
