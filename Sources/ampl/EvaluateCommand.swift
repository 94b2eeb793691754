import ArgumentParser
import Behavior
import Environments
import Foundation

/// `ampl evaluate`: runs a policy for whole episodes in the real environment and reports returns and
/// D4RL-normalised scores.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Run a policy in an environment and report its return and normalised score.",
        discussion: """
            Episode e uses the streams (seed, evaluation, e, 0) for the start state and (seed, evaluation, e, 1) \
            for the policy, so two policies evaluated with one seed start from the same states. Scores are \
            100 · (return − random) / (expert − random) with D4RL's reference returns.
            """
    )

    @Option(help: "Environment or dataset name: halfcheetah, hopper, walker2d, pendulum, or e.g. hopper-medium-v2.")
    var env: String

    @Option(help: "'random' for uniform actions in the action box, a policy checkpoint file, or a bundled policy name (e.g. halfcheetah-medium).")
    var policy: String = "random"

    @Flag(help: "Act with the policy's mean action instead of sampling (behaviour policies sample by default, as D4RL's data was collected).")
    var deterministic = false

    @Option(help: "Number of episodes to run.")
    var episodes: Int = 10

    @Option(help: "Seed of the start states and of the policy's randomness.")
    var seed: UInt64 = 0

    @Option(help: "Folder holding the MuJoCo XML models. Default: $AMPL_CACHE/mujoco/gymnasium-1.4.0.")
    var models: String?

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func validate() throws {
        guard episodes > 0 else { throw ValidationError("--episodes must be at least 1, got \(episodes)") }
    }

    func run() throws {
        StartupReport.begin()
        let environment = try makeEnvironment(name: env, modelsDirectory: models)
        let evaluator = Evaluator(environment: environment)
        let chosen = try PolicySource.load(policy, spec: environment.spec, deterministic: deterministic)
        let result = evaluator.run(policy: chosen, episodes: episodes, seed: seed)
        if json {
            try printJSON(result)
        } else {
            printTable(result)
        }
    }

    private func printJSON(_ result: EvaluationResult) throws {
        let report = EvaluationReport(
            env: result.environment, episodes: result.returns.count, seed: seed,
            meanReturn: result.meanReturn, stdReturn: result.stdReturn,
            normalizedScoreMean: result.normalizedScoreMean, normalizedScoreStd: result.normalizedScoreStd,
            meanLength: result.meanLength)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }

    private func printTable(_ result: EvaluationResult) {
        let rows = [
            ("env", result.environment),
            ("policy", policy),
            ("episodes", "\(result.returns.count) (seed \(seed))"),
            ("return", String(format: "%.2f ± %.2f  (min %.2f, max %.2f)",
                              result.meanReturn, result.stdReturn, result.minReturn, result.maxReturn)),
            ("normalized score", String(format: "%.2f ± %.2f", result.normalizedScoreMean, result.normalizedScoreStd)),
            ("episode length", String(format: "%.1f", result.meanLength)),
        ]
        for (label, value) in rows {
            print(label.padding(toLength: 18, withPad: " ", startingAt: 0) + value)
        }
    }
}

/// The `--json` output: one object, snake_case keys.
private struct EvaluationReport: Encodable {
    let env: String
    let episodes: Int
    let seed: UInt64
    let meanReturn: Double
    let stdReturn: Double
    let normalizedScoreMean: Double
    let normalizedScoreStd: Double
    let meanLength: Double

    enum CodingKeys: String, CodingKey {
        case env, episodes, seed
        case meanReturn = "mean_return"
        case stdReturn = "std_return"
        case normalizedScoreMean = "normalized_score_mean"
        case normalizedScoreStd = "normalized_score_std"
        case meanLength = "mean_length"
    }
}
