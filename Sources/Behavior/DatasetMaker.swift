import Datasets
import Environments
import Foundation
import Numerics

/// The dataset kinds of D4RL's locomotion suite.
public enum DatasetKind: String, CaseIterable, Sendable {
    case random, medium, expert
    case mediumReplay = "medium-replay"
    case mediumExpert = "medium-expert"

    /// Kinds recorded by rolling out a behaviour policy, whose noise `policyNoiseScale` can widen.
    public var recordsABehaviorPolicy: Bool { [.medium, .expert, .mediumExpert].contains(self) }
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
    /// Behaviour kinds: actions are tanh(μ + s·σε) with s = this (1: the policy as trained); nil means the
    /// policy's standard scale (`PolicySource.standardNoiseScale`: 2 for the bundled halfcheetah-medium, else 1).
    /// Recorded in `metadata/policy_noise_scale` when it is not 1.
    public var policyNoiseScale: Float?

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
        if let scale = request.policyNoiseScale {
            guard scale > 0, scale.isFinite else { throw DatasetMakerError.badNoiseScale(scale) }
            guard scale == 1 || request.kind.recordsABehaviorPolicy else {
                throw DatasetMakerError.noiseScaleWithoutPolicy(kind: request.kind)
            }
        }
        var request = request
        let policyName = request.policy ?? "\(spec.name)-\(request.kind == .mediumExpert ? "medium" : request.kind.rawValue)"
        let scale = request.policyNoiseScale
            ?? (request.kind.recordsABehaviorPolicy ? PolicySource.standardNoiseScale(policyName) : 1)
        request.policyNoiseScale = scale
        switch request.kind {
        case .random:
            return try record(request, kind: .random, parts: partsOf(request, spec: spec) { RandomPolicy(spec: spec) })
        case .medium, .expert:
            _ = try PolicySource.load(policyName, spec: spec)                    // fail early, on this thread
            return try record(request, kind: request.kind,
                              parts: partsOf(request, spec: spec) { try PolicySource.load(policyName, spec: spec, noiseScale: scale) })
        case .mediumExpert:
            let mediumName = policyName, expertName = "\(spec.name)-expert"
            _ = try PolicySource.load(mediumName, spec: spec)
            _ = try PolicySource.load(expertName, spec: spec)
            var expert = request
            expert.seed = request.seed &+ 1
            let medium = try partsOf(request, spec: spec) { try PolicySource.load(mediumName, spec: spec, noiseScale: scale) }
            let second = try partsOf(expert, spec: spec) { try PolicySource.load(expertName, spec: spec, noiseScale: scale) }
            return try record(request, kind: .mediumExpert, parts: medium + second)
        case .mediumReplay:
            return try cutReplay(request, spec: spec)
        }
    }

    /// A dataset is recorded in this many independent parts, each on its own thread with its own environment,
    /// policy copy and random streams (keyed by part), then joined in part order. The number is fixed, not the
    /// machine's core count, so a seed gives the same file everywhere.
    static let parts = 2

    /// One part of a dataset: `steps` steps of one policy, recorded from fresh episodes.
    struct Part: @unchecked Sendable {
        let environment: any Environment
        let makePolicy: @Sendable () throws -> any Policy
        let steps: Int
        let seed: UInt64
        let index: Int
    }

    /// Splits `request.steps` into `parts` parts; environments are built here, on the calling thread.
    static func partsOf(_ request: DatasetRequest, spec: EnvironmentSpec,
                        makePolicy: @escaping @Sendable () throws -> any Policy) throws -> [Part] {
        try (0..<parts).map { index in
            Part(environment: try makeEnvironment(name: spec.name), makePolicy: makePolicy,
                 steps: request.steps / parts + (index < request.steps % parts ? 1 : 0), seed: request.seed, index: index)
        }
    }

    /// Records every part in parallel and joins them. A part's last episode is cut where the part ends: the cut
    /// is marked as a timeout (so episodes do not run into each other and episode starts stay recoverable), and
    /// the behaviour score counts only episodes that ended by termination or the time limit.
    static func record(_ request: DatasetRequest, kind: DatasetKind, parts: [Part]) throws -> D4RLSteps {
        let spec = parts[0].environment.spec
        let results = UnsafeMutableBufferPointer<Result<(StepRecorder, BehaviorPolicy?), Error>?>.allocate(capacity: parts.count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        let slots = ResultSlots(results)
        DispatchQueue.concurrentPerform(iterations: parts.count) { i in
            slots.buffer[i] = Result { try recordPart(parts[i]) }
        }
        var pieces: [D4RLSteps] = []
        var completedReturns: [Double] = []
        var behavior: BehaviorPolicy?
        for i in 0..<parts.count {
            let (recorder, policy) = try results[i]!.get()
            behavior = behavior ?? policy
            var piece = recorder.steps(metadata: DatasetMetadata())
            completedReturns += piece.completeEpisodeReturns
            if i < parts.count - 1, let last = piece.timeouts.indices.last, !piece.terminals[last] { piece.timeouts[last] = true }
            pieces.append(piece)
        }
        var steps = concatenate(pieces)
        steps.metadata = DatasetMetadata(envName: spec.name, kind: kind.rawValue, algorithm: behavior == nil ? "random" : "SAC",
                                         policyNoiseScale: request.policyNoiseScale.flatMap { $0 == 1 ? nil : Double($0) })
        if !completedReturns.isEmpty {
            steps.metadata.behaviorScore = spec.normalizedScore(completedReturns.reduce(0, +) / Double(completedReturns.count)) / 100
        }
        if let behavior, kind != .mediumExpert {
            for (key, array) in behavior.d4rlPolicyArrays() {
                steps.policyArrays[key] = ShapedArray(shape: array.shape, values: array.values)
            }
        }
        return steps
    }

    /// Writes of distinct slots from `concurrentPerform`'s threads, each slot by one thread.
    struct ResultSlots: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<Result<(StepRecorder, BehaviorPolicy?), Error>?>
        init(_ buffer: UnsafeMutableBufferPointer<Result<(StepRecorder, BehaviorPolicy?), Error>?>) { self.buffer = buffer }
    }

    static func recordPart(_ part: Part) throws -> (StepRecorder, BehaviorPolicy?) {
        let environment = part.environment, spec = environment.spec
        let policy = try part.makePolicy()
        var recorder = StepRecorder(spec: spec, reserve: part.steps)
        var envRng = RandomStream(seed: part.seed, purpose: .environment, indices: [UInt64(part.index)])
        var policyRng = RandomStream(seed: part.seed, purpose: .policyNoise, indices: [UInt64(part.index)])
        var observation = environment.reset(rng: &envRng)
        var action = [Float](repeating: 0, count: spec.actionDimension)
        let behavior = policy as? BehaviorPolicy
        for _ in 0..<part.steps {
            observation.withUnsafeBufferPointer { obs in
                action.withUnsafeMutableBufferPointer { policy.act(observation: obs, rng: &policyRng, into: $0) }
            }
            let qpos = environment.qpos, qvel = environment.qvel
            let (next, outcome) = environment.step(action)
            recorder.record(observation: observation, qpos: qpos, qvel: qvel, action: action,
                            logProb: behavior?.lastLogProb ?? 0, outcome: outcome, nextObservation: next)
            observation = outcome.isLast ? environment.reset(rng: &envRng) : next
        }
        return (recorder, behavior)
    }

    static func concatenate(_ pieces: [D4RLSteps]) -> D4RLSteps {
        func join(_ arrays: [ShapedArray?]) -> ShapedArray? {
            guard let first = arrays.first ?? nil, arrays.allSatisfy({ $0 != nil }) else { return nil }
            return ShapedArray(rows: arrays.reduce(0) { $0 + $1!.rows }, cols: first.cols, values: arrays.flatMap { $0!.values })
        }
        return D4RLSteps(observations: join(pieces.map(\.observations))!, actions: join(pieces.map(\.actions))!,
                         rewards: pieces.flatMap(\.rewards), terminals: pieces.flatMap(\.terminals),
                         timeouts: pieces.flatMap(\.timeouts), nextObservations: join(pieces.map(\.nextObservations)),
                         qpos: join(pieces.map(\.qpos)), qvel: join(pieces.map(\.qvel)),
                         actionLogProbs: pieces.allSatisfy { $0.actionLogProbs != nil } ? pieces.flatMap { $0.actionLogProbs! } : nil)
    }

    /// D4RL-normalised mean return (a fraction) of the episodes that ended by termination or time limit.
    public static func behaviorScore(_ steps: D4RLSteps, spec: EnvironmentSpec) -> Double? {
        let returns = steps.completeEpisodeReturns
        guard !returns.isEmpty else { return nil }
        return spec.normalizedScore(returns.reduce(0, +) / Double(returns.count)) / 100
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
    case badNoiseScale(Float)
    case noiseScaleWithoutPolicy(kind: DatasetKind)

    public var description: String {
        switch self {
        case let .badNoiseScale(scale):
            return "--policy-noise-scale must be a positive number, got \(scale)"
        case let .noiseScaleWithoutPolicy(kind):
            return "--policy-noise-scale applies to medium, expert and medium-expert, not \(kind.rawValue)"
        case let .replayNeeded(env):
            return "medium-replay needs --replay: the replay.hdf5 of the `ampl behavior train --env \(env)` run that "
                + "made the medium policy"
        }
    }
}
