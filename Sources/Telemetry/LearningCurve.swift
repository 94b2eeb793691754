// One curve from several runs of the same setting (seeds): the mean and standard deviation across runs
// at every step they all logged, the way offline-RL papers report "mean ± std over seeds".
import Foundation

public enum LearningCurveError: Error, CustomStringConvertible, Equatable {
    case noRuns
    case notARunFolder(String)
    case noValues(column: String, file: String)
    case noCommonSteps(column: String)

    public var description: String {
        switch self {
        case .noRuns:
            "no runs given"
        case .notARunFolder(let path):
            "\(path) holds no progress.csv: is it a run folder (runs/<name>)?"
        case .noValues(let column, let file):
            "\(file): column \"\(column)\" has no values yet"
        case .noCommonSteps(let column):
            "the runs share no step at which all of them logged \"\(column)\"; compare runs with the same "
                + "evaluation schedule"
        }
    }
}

public struct LearningCurve: Sendable, Equatable {
    /// Mean ± std across runs, in increasing x.
    public let points: [CurvePoint]
    public let runCount: Int

    /// Aggregates runs given as (x, y) series. Only x values present in every run are kept, so a run that
    /// stopped early shortens the curve instead of silently changing which runs a point averages.
    /// The std is the population standard deviation across runs (numpy's default, ddof = 0).
    public init(runs: [[(x: Double, y: Double)]], column: String) throws {
        guard !runs.isEmpty else { throw LearningCurveError.noRuns }
        let lookups = runs.map { run in Dictionary(run.map { ($0.x, $0.y) }, uniquingKeysWith: { _, last in last }) }
        let shared = lookups.dropFirst().reduce(Set(lookups[0].keys)) { $0.intersection($1.keys) }
        guard !shared.isEmpty else { throw LearningCurveError.noCommonSteps(column: column) }
        points = shared.sorted().map { x in
            let ys = lookups.map { $0[x]! }
            let mean = ys.reduce(0, +) / Double(ys.count)
            let variance = ys.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(ys.count)
            return CurvePoint(x: x, mean: mean, std: variance.squareRoot())
        }
        runCount = runs.count
    }

    /// The last point: the score reported as "final" (CORL's "Last").
    public var final: CurvePoint { points[points.count - 1] }

    /// The point with the highest mean: the score reported as "best".
    public var best: CurvePoint { points.max { $0.mean < $1.mean }! }
}

/// What `ampl plot` needs from a set of run folders: their curve and the dataset's behaviour score.
public struct RunGroup: Sendable {
    public let runs: [RunDirectory]
    public let curve: LearningCurve
    public let xColumn: String
    public let column: String
    /// From the first run whose run.json or progress.csv has a `behavior_score`.
    public let behaviorScore: Double?
    /// From the first run.json found.
    public let dataset: String?

    public init(runs: [RunDirectory], column: String = ProgressColumns.normalizedScore,
                xColumn: String = ProgressColumns.step) throws {
        guard !runs.isEmpty else { throw LearningCurveError.noRuns }
        var series: [[(x: Double, y: Double)]] = []
        var behaviorScores: [Double] = []
        var datasets: [String] = []
        for run in runs {
            guard FileManager.default.fileExists(atPath: run.progressFile.path) else {
                throw LearningCurveError.notARunFolder(run.url.relativePath)
            }
            let table = try ProgressTable.read(from: run.progressFile)
            let points = try table.series(x: xColumn, y: column)
            guard !points.isEmpty else { throw LearningCurveError.noValues(column: column, file: table.source) }
            series.append(points)
            let info = FileManager.default.fileExists(atPath: run.runInfoFile.path)
                ? try RunInfo.read(from: run.runInfoFile) : nil
            if let score = try info?.behaviorScore ?? table.lastValue(ProgressColumns.behaviorScore) {
                behaviorScores.append(score)
            }
            if let dataset = info?.dataset { datasets.append(dataset) }
        }
        self.runs = runs
        self.curve = try LearningCurve(runs: series, column: column)
        self.xColumn = xColumn
        self.column = column
        self.behaviorScore = behaviorScores.first
        self.dataset = datasets.first
    }

    /// The picture for curve.svg: one curve, the behaviour line when known, titled by dataset.
    public func plot() -> SVGPlot {
        let label = runs.count == 1
            ? runs[0].url.lastPathComponent
            : "mean ± std over \(runs.count) runs"
        let reference = behaviorScore.map {
            ReferenceLine(value: $0, label: "behaviour policy (\(String(format: "%.1f", $0)))")
        }
        return SVGPlot(title: dataset.map { "AMPL on \($0)" } ?? "AMPL",
                       xLabel: xColumn.replacingOccurrences(of: "_", with: " "),
                       yLabel: column.replacingOccurrences(of: "_", with: " "),
                       curves: [PlotCurve(label: label, points: curve.points)],
                       reference: reference)
    }
}
