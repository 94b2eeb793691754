import AMPL
import ArgumentParser
import Behavior
import Cluster
import Foundation
import Telemetry

/// `ampl train`: an AMPL run, coordinator alone (the ensemble in this process) or with `ampl worker` processes.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a policy with AMPL on an offline dataset.",
        discussion: """
            Settings are layered, later wins: paper defaults, the dataset's row of the paper's per-dataset table, \
            --preset, --config FILE.yaml, --set key.path=value (repeatable), then --scale on the schedule. The \
            resolved config is written to RUN_DIR/config.yaml. Presets: \
            \(Preset.all.map { "\($0.name) (\($0.summary))" }.joined(separator: "; ")).
            """)

    @Option(help: "Dataset name (resolves to datasets/NAME.hdf5, made from the bundled policy if missing) or file.")
    var dataset: String?

    @Option(help: "Environment, if neither the file's metadata nor the name says it.")
    var env: String?

    @Option(help: "Preset: \(Preset.all.map(\.name).joined(separator: ", ")).")
    var preset = "paper"

    @Option(help: "A YAML config file applied over the preset.")
    var config: String?

    @Option(name: .customLong("set"), help: "Override one setting, e.g. --set actorCritic.criticLearningRate=1e-4 (repeatable).")
    var overrides: [String] = []

    @Option(help: "Scale the schedule by s in (0, 1] (spec §5.5).")
    var scale: Double?

    @Option(help: "Random seed.")
    var seed: UInt64?

    @Option(help: "Run folder (default runs/<dataset>-<preset>-seed<seed>).")
    var runDir: String?

    @Option(help: "Continue the run in this folder from its last checkpoint, with its saved config.")
    var resume: String?

    @Flag(help: "Same numbers for the same seed: one BLAS thread, synchronous rollouts.")
    var deterministic = false

    @Option(help: "BLAS threads.")
    var threads: Int?

    @Option(help: "Train the ensemble in N local `ampl worker` processes (loopback).")
    var workers: Int?

    @Option(help: "Bind the coordinator to tcp://HOST:PORT and wait for --expect-workers workers.")
    var listen: String?

    @Option(help: "How many workers to wait for with --listen.")
    var expectWorkers: Int?

    @Option(help: "CURVE key directory (ampl keygen), else $AMPL_KEYS; required to --listen beyond loopback.")
    var keys: String?

    @Option(help: "Serve live metrics for Prometheus at http://0.0.0.0:P/metrics (runs with workers).")
    var metricsPort: Int?

    func run() throws {
        StartupReport.begin()
        let resolved: AMPLConfig
        let folder: RunDirectory
        if let resume {
            folder = RunDirectory(url: URL(fileURLWithPath: resume))
            resolved = try AMPLConfig.load(yamlFile: folder.configFile.path)
        } else {
            resolved = try resolveConfig()
            folder = RunDirectory(url: URL(fileURLWithPath: runDir ?? "runs/\(resolved.dataset)-\(preset)-seed\(resolved.seed)"))
        }
        let path = try DatasetFiles.resolve(resolved.dataset, directory: resolved.datasetDirectory, steps: resolved.datasetSteps,
                                            log: { print($0) })
        let cluster = try ClusterLaunch(workers: workers, listen: listen, expectWorkers: expectWorkers,
                                        keys: LauncherEnvironment.keyDirectory(explicit: keys,
                                                                               environment: ProcessInfo.processInfo.environment),
                                        metricsPort: metricsPort, config: resolved)
        defer { cluster?.stop() }
        let backend = try cluster?.makeBackend(config: resolved, datasetPath: path, runFolder: folder.url)
        let trainer = try AMPLTrainer(config: resolved, datasetPath: path, run: folder, backend: backend,
                                      resume: resume != nil)
        let summary = try trainer.train()
        func show(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "n/a" }
        print("final normalised score \(show(summary.finalScore)) (best \(show(summary.bestScore))), "
              + "behaviour score \(show(summary.behaviorScore)), \(summary.epochs) epochs in \(Int(summary.seconds)) s")
        print("run folder: \(folder.url.path) (progress.csv, curve.svg, TensorBoard events, checkpoints/)")
    }

    func resolveConfig() throws -> AMPLConfig {
        guard let chosen = Preset.named(preset) else {
            throw ValidationError("unknown preset '\(preset)'; presets: \(Preset.all.map(\.name).joined(separator: ", "))")
        }
        var resolver = ConfigResolver()
        resolver.preset = chosen
        resolver.configFile = config
        resolver.overrides = overrides
        if let dataset { resolver.overrides.insert("dataset=\(dataset)", at: 0) }
        if let env { resolver.overrides.append("env=\(env)") }
        if let seed { resolver.overrides.append("seed=\(seed)") }
        if let threads { resolver.overrides.append("threads=\(threads)") }
        if deterministic { resolver.overrides.append("deterministic=true") }
        resolver.scale = scale
        return try resolver.resolve()
    }
}
