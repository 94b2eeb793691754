import ArgumentParser
import Behavior
import Foundation
import Numerics

/// `ampl behavior train`: online SAC that makes behaviour policies (and their replay) for project datasets.
struct BehaviorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "behavior",
        abstract: "Train behaviour policies with SAC.",
        subcommands: [Train.self])

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run online SAC, saving policy checkpoints along the way and the replay buffer.")

        @Option(help: "Environment: halfcheetah, hopper, walker2d or pendulum.")
        var env: String

        @Option(help: "Environment steps (one SAC update per step after the random phase).")
        var steps: Int

        @Option(help: "Save a policy checkpoint, with an evaluation, every this many steps.")
        var saveEvery: Int = 10_000

        @Option(help: "Output folder for policy-<step>.ckpt, progress.csv and replay.hdf5.")
        var out: String

        @Option(help: "Random seed.")
        var seed: UInt64 = 0

        @Option(help: "Episodes per evaluation.")
        var evalEpisodes: Int = 5

        @Option(help: "Steps of uniform random actions before learning starts.")
        var randomSteps: Int = 10_000

        @Option(help: "BLAS threads.")
        var threads: Int = 1

        func run() throws {
            StartupReport.begin(threads: threads)
            var run = SACRun(env: env, steps: steps, saveEvery: saveEvery, outputDirectory: URL(fileURLWithPath: out))
            run.seed = seed
            run.evaluationEpisodes = evalEpisodes
            run.config.randomSteps = randomSteps
            try SACTrainer(run).train { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
        }
    }
}
