import Datasets
import Foundation
import TestSupport
import Numerics
import Testing

/// A fresh temporary directory per test, removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "ampl-datasets-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }
}

/// Small random D4RL steps: `episodeLengths` episodes, each ending in a timeout unless listed in
/// `terminalEpisodes`, with every optional key filled.
func makeSteps(episodeLengths: [Int], terminalEpisodes: Set<Int> = [], observationDim: Int = 3, actionDim: Int = 2,
               seed: UInt64 = 1) -> D4RLSteps {
    var random = RandomStream(seed: seed)
    let n = episodeLengths.reduce(0, +)
    func values(_ count: Int) -> [Float] { (0..<count).map { _ in random.normal() * 3 } }
    var terminals = [Bool](repeating: false, count: n)
    var timeouts = [Bool](repeating: false, count: n)
    var end = 0
    for (episode, length) in episodeLengths.enumerated() {
        end += length
        if terminalEpisodes.contains(episode) { terminals[end - 1] = true } else { timeouts[end - 1] = true }
    }
    return D4RLSteps(
        observations: ShapedArray(rows: n, cols: observationDim, values: values(n * observationDim)),
        actions: ShapedArray(rows: n, cols: actionDim, values: values(n * actionDim)),
        rewards: values(n), terminals: terminals, timeouts: timeouts,
        nextObservations: ShapedArray(rows: n, cols: observationDim, values: values(n * observationDim)),
        qpos: ShapedArray(rows: n, cols: 4, values: values(n * 4)),
        qvel: ShapedArray(rows: n, cols: 5, values: values(n * 5)),
        actionLogProbs: values(n),
        metadata: DatasetMetadata(envName: "halfcheetah", kind: "medium", algorithm: "SAC", behaviorScore: 0.4217),
        policyArrays: ["fc0/weight": ShapedArray(rows: 4, cols: 3, values: values(12)),
                       "fc0/bias": ShapedArray(shape: [4], values: values(4))])
}

/// Float arrays equal bit for bit (so -0.0 ≠ 0.0, unlike `==`).
func bitPatterns(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

/// The error thrown by `body`, as a DatasetError, or nil (recording a failure) if it threw something else or nothing.
func datasetError(_ body: () throws -> Void) -> DatasetError? {
    do {
        try body()
        Issue.record("expected a DatasetError, but nothing was thrown")
    } catch let error as DatasetError {
        return error
    } catch {
        Issue.record("expected a DatasetError, got \(error)")
    }
    return nil
}
