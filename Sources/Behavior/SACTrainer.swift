import Datasets
import Environments
import Foundation
import Numerics

/// What `ampl behavior train` runs: online SAC on one environment, saving a policy checkpoint (with an
/// evaluation) every `saveEvery` steps and the whole interaction history as a D4RL-layout replay file.
public struct SACRun: Sendable {
    public var env: String
    public var steps: Int
    public var saveEvery: Int
    public var outputDirectory: URL
    public var seed: UInt64 = 0
    public var evaluationEpisodes = 5
    public var config = SACConfig()

    public init(env: String, steps: Int, saveEvery: Int, outputDirectory: URL) {
        self.env = env
        self.steps = steps
        self.saveEvery = saveEvery
        self.outputDirectory = outputDirectory
    }
}

/// Runs a `SACRun`. Files in the output folder:
///   policy-<step>.ckpt   actor weights + evaluation (load with `BehaviorPolicy.load`)
///   progress.csv         step, evaluation return and normalised score, losses, α, elapsed_seconds
///   replay.hdf5          every transition so far, in order (D4RL layout; medium-replay data comes from it)
public final class SACTrainer {
    public let run: SACRun
    public let environment: any Environment
    let agent: SACAgent
    let replay: TransitionBuffer
    let batch: TransitionBatch
    var recorder: StepRecorder

    public init(_ run: SACRun) throws {
        self.run = run
        environment = try makeEnvironment(name: run.env)
        let spec = environment.spec
        var initRng = RandomStream(seed: run.seed, purpose: .initialization)
        agent = SACAgent(observationDim: spec.observationDimension, actionDim: spec.actionDimension,
                         config: run.config, rng: &initRng)
        replay = TransitionBuffer(capacity: min(run.config.replayCapacity, max(run.steps, 1)),
                                  observationDim: spec.observationDimension, actionDim: spec.actionDimension)
        batch = TransitionBatch(size: run.config.batchSize, observationDim: spec.observationDimension,
                                actionDim: spec.actionDimension)
        recorder = StepRecorder(spec: spec, reserve: run.steps)
    }

    /// Trains for `run.steps` environment steps; `log` receives one line per save.
    public func train(log: (String) -> Void) throws {
        let spec = environment.spec
        let s = spec.observationDimension, a = spec.actionDimension
        try FileManager.default.createDirectory(at: run.outputDirectory, withIntermediateDirectories: true)
        let progress = run.outputDirectory.appendingPathComponent("progress.csv")
        try "step,eval_return,eval_normalized_score,critic_loss,actor_loss,alpha,entropy,elapsed_seconds\n"
            .write(to: progress, atomically: true, encoding: .utf8)

        var envRng = RandomStream(seed: run.seed, purpose: .environment)
        var actRng = RandomStream(seed: run.seed, purpose: .exploration)
        var updateRng = RandomStream(seed: run.seed, purpose: .batchSampling)
        let policy = BehaviorPolicy(info: info(step: 0, evaluation: nil), actor: agent.actor, params: agent.actorParams,
                                    deterministic: false)
        let random = RandomPolicy(spec: spec)
        var observation = environment.reset(rng: &envRng)
        var action = [Float](repeating: 0, count: a)
        let one = (obs: FloatStorage(count: s), act: FloatStorage(count: a), reward: FloatStorage(count: 1),
                   next: FloatStorage(count: s), done: FloatStorage(count: 1))
        var losses = SACAgent.Losses()
        let start = Date()

        for step in 1...run.steps {
            let learning = step > run.config.randomSteps
            observation.withUnsafeBufferPointer { obs in
                action.withUnsafeMutableBufferPointer { out in
                    (learning ? policy : random as any Policy).act(observation: obs, rng: &actRng, into: out)
                }
            }
            let qpos = environment.qpos, qvel = environment.qvel
            let (next, outcome) = environment.step(action)
            recorder.record(observation: observation, qpos: qpos, qvel: qvel, action: action,
                            logProb: learning ? policy.lastLogProb : 0, outcome: outcome, nextObservation: next)
            for i in 0..<s { one.obs[i] = observation[i]; one.next[i] = next[i] }
            for d in 0..<a { one.act[d] = action[d] }
            one.reward[0] = Float(outcome.reward)
            one.done[0] = outcome.terminated ? 1 : 0          // a time-limit cut still bootstraps
            replay.add(observations: one.obs.matrix(rows: 1, cols: s), actions: one.act.matrix(rows: 1, cols: a),
                       rewards: one.reward.matrix(rows: 1, cols: 1), nextObservations: one.next.matrix(rows: 1, cols: s),
                       terminals: one.done.matrix(rows: 1, cols: 1))
            observation = outcome.isLast ? environment.reset(rng: &envRng) : next

            if learning {
                for _ in 0..<run.config.updatesPerStep {
                    replay.sampleUniformly(into: batch, random: &updateRng)
                    losses = try agent.update(batch: batch, rng: &updateRng)
                }
            }
            if step % run.saveEvery == 0 || step == run.steps {
                let evaluation = Evaluator(environment: try makeEnvironment(name: run.env))
                    .run(policy: policy, episodes: run.evaluationEpisodes, seed: run.seed &+ UInt64(step))
                let url = run.outputDirectory.appendingPathComponent("policy-\(step).ckpt")
                try BehaviorPolicy.save(actor: agent.actor, params: agent.actorParams,
                                        info: info(step: step, evaluation: evaluation), to: url)
                let elapsed = Date().timeIntervalSince(start)
                let row = [Double(step), evaluation.meanReturn, evaluation.normalizedScoreMean, Double(losses.critic),
                           Double(losses.actor), Double(agent.alpha), Double(losses.entropy), elapsed]
                let handle = try FileHandle(forWritingTo: progress)
                try handle.seekToEnd()
                try handle.write(contentsOf: Data((row.map { "\($0)" }.joined(separator: ",") + "\n").utf8))
                try handle.close()
                log(String(format: "step %d  return %.1f  normalised %.1f  critic %.4g  alpha %.4f  %.0f s (%.0f steps/s)",
                           step, evaluation.meanReturn, evaluation.normalizedScoreMean, Double(losses.critic),
                           Double(agent.alpha), elapsed, Double(step) / elapsed))
                if step % (run.saveEvery * 5) == 0 || step == run.steps { try writeReplay() }
            }
        }
    }

    func info(step: Int, evaluation: EvaluationResult?) -> BehaviorPolicyInfo {
        let spec = environment.spec
        return BehaviorPolicyInfo(env: spec.name, observationDim: spec.observationDimension, actionDim: spec.actionDimension,
                                  hidden: run.config.hidden, trainingSteps: step,
                                  evaluationReturn: evaluation?.meanReturn ?? .nan,
                                  normalizedScore: evaluation?.normalizedScoreMean ?? .nan,
                                  evaluationEpisodes: evaluation?.returns.count ?? 0)
    }

    func writeReplay() throws {
        let metadata = DatasetMetadata(envName: environment.spec.name, kind: "replay", algorithm: "SAC")
        try D4RLFile.write(recorder.steps(metadata: metadata),
                           to: run.outputDirectory.appendingPathComponent("replay.hdf5").path)
    }
}
