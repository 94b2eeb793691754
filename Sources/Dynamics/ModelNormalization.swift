import Datasets
import Foundation
import Numerics

/// The z-scoring of the dynamics model's inputs x = (s, a) and targets y = (r̃, Δs) (algorithm spec §3.3):
/// mean and standard deviation per column over the full dataset, the deviation floored at 1e-12.
/// Before the first fit it is the identity (mean 0, std 1).
public struct ModelNormalization: Codable, Sendable, Equatable {
    /// (S + A) values each.
    public var inputMean: [Float]
    public var inputStd: [Float]
    /// (1 + S) values each: reward first, then Δs.
    public var targetMean: [Float]
    public var targetStd: [Float]

    public static let minimumStd: Float = 1e-12

    public init(inputMean: [Float], inputStd: [Float], targetMean: [Float], targetStd: [Float]) {
        self.inputMean = inputMean
        self.inputStd = inputStd
        self.targetMean = targetMean
        self.targetStd = targetStd
    }

    /// Mean 0 and std 1 everywhere.
    public static func identity(inputs: Int, targets: Int) -> ModelNormalization {
        ModelNormalization(inputMean: Array(repeating: 0, count: inputs), inputStd: Array(repeating: 1, count: inputs),
                           targetMean: Array(repeating: 0, count: targets), targetStd: Array(repeating: 1, count: targets))
    }

    /// Statistics of every transition of `dataset`: inputs (s, a), targets (r, s' − s), with the dataset's
    /// rewards as they are (the caller has already rescaled them). Population std (÷ N), accumulated in double
    /// in two passes.
    public static func fit(_ dataset: OfflineDataset) -> ModelNormalization {
        let data = ModelTrainingData(dataset)
        var inputs = ColumnStatistics(columns: data.inputWidth)
        var targets = ColumnStatistics(columns: data.targetWidth)
        let x = FloatStorage(count: data.inputWidth), y = FloatStorage(count: data.targetWidth)
        for pass in ColumnStatistics.Pass.allCases {
            for row in 0..<data.count {
                data.copyRow(row, input: x.pointer, target: y.pointer)
                inputs.add(x.pointer, pass: pass)
                targets.add(y.pointer, pass: pass)
            }
            inputs.finish(pass, rows: data.count)
            targets.finish(pass, rows: data.count)
        }
        return ModelNormalization(inputMean: inputs.floatMean, inputStd: inputs.floatStd,
                                  targetMean: targets.floatMean, targetStd: targets.floatStd)
    }

    /// x ← (x − mean)/std in place, one row of S + A values.
    @inline(__always)
    func normalizeInput(_ x: UnsafeMutablePointer<Float>) {
        for j in 0..<inputMean.count { x[j] = (x[j] - inputMean[j]) / inputStd[j] }
    }

    /// y ← (y − mean)/std in place, one row of 1 + S values.
    @inline(__always)
    func normalizeTarget(_ y: UnsafeMutablePointer<Float>) {
        for j in 0..<targetMean.count { y[j] = (y[j] - targetMean[j]) / targetStd[j] }
    }
}

/// Per-column mean, then per-column population std, over rows fed twice (once per pass).
private struct ColumnStatistics {
    enum Pass: CaseIterable { case mean, variance }

    var sums: [Double]
    var mean: [Double]
    var std: [Double]

    init(columns: Int) {
        sums = Array(repeating: 0, count: columns)
        mean = Array(repeating: 0, count: columns)
        std = Array(repeating: 1, count: columns)
    }

    mutating func add(_ row: UnsafePointer<Float>, pass: Pass) {
        for j in 0..<sums.count {
            switch pass {
            case .mean: sums[j] += Double(row[j])
            case .variance:
                let deviation = Double(row[j]) - mean[j]
                sums[j] += deviation * deviation
            }
        }
    }

    mutating func finish(_ pass: Pass, rows: Int) {
        let n = Double(max(rows, 1))
        switch pass {
        case .mean: mean = sums.map { $0 / n }
        case .variance: std = sums.map { ($0 / n).squareRoot() }
        }
        sums = Array(repeating: 0, count: sums.count)
    }

    var floatMean: [Float] { mean.map { Float($0) } }
    var floatStd: [Float] { std.map { max(Float($0), ModelNormalization.minimumStd) } }
}
