import Environments
import Numerics
import Testing
@testable import Dynamics

@Suite("ModelTermination: environment rule OR range guard, with the −rewardRange penalty (spec §3.9)")
struct ModelTerminationTests {
    @Test func hopperRuleAndGuardPerRow() {
        let s = 11
        let termination = ModelTermination(rule: .hopper, observationRange: Array(repeating: 50, count: s),
                                           rewardRange: 3)
        var rows = [[Float]](repeating: [1.2, 0.05] + Array(repeating: 0, count: s - 2), count: 4)
        rows[1][0] = 0.5            // too low: the hopper rule ends it, the reward is kept
        rows[2][5] = 60             // beyond the observation range: guarded and penalised
        let next = FloatStorage(rows.flatMap { $0 })
        let rewards = FloatStorage([1, 2, 0.5, -4])   // row 3: |r| > rewardRange, guarded and penalised
        let done = FloatStorage(count: 4)
        termination.apply(nextObservations: next.matrix(rows: 4, cols: s), rewards: rewards.matrix(rows: 4, cols: 1),
                          done: done.buffer)
        #expect(done.toArray() == [0, 1, 1, 1])
        #expect(rewards.toArray() == [1, 2, -3, -3])
    }

    @Test func neverRuleEndsOnlyGuardedRows() {
        let termination = ModelTermination(rule: .never, observationRange: [2, 2], rewardRange: 10)
        let next = FloatStorage([1, -1.5, 0, -2.5, 100, 0])
        let rewards = FloatStorage([5, 5, 5])
        let done = FloatStorage(count: 3)
        termination.apply(nextObservations: next.matrix(rows: 3, cols: 2), rewards: rewards.matrix(rows: 3, cols: 1),
                          done: done.buffer)
        #expect(done.toArray() == [0, 1, 1])
        #expect(rewards.toArray() == [5, -10, -10])
    }
}
