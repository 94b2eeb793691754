import Foundation

/// The environments this package can build, by the names commands and dataset files use.
public enum EnvironmentKind: String, Sendable, CaseIterable {
    case halfCheetah = "halfcheetah"
    case hopper
    case walker2d
    case pendulum

    /// Accepts an environment name or anything that starts with one, the way D4RL names datasets:
    /// "hopper", "halfcheetah-medium-v2", "walker2d_medium_replay-v2.hdf5", "datasets/hopper-expert.hdf5",
    /// "HalfCheetah-v4". The part before the first '-' or '_' of the file name, lower-cased, must be a known name.
    public init(name: String) throws {
        let fileName = (name as NSString).lastPathComponent.lowercased()
        let prefix = fileName.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == "." }).first.map(String.init)
        guard let prefix, let kind = EnvironmentKind(rawValue: prefix) else {
            throw EnvironmentError.unknownEnvironment(name: name)
        }
        self = kind
    }

    /// Dimensions, limits, reference scores and the rollout termination rule, without building a simulator.
    public var spec: EnvironmentSpec {
        switch self {
        case .halfCheetah: HalfCheetah.spec
        case .hopper: Hopper.spec
        case .walker2d: Walker2d.spec
        case .pendulum: PendulumEnvironment.spec
        }
    }

    /// A new simulator. MuJoCo environments load their model from `modelsDirectory`
    /// (default: `MuJoCoModels.defaultDirectory()`).
    public func makeEnvironment(modelsDirectory: String? = nil) throws -> any Environment {
        switch self {
        case .halfCheetah: try HalfCheetah.make(modelsDirectory: modelsDirectory)
        case .hopper: try Hopper.make(modelsDirectory: modelsDirectory)
        case .walker2d: try Walker2d.make(modelsDirectory: modelsDirectory)
        case .pendulum: PendulumEnvironment()
        }
    }
}

/// A new environment for an environment or dataset name (see `EnvironmentKind.init(name:)`).
public func makeEnvironment(name: String, modelsDirectory: String? = nil) throws -> any Environment {
    try EnvironmentKind(name: name).makeEnvironment(modelsDirectory: modelsDirectory)
}

/// The spec for an environment or dataset name, without building a simulator.
public func environmentSpec(name: String) throws -> EnvironmentSpec {
    try EnvironmentKind(name: name).spec
}
