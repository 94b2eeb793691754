/// A row-major view of `rows × cols` contiguous Float32 values owned by someone else (a `FloatStorage`).
/// Views are cheap values; they never allocate. Shapes in comments read `(rows, cols)`.
public struct Matrix: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Float>
    public let rows: Int
    public let cols: Int

    public init(_ base: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        self.base = base
        self.rows = rows
        self.cols = cols
    }

    public var count: Int { rows * cols }
    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: base, count: count) }

    public subscript(row: Int, col: Int) -> Float {
        get { base[row * cols + col] }
        nonmutating set { base[row * cols + col] = newValue }
    }

    /// Rows `start ..< start + count` as a view of the same storage.
    public func rows(_ start: Int, _ count: Int) -> Matrix {
        precondition(start >= 0 && count >= 0 && start + count <= rows, "rows \(start)+\(count) of \(rows)")
        return Matrix(base + start * cols, rows: count, cols: cols)
    }

    /// The same elements seen as another shape with the same element count.
    public func reshaped(rows: Int, cols: Int) -> Matrix {
        precondition(rows * cols == count, "reshape \(self.rows)×\(self.cols) → \(rows)×\(cols)")
        return Matrix(base, rows: rows, cols: cols)
    }

    public func fill(_ value: Float) { buffer.update(repeating: value) }

    public func copy(from other: Matrix) {
        precondition(other.rows == rows && other.cols == cols, "copy \(other.rows)×\(other.cols) into \(rows)×\(cols)")
        base.update(from: other.base, count: count)
    }

    /// Writes `source` into columns `col ..< col + source.cols` of every row (building concat(s, a) inputs).
    public func setColumns(_ col: Int, from source: Matrix) {
        precondition(source.rows == rows && col + source.cols <= cols, "setColumns out of range")
        for r in 0..<rows {
            (base + r * cols + col).update(from: source.base + r * source.cols, count: source.cols)
        }
    }

    public func toArray() -> [Float] { Array(buffer) }
}
