// Writes progress.csv: a header with a fixed, ordered column set, then one row per `append`.
//
// Every row is written with a single write(2) straight to the file (FileHandle does no buffering), so a
// crash loses nothing that was appended. Resuming rewrites the file without the rows a crashed run logged
// after its last checkpoint, so the resumed run's CSV equals the one an uninterrupted run would write.
import Foundation

public enum CSVLoggerError: Error, CustomStringConvertible, Equatable {
    case invalidColumnName(String)
    case duplicateColumn(String)
    case unknownColumn(String, file: String)
    case headerMismatch(file: String, expected: [String], found: [String])
    case missingStepColumn(String, file: String)
    case unreadableStep(line: Int, text: String, file: String)

    public var description: String {
        switch self {
        case .invalidColumnName(let name):
            "invalid CSV column name \"\(name)\": names must be non-empty and contain no comma, quote or newline"
        case .duplicateColumn(let name):
            "CSV column \"\(name)\" is declared twice"
        case .unknownColumn(let name, let file):
            "\(file): row has a value for \"\(name)\", which is not one of the declared columns"
        case .headerMismatch(let file, let expected, let found):
            "\(file): header does not match this run's columns, so the run cannot resume into it.\n"
                + "  expected: \(expected.joined(separator: ","))\n"
                + "  found:    \(found.joined(separator: ","))"
        case .missingStepColumn(let column, let file):
            "\(file): cannot truncate on column \"\(column)\": the file has no such column"
        case .unreadableStep(let line, let text, let file):
            "\(file):\(line): step value \"\(text)\" is not an integer"
        }
    }
}

/// Appends one row per epoch to a CSV file whose columns are fixed when it is opened.
/// Not thread-safe: one trainer loop owns it.
public final class CSVLogger {
    public let file: URL
    public let columns: [String]
    private let handle: FileHandle

    /// Creates (or empties) `file` and writes the header.
    public init(creating file: URL, columns: [String]) throws {
        try Self.validate(columns)
        self.file = file
        self.columns = columns
        try Data(Self.line(columns).utf8).write(to: file, options: .atomic)
        handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
    }

    /// Opens an existing progress.csv to continue a run that resumes from the checkpoint taken at
    /// `lastStep`: checks that its header equals `columns`, drops every row whose `stepColumn` is greater
    /// than `lastStep` (and a torn last line), then appends after the kept rows. Creates the file if absent.
    public init(resuming file: URL, columns: [String], keepingRowsThroughStep lastStep: Int,
                stepColumn: String = ProgressColumns.step) throws {
        try Self.validate(columns)
        self.file = file
        self.columns = columns
        guard FileManager.default.fileExists(atPath: file.path) else {
            try Data(Self.line(columns).utf8).write(to: file, options: .atomic)
            handle = try FileHandle(forWritingTo: file)
            try handle.seekToEnd()
            return
        }
        let kept = try Self.rowsThroughStep(lastStep, in: file, columns: columns, stepColumn: stepColumn)
        try Data((Self.line(columns) + kept.joined()).utf8).write(to: file, options: .atomic)
        handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
    }

    deinit { try? handle.close() }

    /// Writes one row. Columns absent from `values` are left empty (for example the evaluation score on
    /// epochs without an evaluation); a key that is not a declared column is an error.
    public func append(_ values: [String: ProgressValue]) throws {
        for name in values.keys where !columns.contains(name) {
            throw CSVLoggerError.unknownColumn(name, file: file.path)
        }
        let cells = columns.map { values[$0]?.csvText ?? "" }
        try handle.write(contentsOf: Data(Self.line(cells).utf8))
    }

    private static func line(_ cells: [String]) -> String { cells.joined(separator: ",") + "\n" }

    private static func validate(_ columns: [String]) throws {
        var seen = Set<String>()
        for name in columns {
            if name.isEmpty || name.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) {
                throw CSVLoggerError.invalidColumnName(name)
            }
            if !seen.insert(name).inserted { throw CSVLoggerError.duplicateColumn(name) }
        }
    }

    /// The data lines of `file` (each with its newline) whose step is at most `lastStep`.
    private static func rowsThroughStep(_ lastStep: Int, in file: URL, columns: [String],
                                        stepColumn: String) throws -> [String] {
        let text = try String(contentsOf: file, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // A file that does not end in a newline was cut mid-row by a crash: the last piece is not a row.
        lines.removeLast()
        let header = lines.first.map(ProgressTable.cells) ?? []
        guard header == columns else {
            throw CSVLoggerError.headerMismatch(file: file.path, expected: columns, found: header)
        }
        guard let stepIndex = columns.firstIndex(of: stepColumn) else {
            throw CSVLoggerError.missingStepColumn(stepColumn, file: file.path)
        }
        var kept: [String] = []
        for (offset, line) in lines.enumerated().dropFirst() {
            let cells = ProgressTable.cells(line)
            let stepText = stepIndex < cells.count ? cells[stepIndex] : ""
            guard let step = Int(stepText) else {
                throw CSVLoggerError.unreadableStep(line: offset + 1, text: stepText, file: file.path)
            }
            if step <= lastStep { kept.append(line + "\n") }
        }
        return kept
    }
}
