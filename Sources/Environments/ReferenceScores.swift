/// The returns of a random and an expert policy, which D4RL uses to put returns on a 0–100 scale.
public struct ReferenceScores: Sendable, Equatable {
    /// Return that scores 0 (D4RL's REF_MIN_SCORE, a uniform-random policy).
    public let minimum: Double
    /// Return that scores 100 (D4RL's REF_MAX_SCORE, an expert policy).
    public let maximum: Double

    public init(minimum: Double, maximum: Double) {
        precondition(maximum > minimum, "reference maximum \(maximum) must exceed minimum \(minimum)")
        self.minimum = minimum
        self.maximum = maximum
    }

    /// `100 · (R − min) / (max − min)`: D4RL's `get_normalized_score` times 100, as papers report it.
    public func normalizedScore(_ episodeReturn: Double) -> Double {
        100 * (episodeReturn - minimum) / (maximum - minimum)
    }

    // D4RL's constants (d4rl 1.1, `d4rl/infos.py`). The -v1 and -v2 datasets reuse each env's -random-v0
    // entries. They are fixed normalisation constants, not values our simulator is expected to reproduce
    // (see docs/environments.md).
    public static let halfCheetah = ReferenceScores(minimum: -280.178953, maximum: 12135.0)
    public static let hopper = ReferenceScores(minimum: -20.272305, maximum: 3234.3)
    public static let walker2d = ReferenceScores(minimum: 1.629008, maximum: 4592.3)
    public static let ant = ReferenceScores(minimum: -325.6, maximum: 3879.7)

    /// Not from D4RL (it has no Pendulum): this project's choice. A uniform-random policy on Pendulum-v1 returns
    /// about −1200 per 200-step episode (measured here: −1231 over 100 episodes; the Pendulum tests check it is
    /// within 100), and 0 is the largest return the reward allows (upright and still from the first step).
    public static let pendulum = ReferenceScores(minimum: -1200.0, maximum: 0.0)
}
