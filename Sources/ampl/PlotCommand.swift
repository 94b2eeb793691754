import ArgumentParser
import Foundation
import Telemetry

/// `ampl plot RUN_DIR...`: draws the runs' learning curve (mean ± std over runs) with the dataset's
/// behaviour score, and prints the final and best scores.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Plot normalised score against steps for one run or several seeds of one setting.",
        discussion: """
            Reads each RUN_DIR/progress.csv and averages the runs at the steps they all logged. The dashed \
            line is the dataset's behaviour score, taken from RUN_DIR/run.json (or a behavior_score column).
            """
    )

    @Argument(help: ArgumentHelp("Run folders (runs/<name>), typically the seeds of one configuration.",
                                 valueName: "RUN_DIR"))
    var runDirectories: [String]

    @Option(help: ArgumentHelp("Where to write the SVG. Default: RUN_DIR/curve.svg for one run, plot.svg for several.",
                               valueName: "FILE"))
    var out: String?

    @Option(help: "The progress.csv column to plot.")
    var column: String = ProgressColumns.normalizedScore

    @Option(help: "The progress.csv column for the x axis.")
    var xColumn: String = ProgressColumns.step

    func run() throws {
        let runs = runDirectories.map { RunDirectory(url: URL(fileURLWithPath: $0, isDirectory: true)) }
        let group = try RunGroup(runs: runs, column: column, xColumn: xColumn)
        let output = out.map { URL(fileURLWithPath: $0) }
            ?? (runs.count == 1 ? runs[0].curveFile : URL(fileURLWithPath: "plot.svg"))
        try Data(group.plot().render().utf8).write(to: output, options: .atomic)

        let curve = group.curve
        print("\(column) over \(curve.runCount) run\(curve.runCount == 1 ? "" : "s"):")
        print("  final \(scoreText(curve.final, runCount: curve.runCount))")
        print("  best  \(scoreText(curve.best, runCount: curve.runCount))")
        if let behaviorScore = group.behaviorScore {
            print("  behaviour policy \(String(format: "%.1f", behaviorScore))")
        }
        print("wrote \(output.relativePath)")
    }

    /// "55.3 ± 2.7 at step 100000"; a single run has no spread to show.
    private func scoreText(_ point: CurvePoint, runCount: Int) -> String {
        let spread = runCount > 1 ? String(format: " ± %.1f", point.std) : ""
        return String(format: "%.1f", point.mean) + spread + " at \(xColumn) " + String(format: "%.0f", point.x)
    }
}
