import Datasets
import Numerics
import Testing

@Suite struct SamplingTests {
    /// A dataset whose row i has observation (i, i), action -i, reward 10·i, s' (i + 0.5, i + 0.5),
    /// terminal 1 for odd i: any sampled slot reveals its row and whether its columns agree.
    func labelledDataset(rows n: Int) throws -> OfflineDataset {
        let steps = D4RLSteps(
            observations: ShapedArray(rows: n, cols: 2, values: (0..<n).flatMap { [Float($0), Float($0)] }),
            actions: ShapedArray(rows: n, cols: 1, values: (0..<n).map { -Float($0) }),
            rewards: (0..<n).map { Float($0 * 10) },
            terminals: (0..<n).map { $0 % 2 == 1 }, timeouts: Array(repeating: false, count: n),
            nextObservations: ShapedArray(rows: n, cols: 2, values: (0..<n).flatMap { [Float($0) + 0.5, Float($0) + 0.5] }))
        return try OfflineDataset(qlearningFrom: steps)
    }

    /// Checks every slot holds one consistent row of the labelled data and returns the rows.
    func sampledRows(_ batch: TransitionBatch, slots: Range<Int>) -> [Int] {
        slots.map { slot in
            let row = Int(batch.observations[slot, 0])
            #expect(batch.observations[slot, 1] == Float(row))
            #expect(batch.actions[slot, 0] == -Float(row))
            #expect(batch.rewards[slot, 0] == Float(row * 10))
            #expect(batch.nextObservations[slot, 0] == Float(row) + 0.5)
            #expect(batch.terminals[slot, 0] == Float(row % 2))
            return row
        }
    }

    @Test func uniformSamplingDrawsOnlyValidRowsAndIsDeterministicPerSeed() throws {
        let dataset = try labelledDataset(rows: 37)
        let batch = TransitionBatch(size: 256, observationDim: 2, actionDim: 1)
        var random = RandomStream(seed: 7, purpose: .batchSampling)
        dataset.sampleUniformly(into: batch, random: &random)
        let rows = sampledRows(batch, slots: 0..<256)
        #expect(rows.allSatisfy { (0..<37).contains($0) })
        #expect(Set(rows).count > 30, "256 draws from 37 rows should reach almost all of them")

        var again = RandomStream(seed: 7, purpose: .batchSampling)
        let second = TransitionBatch(size: 256, observationDim: 2, actionDim: 1)
        dataset.sampleUniformly(into: second, random: &again)
        #expect(second.observations.toArray() == batch.observations.toArray())
        #expect(again == random, "both streams advanced identically")

        var other = RandomStream(seed: 8, purpose: .batchSampling)
        dataset.sampleUniformly(into: second, random: &other)
        #expect(second.observations.toArray() != batch.observations.toArray())
    }

    @Test func samplingIntoSlotsLeavesTheRestOfTheBatch() throws {
        let dataset = try labelledDataset(rows: 5)
        let batch = TransitionBatch(size: 8, observationDim: 2, actionDim: 1)
        batch.observations.fill(-1)
        var random = RandomStream(seed: 1)
        dataset.sampleUniformly(into: batch, slots: 2..<6, random: &random)
        _ = sampledRows(batch, slots: 2..<6)
        #expect(batch.observations.rows(0, 2).toArray().allSatisfy { $0 == -1 })
        #expect(batch.observations.rows(6, 2).toArray().allSatisfy { $0 == -1 })
    }

    /// Rows r ..< r + n of the labelled layout, as the five matrices `add` takes.
    func addLabelledRows(_ buffer: TransitionBuffer, from first: Int, count n: Int) {
        let storage = FloatStorage(count: n * 7)
        let observations = storage.matrix(rows: n, cols: 2, offset: 0)
        let actions = storage.matrix(rows: n, cols: 1, offset: 2 * n)
        let rewards = storage.matrix(rows: n, cols: 1, offset: 3 * n)
        let nextObservations = storage.matrix(rows: n, cols: 2, offset: 4 * n)
        let terminals = storage.matrix(rows: n, cols: 1, offset: 6 * n)
        for i in 0..<n {
            let row = first + i
            observations[i, 0] = Float(row); observations[i, 1] = Float(row)
            actions[i, 0] = -Float(row)
            rewards[i, 0] = Float(row * 10)
            nextObservations[i, 0] = Float(row) + 0.5; nextObservations[i, 1] = Float(row) + 0.5
            terminals[i, 0] = Float(row % 2)
        }
        // The matrices are views: `storage` must outlive the add.
        withExtendedLifetime(storage) {
            buffer.add(observations: observations, actions: actions, rewards: rewards,
                       nextObservations: nextObservations, terminals: terminals)
        }
    }

