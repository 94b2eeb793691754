import ArgumentParser
import Datasets
import Foundation

/// `ampl dataset`: commands on offline datasets. Each verb is one subcommand; add new ones to `subcommands`.
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Make and inspect offline datasets (D4RL-layout HDF5 files and Minari directories).",
        subcommands: [
            DatasetMakeCommand.self,
            DatasetInfoCommand.self,
        ]
    )
}

/// `ampl dataset info FILE`: what a dataset holds, read the same way training reads it.
struct DatasetInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Print a dataset's keys, size, episodes, return statistics and metadata.",
        discussion: """
            Transitions are counted the way training builds them (d4rl.qlearning_dataset): timeout steps are \
            dropped, and so is the last step when the file has no next_observations. Returns are over complete \
            episodes, those that end in a terminal or timeout step. See docs/datasets.md.
            """
    )

    @Argument(help: "A D4RL-layout HDF5 file or a Minari dataset directory.")
    var file: String

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        let summary = try DatasetSummary.describe(file)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            printText(summary)
        }
    }

    private func printText(_ summary: DatasetSummary) {
        func row(_ label: String, _ value: String) { print(label.padding(toLength: 17, withPad: " ", startingAt: 0) + value) }
        func number(_ value: Double) -> String { String(format: "%.2f", value) }
        let metadata = summary.metadata
        print("\(summary.path) (\(summary.format == "minari" ? "Minari" : "D4RL") layout)")
        row("env", metadata.envName ?? "(not recorded)")
        row("kind", metadata.kind ?? "(not recorded)")
        row("algorithm", metadata.algorithm ?? "(not recorded)")
        row("behaviour score", metadata.behaviorScore.map { "\(number($0 * 100)) (D4RL-normalised, ×100)" }
            ?? "(not recorded)")
        if let scale = metadata.policyNoiseScale { row("policy noise", "×\(number(scale)) the behaviour policy's") }
        if let steps = summary.steps { row("steps", "\(steps) rows in the file") }
        row("transitions", "\(summary.transitions) for training, S = \(summary.observationDim), A = \(summary.actionDim)")
        row("episodes", "\(summary.episodes) started, \(summary.completeEpisodes) complete")
        if let returns = summary.returns {
            row("returns", "mean \(number(returns.mean))  std \(number(returns.std))  "
                + "min \(number(returns.min))  max \(number(returns.max))")
        } else {
            row("returns", "(no complete episode)")
        }
        guard !summary.keys.isEmpty else { return }
        print("keys:")
        let width = summary.keys.map(\.key.count).max() ?? 0
        for key in summary.keys {
            let shape = key.shape.count == 1 ? "(\(key.shape[0]),)"
                                             : "(" + key.shape.map(String.init).joined(separator: ", ") + ")"
            print("  " + key.key.padding(toLength: width + 2, withPad: " ", startingAt: 0)
                  + shape.padding(toLength: 14, withPad: " ", startingAt: 0) + key.dtype)
        }
    }
}
