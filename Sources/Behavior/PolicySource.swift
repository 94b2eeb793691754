import Environments
import Foundation

/// Where a behaviour policy comes from: "random", a checkpoint file, or a policy bundled with the package
/// (`Resources/policies/<env>-<kind>.ckpt`, made by `ampl behavior train`; see docs/datasets.md).
public enum PolicySource {
    /// Names of the bundled policies, e.g. "halfcheetah-medium".
    public static var bundledNames: [String] {
        guard let folder = Bundle.module.url(forResource: "policies", withExtension: nil),
              let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return files.filter { $0.hasSuffix(".ckpt") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The factor on a bundled policy's Gaussian noise with which `ampl dataset make` records it unless told
    /// otherwise. D4RL recorded its medium data with the SAC policy's own noise; our HalfCheetah SAC policy is
    /// much narrower than D4RL's (41% of its actions beyond ±0.95), and on its own-noise file no Q-driven learner,
    /// not even an independent TD3+BC, improves on behaviour cloning. Twice its noise gives D4RL-like coverage
    /// (docs/datasets.md, docs/results.md). Every other policy: 1.
    public static func standardNoiseScale(_ name: String) -> Float {
        ["halfcheetah-medium": 2][name] ?? 1
    }

    public static func bundledURL(_ name: String) -> URL? {
        Bundle.module.url(forResource: name, withExtension: "ckpt", subdirectory: "policies")
    }

    /// Resolves `argument` ("random", a bundled name, or a file path) to a policy for `spec`'s environment.
    public static func load(_ argument: String, spec: EnvironmentSpec, deterministic: Bool = false,
                            noiseScale: Float = 1) throws -> any Policy {
        if argument == "random" { return RandomPolicy(spec: spec) }
        let url: URL
        if FileManager.default.fileExists(atPath: argument) {
            url = URL(fileURLWithPath: argument)
        } else if let bundled = bundledURL(argument) {
            url = bundled
        } else {
            throw PolicySourceError.notFound(argument: argument, bundled: bundledNames)
        }
        let policy = try BehaviorPolicy.load(url, deterministic: deterministic, noiseScale: noiseScale)
        guard policy.info.env == spec.name, policy.info.observationDim == spec.observationDimension,
              policy.info.actionDim == spec.actionDimension else {
            throw PolicySourceError.wrongEnvironment(path: url.path, policyEnv: policy.info.env, env: spec.name)
        }
        return policy
    }
}

public enum PolicySourceError: Error, CustomStringConvertible, Equatable {
    case notFound(argument: String, bundled: [String])
    case wrongEnvironment(path: String, policyEnv: String, env: String)

    public var description: String {
        switch self {
        case let .notFound(argument, bundled):
            return "no policy '\(argument)': not a file and not a bundled policy (bundled: "
                + "\(bundled.isEmpty ? "none" : bundled.joined(separator: ", ")); or use 'random')"
        case let .wrongEnvironment(path, policyEnv, env):
            return "policy \(path) was trained on \(policyEnv), not \(env)"
        }
    }
}