    func storedRows(_ buffer: TransitionBuffer) -> [Int] {
        (0..<buffer.count).map { Int(buffer.columns.observations[$0 * 2]) }
    }

    @Test func ringBufferWrapsAroundOverwritingTheOldest() throws {
        let buffer = TransitionBuffer(capacity: 5, observationDim: 2, actionDim: 1)
        addLabelledRows(buffer, from: 0, count: 3)
        #expect((buffer.count, buffer.writeIndex) == (3, 3))
        #expect(storedRows(buffer) == [0, 1, 2])

        addLabelledRows(buffer, from: 3, count: 4)   // fills rows 3, 4, then wraps to 0, 1
        #expect((buffer.count, buffer.writeIndex) == (5, 2))
        #expect(storedRows(buffer) == [5, 6, 2, 3, 4])
        let expectedNext: [Float] = [5.5, 5.5, 6.5, 6.5, 2.5, 2.5, 3.5, 3.5, 4.5, 4.5]
        #expect(buffer.columns.nextObservations.toArray() == expectedNext)
        #expect(buffer.columns.terminals.toArray() == [1, 0, 0, 1, 0])

        addLabelledRows(buffer, from: 7, count: 12)  // more than the capacity: only rows 14 ... 18 survive
        #expect((buffer.count, buffer.writeIndex) == (5, 4))
        #expect(storedRows(buffer).sorted() == [14, 15, 16, 17, 18])
        #expect(storedRows(buffer) == [15, 16, 17, 18, 14])

        let batch = TransitionBatch(size: 64, observationDim: 2, actionDim: 1)
        var random = RandomStream(seed: 2)
        buffer.sampleUniformly(into: batch, random: &random)
        #expect(Set(sampledRows(batch, slots: 0..<64)).isSubset(of: [14, 15, 16, 17, 18]))
    }

    @Test func partlyFilledBufferSamplesOnlyFilledRows() {
        let buffer = TransitionBuffer(capacity: 100, observationDim: 2, actionDim: 1)
        addLabelledRows(buffer, from: 1, count: 3)
        let batch = TransitionBatch(size: 64, observationDim: 2, actionDim: 1)
        var random = RandomStream(seed: 4)
        buffer.sampleUniformly(into: batch, random: &random)
        #expect(Set(sampledRows(batch, slots: 0..<64)) == [1, 2, 3])
    }

    @Test func checkpointRestoreReproducesTheBuffer() throws {
        let original = TransitionBuffer(capacity: 4, observationDim: 2, actionDim: 1)
        addLabelledRows(original, from: 0, count: 6)

        let restored = TransitionBuffer(capacity: 4, observationDim: 2, actionDim: 1)
        for (source, destination) in [(original.columns.observations, restored.columns.observations),
                                      (original.columns.actions, restored.columns.actions),
                                      (original.columns.rewards, restored.columns.rewards),
                                      (original.columns.nextObservations, restored.columns.nextObservations),
                                      (original.columns.terminals, restored.columns.terminals)] {
            destination.copy(from: source)
        }
        try restored.restore(count: original.count, writeIndex: original.writeIndex)
        addLabelledRows(original, from: 6, count: 3)
        addLabelledRows(restored, from: 6, count: 3)
        #expect(storedRows(restored) == storedRows(original))
        #expect(restored.writeIndex == original.writeIndex)

        #expect(throws: TransitionBuffer.InvalidState.self) { try restored.restore(count: 2, writeIndex: 3) }
        #expect(throws: TransitionBuffer.InvalidState.self) { try restored.restore(count: 5, writeIndex: 0) }
        restored.removeAll()
        #expect((restored.count, restored.writeIndex) == (0, 0))
    }
}
