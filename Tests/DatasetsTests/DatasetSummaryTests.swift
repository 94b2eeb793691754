import Datasets
import Foundation
import Testing

@Suite struct DatasetSummaryTests {
    @Test func summaryListsKeysCountsAndReturnStatistics() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("summary.hdf5")
        var steps = makeSteps(episodeLengths: [3, 2, 4], terminalEpisodes: [1])
        steps.rewards = [1, 1, 1, 5, 5, 2, 2, 2, 2]   // returns 3, 10, 8
        try D4RLFile.write(steps, to: path)

        let summary = try DatasetSummary.describe(path)
        #expect(summary.format == "d4rl")
        #expect(summary.steps == 9)
        #expect(summary.transitions == 7)   // two timeout steps dropped
        #expect((summary.observationDim, summary.actionDim) == (3, 2))
        #expect((summary.episodes, summary.completeEpisodes) == (3, 3))
        let returns = try #require(summary.returns)
        #expect((returns.mean, returns.min, returns.max) == (7, 3, 10))
        #expect(abs(returns.std - (26.0 / 3).squareRoot()) < 1e-12)
        #expect(summary.metadata == steps.metadata)
        let keys = Dictionary(uniqueKeysWithValues: summary.keys.map { ($0.key, "\($0.shape) \($0.dtype)") })
        #expect(keys["observations"] == "[9, 3] float32")
        #expect(keys["terminals"] == "[9] bool")
        #expect(keys["metadata/behavior_score"] == "[] float64")
        #expect(keys["metadata/env"] == "[] string")
        #expect(keys["metadata/policy/fc0/weight"] == "[4, 3] float32")
        #expect(summary.keys.count == 15)
    }
}
