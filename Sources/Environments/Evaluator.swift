import Foundation
import Numerics

/// Summary of evaluation episodes (algorithm spec §3.10). Standard deviations are population (÷N), as numpy's
/// default `std` gives.
public struct EvaluationResult: Sendable, Equatable {
    public let environment: String
    public let returns: [Double]
    public let lengths: [Int]
    public let meanReturn: Double
    public let stdReturn: Double
    public let minReturn: Double
    public let maxReturn: Double
    public let meanLength: Double
    /// Mean and std of the per-episode normalised scores (×100). The mean equals the score of the mean return.
    public let normalizedScoreMean: Double
    public let normalizedScoreStd: Double

    public init(spec: EnvironmentSpec, returns: [Double], lengths: [Int]) {
        precondition(!returns.isEmpty && returns.count == lengths.count, "one return and length per episode")
        environment = spec.name
        self.returns = returns
        self.lengths = lengths
        (meanReturn, stdReturn) = Self.meanAndStd(returns)
        minReturn = returns.min()!
        maxReturn = returns.max()!
        meanLength = Double(lengths.reduce(0, +)) / Double(lengths.count)
        (normalizedScoreMean, normalizedScoreStd) = Self.meanAndStd(returns.map(spec.normalizedScore))
    }

    private static func meanAndStd(_ values: [Double]) -> (mean: Double, std: Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        return (mean, variance.squareRoot())
    }
}

/// Runs whole episodes of a policy in one environment and summarises their returns.
///
/// Episode e of seed s uses two streams of purpose `.evaluation`: indices [e, 0] for the environment's reset
/// and [e, 1] for the policy. Different policies evaluated with the same seed therefore start from the same
/// initial states. Each episode runs until terminated or truncated (the time limit). The observation and action
/// buffers are allocated once per evaluator.
public final class Evaluator {
    public let environment: any Environment
    private var observation: [Float]
    private var action: [Float]

    public init(environment: any Environment) {
        self.environment = environment
        observation = [Float](repeating: 0, count: environment.spec.observationDimension)
        action = [Float](repeating: 0, count: environment.spec.actionDimension)
    }

    public func run(policy: any Policy, episodes: Int, seed: UInt64) -> EvaluationResult {
        precondition(episodes > 0, "evaluate at least one episode")
        var returns: [Double] = []
        var lengths: [Int] = []
        for episode in 0..<episodes {
            let (episodeReturn, length) = runEpisode(policy: policy, seed: seed, episode: episode)
            returns.append(episodeReturn)
            lengths.append(length)
        }
        return EvaluationResult(spec: environment.spec, returns: returns, lengths: lengths)
    }

    /// One episode: its undiscounted return and its number of steps.
    public func runEpisode(policy: any Policy, seed: UInt64, episode: Int) -> (episodeReturn: Double, length: Int) {
        var environmentRNG = RandomStream(seed: seed, purpose: .evaluation, episode, 0)
        var policyRNG = RandomStream(seed: seed, purpose: .evaluation, episode, 1)
        let environment = environment
        return observation.withUnsafeMutableBufferPointer { observation in
            action.withUnsafeMutableBufferPointer { action in
                environment.reset(rng: &environmentRNG, observation: observation)
                var episodeReturn = 0.0
                while true {
                    policy.act(observation: UnsafeBufferPointer(observation), rng: &policyRNG, into: action)
                    let outcome = environment.step(action: UnsafeBufferPointer(action), observation: observation)
                    episodeReturn += outcome.reward
                    if outcome.isLast { return (episodeReturn, environment.elapsedSteps) }
                }
            }
        }
    }
}
