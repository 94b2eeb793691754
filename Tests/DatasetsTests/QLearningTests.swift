import Datasets
import Numerics
import Testing

/// Transitions from D4RL steps as `d4rl.qlearning_dataset` builds them, on hand-made examples whose expected
/// values can be checked by eye. Observation i is the number i, reward i is 10·i.
@Suite struct QLearningTests {
    /// Episode A: steps 0–2, timeout at 2. Episode B: steps 3–4, terminal at 4. Episode C: steps 5–6, unfinished.
    func handMadeSteps(withNextObservations: Bool) -> D4RLSteps {
        let n = 7
        return D4RLSteps(
            observations: ShapedArray(rows: n, cols: 1, values: (0..<n).map(Float.init)),
            actions: ShapedArray(rows: n, cols: 1, values: (0..<n).map { -Float($0) }),
            rewards: (0..<n).map { Float($0 * 10) },
            terminals: [false, false, false, false, true, false, false],
            timeouts: [false, false, true, false, false, false, false],
            nextObservations: withNextObservations
                ? ShapedArray(rows: n, cols: 1, values: (0..<n).map { 100 + Float($0) }) : nil)
    }

    @Test func derivedNextObservationsSkipTimeoutsAndTheLastStep() throws {
        let dataset = try OfflineDataset(qlearningFrom: handMadeSteps(withNextObservations: false))
        #expect(dataset.observations.toArray() == [0, 1, 3, 4, 5])
        #expect(dataset.nextObservations.toArray() == [1, 2, 4, 5, 6])
        #expect(dataset.actions.toArray() == [0, -1, -3, -4, -5])
        #expect(dataset.rewards.toArray() == [0, 10, 30, 40, 50])
        #expect(dataset.terminals.toArray() == [0, 0, 0, 1, 0])
        #expect(dataset.timeouts == [false, true, false, false, false])
    }

    @Test func storedNextObservationsAreKeptAndTheLastStepToo() throws {
        let dataset = try OfflineDataset(qlearningFrom: handMadeSteps(withNextObservations: true))
        #expect(dataset.observations.toArray() == [0, 1, 3, 4, 5, 6])
        #expect(dataset.nextObservations.toArray() == [100, 101, 103, 104, 105, 106])
        #expect(dataset.terminals.toArray() == [0, 0, 0, 1, 0, 0])
        #expect(dataset.timeouts == [false, true, false, false, false, false])
    }

    @Test func episodeStartsFollowTerminalsAndTimeouts() throws {
        for withNext in [false, true] {
            let dataset = try OfflineDataset(qlearningFrom: handMadeSteps(withNextObservations: withNext))
            // Transition rows 0 (step 0), 2 (step 3, after A's timeout) and 4 (step 5, after B's terminal).
            #expect(dataset.episodeStarts == [0, 2, 4])
            var random = RandomStream(seed: 3)
            let storage = FloatStorage(count: 50)
            dataset.sampleEpisodeStarts(into: storage.matrix(rows: 50, cols: 1), random: &random)
            #expect(Set(storage.toArray()) == [0, 3, 5])
        }
    }

    @Test func completeEpisodeReturnsIncludeTheTimeoutStep() throws {
        let dataset = try OfflineDataset(qlearningFrom: handMadeSteps(withNextObservations: false))
        // A: 0 + 10 + 20 (the timeout step's reward counts); B: 30 + 40; C never ended.
        #expect(dataset.episodeReturns == [30, 70])
    }

    @Test func oneStepTimeoutEpisodeDoesNotFlagThePreviousEpisode() throws {
        let steps = D4RLSteps(
            observations: ShapedArray(rows: 4, cols: 1, values: [0, 1, 2, 3]),
            actions: ShapedArray(rows: 4, cols: 1, values: [0, 0, 0, 0]),
            rewards: [1, 2, 3, 4], terminals: [true, false, false, false], timeouts: [false, true, false, true])
        let dataset = try OfflineDataset(qlearningFrom: steps)
        #expect(dataset.observations.toArray() == [0, 2])
        #expect(dataset.terminals.toArray() == [1, 0])
        #expect(dataset.timeouts == [false, true])
        #expect(dataset.episodeStarts == [0, 1])
        #expect(dataset.episodeReturns == [1, 2, 7])
    }

    @Test func observationRangeIsTwiceTheLargestMagnitudeOfSAndNextS() throws {
        let steps = D4RLSteps(
            observations: ShapedArray(rows: 3, cols: 2, values: [1, -5, -3, 2, 0, 0]),
            actions: ShapedArray(rows: 3, cols: 1, values: [0, 0, 0]),
            rewards: [0, 0, 0], terminals: [false, false, false], timeouts: [false, false, false],
            nextObservations: ShapedArray(rows: 3, cols: 2, values: [0, 1, 0, 4, -7, 0]))
        let dataset = try OfflineDataset(qlearningFrom: steps)
        #expect(dataset.observationRange() == [14, 10])
    }

    @Test func rewardRescalingMapsIntoRoughlyZeroToOne() throws {
        var steps = handMadeSteps(withNextObservations: true)
        steps.rewards = [-2, 0, 5, 6, 3, 8, 1]
        let dataset = try OfflineDataset(qlearningFrom: steps)
        #expect(dataset.rewardBounds() == (min: -2, max: 8))   // the timeout step's 5 is not a transition
        let rescaled = dataset.rescaledRewards()
        let expected: [Float] = [-2, 0, 6, 3, 8, 1].map { ($0 + 2 + 1e-3) / 10 }
        #expect(rescaled.toArray() == expected)
        let replaced = dataset.replacingRewards(rescaled)
        #expect(replaced.rewards.toArray() == expected)
        #expect(dataset.rewards.toArray() == [-2, 0, 6, 3, 8, 1], "the original rewards are untouched")
        #expect(replaced.observations.base == dataset.observations.base, "other columns are shared, not copied")
    }

    @Test func constantRewardsRescaleWithoutDividingByZero() throws {
        var steps = handMadeSteps(withNextObservations: true)
        steps.rewards = Array(repeating: 4, count: 7)
        let rescaled = try OfflineDataset(qlearningFrom: steps).rescaledRewards()
        #expect(rescaled.toArray().allSatisfy { $0 == 1e-3 })
    }
}
