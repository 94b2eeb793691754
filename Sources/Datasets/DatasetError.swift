/// Why a dataset could not be read, checked or written. Every message names the file and, where there is one,
/// the key, so that a user with a broken or unexpected file knows what to look at.
public enum DatasetError: Error, CustomStringConvertible, Equatable, Sendable {
    case fileMissing(path: String)
    /// The file exists but cannot be opened or read as HDF5 (or JSON, for Minari's metadata).
    case notReadable(path: String, reason: String)
    case missingKey(path: String, key: String)
    case unsupportedType(path: String, key: String, found: String, expected: String)
    case badShape(path: String, key: String, shape: [Int], expected: String)
    /// Two keys that must have one row per step disagree.
    case lengthMismatch(path: String, key: String, rows: Int, otherKey: String, otherRows: Int)
    /// NaN or ±Inf; `row` is the first row holding one.
    case nonFinite(path: String, key: String, row: Int)
    /// The file's observation or action width differs from what the environment expects.
    case dimensionMismatch(path: String, key: String, found: Int, expected: Int, envName: String)
    case empty(path: String, reason: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .fileMissing(let path):
            return "\(path): no such file or directory"
        case .notReadable(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .missingKey(let path, let key):
            return "\(path): missing key '\(key)'"
        case .unsupportedType(let path, let key, let found, let expected):
            return "\(path): key '\(key)' holds \(found), expected \(expected)"
        case .badShape(let path, let key, let shape, let expected):
            return "\(path): key '\(key)' has shape \(Self.format(shape)), expected \(expected)"
        case .lengthMismatch(let path, let key, let rows, let otherKey, let otherRows):
            return "\(path): key '\(key)' has \(rows) rows but '\(otherKey)' has \(otherRows)"
        case .nonFinite(let path, let key, let row):
            return "\(path): key '\(key)' holds NaN or Inf, first at row \(row)"
        case .dimensionMismatch(let path, let key, let found, let expected, let envName):
            return "\(path): key '\(key)' has width \(found), but \(envName) expects \(expected)"
        case .empty(let path, let reason):
            return "\(path): dataset is empty: \(reason)"
        case .writeFailed(let path, let reason):
            return "\(path): cannot write: \(reason)"
        }
    }

    /// "(1000, 17)", numpy's way of writing a shape; "()" for a scalar.
    static func format(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
}
