import Foundation
import Telemetry

/// One row of progress.csv per epoch; the same scalars go to TensorBoard; curve.svg is redrawn after every
/// evaluation. Columns ending in `_seconds` carry wall time and are ignored by determinism comparisons.
final class RunTelemetry {
    static let columns = [
        "epoch", "step", "real_fraction", "critic_loss", "actor_loss", "generator_loss", "discriminator_loss",
        "q_mean", "discriminator_real", "discriminator_fake", "action_error", "generated_transitions", "model_round", "model_holdout_loss", "model_epochs", "miw_loss", "miw_mean",
        "eval_return", "eval_normalized_score", "behavior_score", "epoch_seconds", "elapsed_seconds",
        "eval_episode_length", "rollout_termination_rate", "model_reward_error", "q_dataset_mean", "mc_return_mean",
        "q_calibration_ratio",
    ]

    /// TensorBoard tags of the columns that have a group (docs/telemetry.md); the others are logged under their
    /// column names.
    static let tensorBoardTags = [
        "eval_episode_length": "eval/episode_length",
        "rollout_termination_rate": "model/rollout_termination_rate",
        "model_reward_error": "model/reward_error",
        "q_dataset_mean": "train/q_dataset_mean",
        "mc_return_mean": "train/mc_return_mean",
        "q_calibration_ratio": "train/q_calibration_ratio",
    ]

    let run: RunDirectory
    let csv: CSVLogger
    let tensorBoard: TensorBoardWriter
    let printer = ProgressPrinter()

    /// A new run, or a resumed one whose files are cut back to `resumedAfterStep`.
    init(run: RunDirectory, resumedAfterStep: Int?) throws {
        self.run = run
        if let step = resumedAfterStep {
            csv = try CSVLogger(resuming: run.progressFile, columns: Self.columns, keepingRowsThroughStep: step)
        } else {
            csv = try CSVLogger(creating: run.progressFile, columns: Self.columns)
        }
        tensorBoard = try TensorBoardWriter(directory: run.url, resumedAfterStep: resumedAfterStep)
    }

    func record(_ row: [String: ProgressValue], step: Int) throws {
        try csv.append(row)
        var scalars: [String: Float] = [:]
        for (key, value) in row where key != "epoch" && key != "step" { scalars[Self.tensorBoardTags[key] ?? key] = value.floatValue }
        try tensorBoard.add(scalars: scalars, step: step)
        try redrawCurve()
    }

    func redrawCurve() throws {
        let picture = try RunGroup(runs: [run]).plot().render()
        try Data(picture.utf8).write(to: run.curveFile, options: .atomic)
    }

    func show(_ line: ProgressLine) { printer.show(line) }
    func log(_ message: String) { printer.log(message) }
}
