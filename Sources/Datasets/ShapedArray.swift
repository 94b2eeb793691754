/// A Float32 array with its shape, as stored under one HDF5 key: `(N, S)` observations, `(256, 17)` weights.
/// Row-major, like numpy's default.
public struct ShapedArray: Sendable, Equatable {
    public var shape: [Int]
    public var values: [Float]

    public init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count,
                     "ShapedArray: shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)")
        self.shape = shape
        self.values = values
    }

    /// A (rows, cols) table.
    public init(rows: Int, cols: Int, values: [Float]) {
        self.init(shape: [rows, cols], values: values)
    }

    /// The leading dimension: the number of rows (1 for a scalar).
    public var rows: Int { shape.first ?? 1 }

    /// Elements per row: the product of the trailing dimensions.
    public var cols: Int { shape.dropFirst().reduce(1, *) }
}
