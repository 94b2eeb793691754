import ArgumentParser
import Behavior
import Datasets
import Foundation

extension DatasetKind: ExpressibleByArgument {}

/// `ampl dataset make`: rolls a behaviour policy out into a D4RL-layout HDF5 file.
struct DatasetMakeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make",
        abstract: "Make a D4RL-layout dataset by running a behaviour policy in the real environment.",
        discussion: """
            Without --policy the package's bundled <env>-<kind> policy is used (\
            \(PolicySource.bundledNames.isEmpty ? "none bundled" : PolicySource.bundledNames.joined(separator: ", "))). \
            medium-expert is a medium part then an expert part of --steps each, as D4RL's is; medium-replay cuts \
            the --replay file of the SAC run that made the medium policy at that policy's training step.
            """)

    @Option(help: "Environment: halfcheetah, hopper, walker2d or pendulum.")
    var env: String

    @Option(help: "Dataset kind: \(DatasetKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: DatasetKind

    @Option(help: "Behaviour policy: a checkpoint file or a bundled name. Default: the bundled <env>-<kind>.")
    var policy: String?

    @Option(help: "medium-replay: the replay.hdf5 written by `ampl behavior train`.")
    var replay: String?

    @Option(help: "Environment steps to record.")
    var steps: Int = 1_000_000

    @Option(help: "Seed of start states and policy noise.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Factor on the behaviour policy's Gaussian noise (medium, expert, medium-expert).",
                               discussion: "Default: the policy's standard scale, 2 for the bundled halfcheetah-medium and 1 "
                                   + "otherwise. Above 1 gives wider action coverage than the policy's own; docs/datasets.md."))
    var policyNoiseScale: Float?

    @Option(help: "Output file (.hdf5).")
    var out: String

    func validate() throws {
        guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
    }

    func run() throws {
        StartupReport.begin()
        var request = DatasetRequest(env: env, kind: kind, steps: steps)
        request.policy = policy
        request.replay = replay
        request.seed = seed
        request.policyNoiseScale = policyNoiseScale
        let start = Date()
        let dataset = try DatasetMaker.make(request)
        try D4RLFile.write(dataset, to: out)
        let score = dataset.metadata.behaviorScore.map { String(format: "%.1f", $0 * 100) } ?? "n/a (no complete episode)"
        print("wrote \(out): \(dataset.count) steps of \(env)-\(kind.rawValue), behaviour score \(score), "
              + String(format: "%.1f s", Date().timeIntervalSince(start)))
    }
}
