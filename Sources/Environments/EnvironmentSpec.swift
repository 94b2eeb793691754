/// What is fixed about an environment, available without building its simulator: the trainer reads dimensions,
/// the rollout termination rule and the reference scores from here.
public struct EnvironmentSpec: Sendable, Equatable {
    /// Short lower-case name, the prefix of D4RL dataset names: "halfcheetah", "hopper", "walker2d", "pendulum".
    public let name: String
    public let observationDimension: Int
    public let actionDimension: Int
    /// The action box, per dimension. Environments do not clip actions (see each environment's notes).
    public let actionLow: [Float]
    public let actionHigh: [Float]
    /// The time limit, applied as truncation.
    public let maxEpisodeSteps: Int
    /// Sizes of the simulator state (MuJoCo's nq and nv), i.e. of `qpos` and `qvel`.
    public let positionCount: Int
    public let velocityCount: Int
    /// Returns that map to normalised scores 0 and 100.
    public let referenceScores: ReferenceScores
    /// When a model-predicted next observation ends a rollout.
    public let rolloutTermination: RolloutTermination

    public init(name: String, observationDimension: Int, actionDimension: Int, actionLow: [Float],
                actionHigh: [Float], maxEpisodeSteps: Int, positionCount: Int, velocityCount: Int,
                referenceScores: ReferenceScores, rolloutTermination: RolloutTermination) {
        precondition(actionLow.count == actionDimension && actionHigh.count == actionDimension,
                     "\(name): action bounds must have \(actionDimension) values")
        self.name = name
        self.observationDimension = observationDimension
        self.actionDimension = actionDimension
        self.actionLow = actionLow
        self.actionHigh = actionHigh
        self.maxEpisodeSteps = maxEpisodeSteps
        self.positionCount = positionCount
        self.velocityCount = velocityCount
        self.referenceScores = referenceScores
        self.rolloutTermination = rolloutTermination
    }

    /// D4RL's normalised score ×100 of an episode return.
    public func normalizedScore(_ episodeReturn: Double) -> Double {
        referenceScores.normalizedScore(episodeReturn)
    }
}
