import Datasets
import Foundation
import Testing

@Suite struct D4RLRoundTripTests {
    @Test func writeThenReadIsBitExact() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("roundtrip.hdf5")
        var steps = makeSteps(episodeLengths: [7, 5, 9], terminalEpisodes: [1])
        // Values whose bits a careless conversion would change.
        steps.observations.values[0] = -0.0
        steps.observations.values[1] = .leastNonzeroMagnitude
        steps.observations.values[2] = .greatestFiniteMagnitude
        steps.rewards[3] = -.leastNormalMagnitude
        try D4RLFile.write(steps, to: path)

        let read = try D4RLFile.read(path)
        #expect(read == steps)
        #expect(bitPatterns(read.observations.values) == bitPatterns(steps.observations.values))
        #expect(bitPatterns(read.actions.values) == bitPatterns(steps.actions.values))
        #expect(bitPatterns(read.rewards) == bitPatterns(steps.rewards))
        #expect(bitPatterns(read.nextObservations!.values) == bitPatterns(steps.nextObservations!.values))
        #expect(bitPatterns(read.qpos!.values) == bitPatterns(steps.qpos!.values))
        #expect(bitPatterns(read.qvel!.values) == bitPatterns(steps.qvel!.values))
        #expect(bitPatterns(read.actionLogProbs!) == bitPatterns(steps.actionLogProbs!))
        #expect(read.policyArrays == steps.policyArrays)
        #expect(read.metadata.behaviorScore?.bitPattern == steps.metadata.behaviorScore?.bitPattern)
    }

    @Test func minimalStepsRoundTripWithoutOptionalKeys() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("minimal.hdf5")
        var steps = makeSteps(episodeLengths: [4])
        steps.nextObservations = nil
        steps.qpos = nil
        steps.qvel = nil
        steps.actionLogProbs = nil
        steps.metadata = DatasetMetadata()
        steps.policyArrays = [:]
        try D4RLFile.write(steps, to: path)
        #expect(try D4RLFile.read(path) == steps)
    }

    @Test func writeReplacesAtomicallyAndLeavesNoTemporaryFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("atomic.hdf5")
        let first = makeSteps(episodeLengths: [3], seed: 1)
        try D4RLFile.write(first, to: path)
        let second = makeSteps(episodeLengths: [6], seed: 2)
        try D4RLFile.write(second, to: path)
        #expect(try D4RLFile.read(path) == second)
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
    }

    @Test func failedWriteKeepsTheGoodFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("kept.hdf5")
        let good = makeSteps(episodeLengths: [3])
        try D4RLFile.write(good, to: path)
        var broken = makeSteps(episodeLengths: [5])
        broken.rewards.removeLast()
        #expect(throws: DatasetError.self) { try D4RLFile.write(broken, to: path) }
        // A write that fails half way (the temporary path is a directory, so HDF5 cannot create it).
        try FileManager.default.createDirectory(atPath: path + ".tmp", withIntermediateDirectories: false)
        #expect(throws: DatasetError.self) { try D4RLFile.write(good, to: path) }
        #expect(try D4RLFile.read(path) == good)
    }

    @Test func loadGivesTransitionsAndMetadata() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("load.hdf5")
        let steps = makeSteps(episodeLengths: [4, 6], terminalEpisodes: [0])
        try D4RLFile.write(steps, to: path)
        let dataset = try OfflineDataset.load(path, expecting: ExpectedDimensions(envName: "test", observationDim: 3,
                                                                                 actionDim: 2))
        #expect(dataset.count == 9)   // the timeout step of the second episode is not a transition
        #expect(dataset.metadata == steps.metadata)
        #expect(dataset.sourcePath == path)
    }
}
