import Testing
@testable import Dynamics

@Suite("Joint early stopping, the snapshot rule and elite choice (spec §3.4 items 6–7)")
struct EarlyStoppingTests {
    @Test func counterResetsOnFirstEpochAndOnAnyImprovementAndStopsAtPatience() {
        var stopping = JointEarlyStopping(patience: 3)
        // Per model epoch: did any member improve → (counter afterwards, stop?)
        let epochs: [(improved: Bool, counter: Int, stop: Bool)] = [
            (false, 0, false),      // epoch 1 resets even without improvement
            (false, 1, false),
            (true, 0, false),       // any member improving resets
            (false, 1, false),
            (false, 2, false),
            (false, 3, true),       // the third epoch in a row without improvement stops
        ]
        for (epoch, expected) in epochs.enumerated() {
            let stop = stopping.record(anyMemberImproved: expected.improved)
            #expect(stop == expected.stop && stopping.epochsWithoutImprovement == expected.counter, "epoch \(epoch + 1)")
        }
        #expect(stopping.shouldStop && stopping.modelEpochs == 6)
    }

    @Test func snapshotRuleNeedsMoreThanOnePercentRelativeImprovement() {
        #expect(WeightedMLETrainer.isImprovement(5, over: nil, threshold: 0.01))
        #expect(!WeightedMLETrainer.isImprovement(.nan, over: nil, threshold: 0.01))
        #expect(!WeightedMLETrainer.isImprovement(0.995, over: 1, threshold: 0.01))
        #expect(!WeightedMLETrainer.isImprovement(0.99, over: 1, threshold: 0.01))   // exactly 1% is not more
        #expect(WeightedMLETrainer.isImprovement(0.98, over: 1, threshold: 0.01))
        // Gaussian NLLs are often negative: the improvement is relative to |best|.
        #expect(WeightedMLETrainer.isImprovement(-1.02, over: -1, threshold: 0.01))
        #expect(!WeightedMLETrainer.isImprovement(-0.9, over: -1, threshold: 0.01))
    }

    @Test func elitesAreTheLowestLossesInMemberOrder() {
        #expect(EliteSelection.lowest(2, of: [3, 1, .nan, 0.5]) == [1, 3])
        #expect(EliteSelection.lowest(3, of: [-2, 4, .nan, -3, 0]) == [0, 3, 4])
        #expect(EliteSelection.lowest(2, of: [1, 1, 1]) == [0, 1])              // ties go to the lower index
        #expect(EliteSelection.lowest(2, of: [.nan, 7, .nan]) == [0, 1])        // NaN only when nothing else
    }
}
