/// What a dataset file says about itself, from D4RL's `metadata/*` keys (or Minari's metadata.json). Every
/// field is optional because D4RL's random datasets carry no metadata at all.
public struct DatasetMetadata: Sendable, Equatable, Codable {
    /// The environment, e.g. "halfcheetah" (`metadata/env`).
    public var envName: String?
    /// The dataset kind: random, medium, expert, medium-replay, medium-expert (`metadata/kind`).
    public var kind: String?
    /// The algorithm that trained the behaviour policy, e.g. "SAC" (`metadata/algorithm`).
    public var algorithm: String?
    /// The D4RL-normalised mean return of the dataset's complete episodes, as a fraction (×100 for papers)
    /// (`metadata/behavior_score`). Computed by whoever made the file, which knows the reference scores.
    public var behaviorScore: Double?
    /// The factor on the behaviour policy's Gaussian noise when the file was recorded, if not 1
    /// (`metadata/policy_noise_scale`, this project's key; D4RL's files do not have it).
    public var policyNoiseScale: Double?

    public init(envName: String? = nil, kind: String? = nil, algorithm: String? = nil, behaviorScore: Double? = nil,
                policyNoiseScale: Double? = nil) {
        self.envName = envName
        self.kind = kind
        self.algorithm = algorithm
        self.behaviorScore = behaviorScore
        self.policyNoiseScale = policyNoiseScale
    }
}
