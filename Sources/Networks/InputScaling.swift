import Numerics

/// A fixed per-column z-scoring x ↦ (x − mean) / std applied where a network copies its state input into its
/// first layer's input, so that callers keep passing raw states. Statistics come from the dataset once and never
/// train; both ends of a run (coordinator and workers) compute them from the same file.
public struct InputScaling: Sendable, Equatable {
    public let mean: [Float]
    public let inverseStd: [Float]

    /// `std` is floored at `minimumStd` so that a constant column maps to 0 rather than to ±∞.
    public init(mean: [Float], std: [Float], minimumStd: Float = 1e-3) {
        precondition(mean.count == std.count, "scaling: \(mean.count) means, \(std.count) stds")
        self.mean = mean
        inverseStd = std.map { 1 / max($0, minimumStd) }
    }

    public var columns: Int { mean.count }

    // destination[:, column ..< column + n] = (source − mean) / std, source (rows, n), n = `columns`.
    public func write(_ source: Matrix, into destination: Matrix, atColumn column: Int) {
        let n = columns
        precondition(source.cols == n && source.rows == destination.rows && column + n <= destination.cols,
                     "scaling \(n) columns of \(source.rows)×\(source.cols) into \(destination.rows)×\(destination.cols)")
        mean.withUnsafeBufferPointer { mean in
            inverseStd.withUnsafeBufferPointer { inverseStd in
                for r in 0..<source.rows {
                    let from = source.base + r * source.cols, to = destination.base + r * destination.cols + column
                    for j in 0..<n { to[j] = (from[j] - mean[j]) * inverseStd[j] }
                }
            }
        }
    }
}

extension Matrix {
    /// Columns col ..< col + source.cols from `source`, through `scaling` when one is given.
    public func setColumns(_ col: Int, from source: Matrix, scaledBy scaling: InputScaling?) {
        if let scaling { scaling.write(source, into: self, atColumn: col) } else { setColumns(col, from: source) }
    }
}
