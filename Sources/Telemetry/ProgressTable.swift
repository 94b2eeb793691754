// Reads a progress.csv back: for plots, and for tests that check two runs are identical.
import Foundation

public enum ProgressTableError: Error, CustomStringConvertible, Equatable {
    case empty(file: String)
    case wrongCellCount(file: String, line: Int, expected: Int, found: Int)
    case missingColumn(String, file: String, available: [String])
    case notANumber(column: String, row: Int, text: String, file: String)

    public var description: String {
        switch self {
        case .empty(let file):
            "\(file): empty file, expected a header line"
        case .wrongCellCount(let file, let line, let expected, let found):
            "\(file):\(line): \(found) cells, but the header has \(expected) columns"
        case .missingColumn(let column, let file, let available):
            "\(file): no column \"\(column)\" (columns: \(available.joined(separator: ", ")))"
        case .notANumber(let column, let row, let text, let file):
            "\(file): row \(row), column \"\(column)\": \"\(text)\" is not a number"
        }
    }
}

/// The header and the raw cell text of a progress.csv. Cells keep their exact text, so values compare
/// bit for bit; an empty cell is a missing value.
public struct ProgressTable: Sendable, Equatable {
    /// Where the table was read from, for error messages.
    public let source: String
    public let columns: [String]
    public let rows: [[String]]

    public init(source: String, columns: [String], rows: [[String]]) {
        self.source = source
        self.columns = columns
        self.rows = rows
    }

    public static func read(from file: URL) throws -> ProgressTable {
        try parse(String(contentsOf: file, encoding: .utf8), source: file.path)
    }

    /// Parses CSV text made of plain cells (no quoting: progress.csv holds only names and numbers).
    /// A last line without its newline is a row torn by a crash and is ignored.
    public static func parse(_ text: String, source: String) throws -> ProgressTable {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast()
        guard let headerLine = lines.first else { throw ProgressTableError.empty(file: source) }
        let columns = cells(headerLine)
        var rows: [[String]] = []
        for (offset, line) in lines.enumerated().dropFirst() {
            let row = cells(line)
            guard row.count == columns.count else {
                throw ProgressTableError.wrongCellCount(file: source, line: offset + 1,
                                                        expected: columns.count, found: row.count)
            }
            rows.append(row)
        }
        return ProgressTable(source: source, columns: columns, rows: rows)
    }

    /// The cells of one CSV line, tolerating a Windows line ending.
    static func cells(_ line: String) -> [String] {
        let trimmed = line.hasSuffix("\r") ? String(line.dropLast()) : line
        return trimmed.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }

    /// The numbers in `column`, `nil` where the cell is empty.
    public func values(_ column: String) throws -> [Double?] {
        let index = try columnIndex(column)
        return try rows.enumerated().map { rowNumber, row in
            let text = row[index]
            if text.isEmpty { return nil }
            guard let value = Double(text) else {
                throw ProgressTableError.notANumber(column: column, row: rowNumber + 1, text: text, file: source)
            }
            return value
        }
    }

    /// The (x, y) pairs of the rows where both columns have a value, in file order.
    public func series(x xColumn: String, y yColumn: String) throws -> [(x: Double, y: Double)] {
        let xs = try values(xColumn)
        let ys = try values(yColumn)
        return zip(xs, ys).compactMap { x, y in
            guard let x, let y else { return nil }
            return (x, y)
        }
    }

    /// The last non-empty value of `column`, or nil when the column is absent or empty throughout.
    public func lastValue(_ column: String) throws -> Double? {
        guard columns.contains(column) else { return nil }
        return try values(column).last { $0 != nil } ?? nil
    }

    /// Where this table differs from `other`, ignoring wall-clock (`_seconds`) columns; empty when the
    /// two runs logged exactly the same numbers. Each entry is a readable sentence for a test failure.
    public func differences(from other: ProgressTable) -> [String] {
        let compared = columns.filter { !ProgressColumns.isWallClock($0) }
        let otherCompared = other.columns.filter { !ProgressColumns.isWallClock($0) }
        guard compared == otherCompared else {
            return ["columns differ: [\(compared.joined(separator: ","))] vs [\(otherCompared.joined(separator: ","))]"]
        }
        var found: [String] = []
        if rows.count != other.rows.count {
            found.append("row counts differ: \(rows.count) vs \(other.rows.count)")
        }
        for (rowNumber, (mine, theirs)) in zip(rows, other.rows).enumerated() {
            for column in compared {
                let a = mine[columns.firstIndex(of: column)!]
                let b = theirs[other.columns.firstIndex(of: column)!]
                if a != b { found.append("row \(rowNumber + 1), \(column): \(a) vs \(b)") }
            }
        }
        return found
    }

    private func columnIndex(_ column: String) throws -> Int {
        guard let index = columns.firstIndex(of: column) else {
            throw ProgressTableError.missingColumn(column, file: source, available: columns)
        }
        return index
    }
}
