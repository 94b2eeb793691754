import Datasets
import Environments
import Numerics
import Testing
@testable import Dynamics

@Suite("RolloutGenerator: chunks, horizon, cuts at the first terminal, action modes (spec §3.8, §5.1)")
struct RolloutTests {
    /// Start states 0, 1, 2, 3 (S = 1, A = 2).
    func startStates() throws -> OfflineDataset {
        try makeDataset(observations: [[0], [1], [2], [3]], actions: Array(repeating: [0, 0], count: 4),
                        rewards: [0, 0, 0, 0], nextObservations: [[1], [2], [3], [4]])
    }

    func generator(observationRange: Float, chunkSize: Int = 2048) -> RolloutGenerator {
        RolloutGenerator(model: StepModel(), termination: ModelTermination(rule: .never, observationRange: [observationRange],
                                                                           rewardRange: 7),
                         observationDim: 1, actionDim: 2, chunkSize: chunkSize)
    }

    @Test(arguments: [(1, 32_000, 32_000), (5, 7_424, 37_120)])
    func countsIncludeTheOvershootOfTheLastChunk(horizon: Int, starts: Int, transitions: Int) throws {
        let buffer = TransitionBuffer(capacity: 40_000, observationDim: 1, actionDim: 2)
        let report = generator(observationRange: 1e6).generate(
            policy: NoisyStatePolicy(), starts: try startStates(), transitions: 32_000, horizon: horizon,
            legacyActionBroadcast: false, into: buffer, seed: 1, generation: 0)
        #expect(report.startStates == starts && report.transitionsAdded == transitions)
        #expect(buffer.count == transitions && report.terminated == 0 && report.meanReward == 0.5)
    }

    @Test func rolloutsStopAfterTheirFirstTerminalWhichIsStoredDone() throws {
        // Each step adds 1; the guard ends a rollout once s' > 3.5: a start at k keeps 4 − k transitions.
        let buffer = TransitionBuffer(capacity: 1000, observationDim: 1, actionDim: 2)
        let report = generator(observationRange: 3.5).generate(
            policy: NoisyStatePolicy(), starts: try startStates(), transitions: 200, horizon: 5,
            legacyActionBroadcast: false, into: buffer, seed: 2, generation: 3)
        let columns = buffer.columns
        var row = 0, rollouts = 0
        while row < buffer.count {                       // walk rollout by rollout, each in time order
            let start = Int(columns.observations[row])
            for t in 0..<(4 - start) {
                #expect(columns.observations[row + t] == Float(start + t))
                #expect(columns.nextObservations[row + t] == Float(start + t + 1))
                let last = t == 3 - start
                #expect(columns.terminals[row + t] == (last ? 1 : 0))
                #expect(columns.rewards[row + t] == (last ? -7 : 0.5))
            }
            row += 4 - start
            rollouts += 1
        }
        #expect(row == buffer.count && rollouts == report.startStates && report.terminated == rollouts)
        #expect(report.transitionsAdded == buffer.count)
    }

    @Test(arguments: [true, false])
    func legacyBroadcastSharesOneActionPerChunk(legacy: Bool) throws {
        let buffer = TransitionBuffer(capacity: 1000, observationDim: 1, actionDim: 2)
        _ = generator(observationRange: 1e6, chunkSize: 100).generate(
            policy: NoisyStatePolicy(), starts: try startStates(), transitions: 300, horizon: 1,
            legacyActionBroadcast: legacy, into: buffer, seed: 3, generation: 0)
        let actions = buffer.columns.actions.matrix(rows: 300, cols: 2)
        for chunk in 0..<3 {
            let distinct = Set((0..<100).map { [actions[chunk * 100 + $0, 0], actions[chunk * 100 + $0, 1]] })
            #expect(legacy ? distinct.count == 1 : distinct.count == 100)
        }
    }

    @Test func generationsAreReproducibleChunkByChunk() throws {
        let whole = TransitionBuffer(capacity: 1000, observationDim: 1, actionDim: 2)
        let pieces = TransitionBuffer(capacity: 1000, observationDim: 1, actionDim: 2)
        let starts = try startStates()
        _ = generator(observationRange: 1e6, chunkSize: 64).generate(
            policy: NoisyStatePolicy(), starts: starts, transitions: 192, horizon: 2, legacyActionBroadcast: false,
            into: whole, seed: 4, generation: 7)
        // The same chunks generated one by one (as distributed workers would) and inserted in chunk order.
        let single = generator(observationRange: 1e6, chunkSize: 64)
        for chunk in 0..<2 {
            _ = single.generateChunk(chunk, startStates: 64, policy: NoisyStatePolicy(), starts: starts, horizon: 2,
                                     legacyActionBroadcast: false, into: pieces, seed: 4, generation: 7)
        }
        #expect(whole.count == 256 && pieces.count == 256)
        #expect(whole.columns.actions.toArray() == pieces.columns.actions.toArray())
        #expect(whole.columns.observations.toArray() == pieces.columns.observations.toArray())
    }
}
