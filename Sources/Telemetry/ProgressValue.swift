// One cell of progress.csv and the naming rule for its columns.

/// A number logged for one epoch. Integers stay integers; floats are written with Swift's shortest
/// round-trip representation (`Float(text)` gives back the same bits), so two runs can be compared exactly.
public enum ProgressValue: Sendable, Equatable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    case int(Int)
    case float(Float)
    case double(Double)

    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }

    /// The cell text: `description` is the shortest string that parses back to the same value.
    public var csvText: String {
        switch self {
        case .int(let value): value.description
        case .float(let value): value.description
        case .double(let value): value.description
        }
    }
}

/// Naming conventions shared by every writer and reader of progress.csv.
public enum ProgressColumns {
    /// Columns that carry wall-clock time end in `_seconds`; they differ between identical runs, so
    /// determinism comparisons skip them.
    public static func isWallClock(_ column: String) -> Bool { column.hasSuffix("_seconds") }

    /// The column the CSV logger truncates on when a run resumes, and the default x axis of plots.
    public static let step = "step"

    /// The default y axis of `ampl plot`.
    public static let normalizedScore = "eval_normalized_score"

    /// An optional column (or run.json field) holding the dataset's behaviour score.
    public static let behaviorScore = "behavior_score"
}

extension ProgressValue {
    /// The value as TensorBoard stores it (a 32-bit float).
    public var floatValue: Float {
        switch self {
        case .int(let value): Float(value)
        case .float(let value): value
        case .double(let value): Float(value)
        }
    }
}
