import Datasets
import Environments
import Foundation
import Numerics

/// The dataset kinds of D4RL's locomotion suite.
public enum DatasetKind: String, CaseIterable, Sendable {
    case random, medium, expert
    case mediumReplay = "medium-replay"
    case mediumExpert = "medium-expert"
}

/// What `ampl dataset make` is asked for.
public struct DatasetRequest: Sendable {
    public var env: String
    public var kind: DatasetKind
    /// A checkpoint path or bundled name; nil means the bundled `<env>-<kind>` policy (random needs none).
    public var policy: String?
    /// medium-replay only: the SAC run's replay.hdf5, cut at the medium policy's training step.
    public var replay: String?
    /// Environment steps to record (per part for medium-expert, which is medium then expert, as D4RL's is).
    public var steps: Int
    public var seed: UInt64 = 0

    public init(env: String, kind: DatasetKind, steps: Int) {
        self.env = env
        self.kind = kind
        self.steps = steps
    }
}

/// Makes D4RL-layout datasets by rolling a behaviour policy out in the real environment (or, for medium-replay,
/// by cutting a SAC run's replay). Episodes end at termination or at the 1000-step limit (`timeouts`); the last
/// episode is cut at `steps` and is neither. The behaviour score is the D4RL-normalised mean return of the
/// complete episodes, stored as a fraction in `metadata/behavior_score`.
public enum DatasetMaker {
    public static func make(_ request: DatasetRequest) throws -> D4RLSteps {
        let spec = try environmentSpec(name: request.env)
        switch request.kind {
        case .random:
            return try rollOut(request, policy: RandomPolicy(spec: spec), policyName: "random", kind: .random)
        case .medium, .expert:
            let name = request.policy ?? "\(spec.name)-\(request.kind.rawValue)"
            return try rollOut(request, policy: try PolicySource.load(name, spec: spec), policyName: name, kind: request.kind)
        case .mediumExpert:
            var medium = request, expert = request
            medium.policy = request.policy ?? "\(spec.name)-medium"
            expert.policy = "\(spec.name)-expert"
            expert.seed = request.seed &+ 1
            let first = try rollOut(medium, policy: try PolicySource.load(medium.policy!, spec: spec),
                                    policyName: medium.policy!, kind: .medium)
            let second = try rollOut(expert, policy: try PolicySource.load(expert.policy!, spec: spec),
                                     policyName: expert.policy!, kind: .expert)
            return concatenate(first, second, kind: .mediumExpert, spec: spec)
        case .mediumReplay:
            return try cutReplay(request, spec: spec)
        }
    }

    /// Runs `policy` for `request.steps` steps, recording every step.
    static func rollOut(_ request: DatasetRequest, policy: any Policy, policyName: String, kind: DatasetKind) throws -> D4RLSteps {
        let environment = try makeEnvironment(name: request.env)
        let spec = environment.spec
        var recorder = StepRecorder(spec: spec, reserve: request.steps)
        var envRng = RandomStream(seed: request.seed, purpose: .environment)
        var policyRng = RandomStream(seed: request.seed, purpose: .policyNoise)
        var observation = environment.reset(rng: &envRng)
        var action = [Float](repeating: 0, count: spec.actionDimension)
        let behavior = policy as? BehaviorPolicy
        for _ in 0..<request.steps {
            observation.withUnsafeBufferPointer { obs in
                action.withUnsafeMutableBufferPointer { policy.act(observation: obs, rng: &policyRng, into: $0) }
            }
            let qpos = environment.qpos, qvel = environment.qvel
            let (next, outcome) = environment.step(action)
            recorder.record(observation: observation, qpos: qpos, qvel: qvel, action: action,
                            logProb: behavior?.lastLogProb ?? 0, outcome: outcome, nextObservation: next)
            observation = outcome.isLast ? environment.reset(rng: &envRng) : next
        }
        var steps = recorder.steps(metadata: DatasetMetadata(envName: spec.name, kind: kind.rawValue,
                                                               algorithm: behavior == nil ? "random" : "SAC"))
        steps.metadata.behaviorScore = behaviorScore(steps, spec: spec)
        if let behavior {
            for (key, array) in behavior.d4rlPolicyArrays() {
                steps.policyArrays[key] = ShapedArray(shape: array.shape, values: array.values)
            }
        }
        return steps
    }

    /// D4RL-normalised mean return (a fraction) of the episodes that ended by termination or time limit.
    public static func behaviorScore(_ steps: D4RLSteps, spec: EnvironmentSpec) -> Double? {
        var returns: [Double] = [], current = 0.0
        for i in 0..<steps.count {
            current += Double(steps.rewards[i])
            if steps.terminals[i] || steps.timeouts[i] {
                returns.append(current)
                current = 0
            }
        }
        guard !returns.isEmpty else { return nil }
        return spec.normalizedScore(returns.reduce(0, +) / Double(returns.count)) / 100
    }

    static func concatenate(_ a: D4RLSteps, _ b: D4RLSteps, kind: DatasetKind, spec: EnvironmentSpec) -> D4RLSteps {
        func join(_ x: ShapedArray?, _ y: ShapedArray?) -> ShapedArray? {
            guard let x, let y else { return nil }
            return ShapedArray(rows: x.rows + y.rows, cols: x.cols, values: x.values + y.values)
        }
        // The first part's cut episode must not run into the second part: mark its last step as a timeout.
        var timeouts = a.timeouts
        if let last = timeouts.indices.last, !a.terminals[last] { timeouts[last] = true }
        var joined = D4RLSteps(observations: join(a.observations, b.observations)!, actions: join(a.actions, b.actions)!,
                               rewards: a.rewards + b.rewards, terminals: a.terminals + b.terminals,
                               timeouts: timeouts + b.timeouts,
                               nextObservations: join(a.nextObservations, b.nextObservations),
                               qpos: join(a.qpos, b.qpos), qvel: join(a.qvel, b.qvel),
                               actionLogProbs: a.actionLogProbs.flatMap { x in b.actionLogProbs.map { x + $0 } },
                               metadata: DatasetMetadata(envName: spec.name, kind: kind.rawValue, algorithm: "SAC"))
        joined.metadata.behaviorScore = behaviorScore(joined, spec: spec)
        return joined
    }

    /// medium-replay: the first N rows of the SAC run's replay, N = the medium policy's training steps (D4RL's
    /// medium-replay is the replay buffer of the run that produced its medium policy, up to that policy).
    static func cutReplay(_ request: DatasetRequest, spec: EnvironmentSpec) throws -> D4RLSteps {
        guard let replay = request.replay else { throw DatasetMakerError.replayNeeded(env: spec.name) }
        let name = request.policy ?? "\(spec.name)-medium"
        guard let url = FileManager.default.fileExists(atPath: name) ? URL(fileURLWithPath: name) : PolicySource.bundledURL(name)
        else { throw PolicySourceError.notFound(argument: name, bundled: PolicySource.bundledNames) }
        let medium = try BehaviorPolicy.load(url)
        var all = try D4RLFile.read(replay)
        let n = min(medium.info.trainingSteps, all.count, request.steps)
        func cut(_ x: ShapedArray?) -> ShapedArray? {
            x.map { ShapedArray(rows: n, cols: $0.cols, values: Array($0.values[0..<(n * $0.cols)])) }
        }
        all = D4RLSteps(observations: cut(all.observations)!, actions: cut(all.actions)!, rewards: Array(all.rewards[0..<n]),
                        terminals: Array(all.terminals[0..<n]), timeouts: Array(all.timeouts[0..<n]),
                        nextObservations: cut(all.nextObservations), qpos: cut(all.qpos), qvel: cut(all.qvel),
                        actionLogProbs: all.actionLogProbs.map { Array($0[0..<n]) },
                        metadata: DatasetMetadata(envName: spec.name, kind: DatasetKind.mediumReplay.rawValue, algorithm: "SAC"))
        all.metadata.behaviorScore = behaviorScore(all, spec: spec)
        return all
    }
}

public enum DatasetMakerError: Error, CustomStringConvertible, Equatable {
    case replayNeeded(env: String)

    public var description: String {
        switch self {
        case let .replayNeeded(env):
            return "medium-replay needs --replay: the replay.hdf5 of the `ampl behavior train --env \(env)` run that "
                + "made the medium policy"
        }
    }
}
