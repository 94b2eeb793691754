import Environments
import Numerics
import Testing

/// Model-rollout termination rules on predicted observations (algorithm spec §3.9), row by row.
struct RolloutTerminationTests {
    /// Runs `rule` over `rows` (each one observation) and returns the done flags.
    func done(_ rule: RolloutTermination, _ rows: [[Float]]) -> [Float] {
        let storage = FloatStorage(rows.flatMap { $0 })
        let observations = storage.matrix(rows: rows.count, cols: rows[0].count)
        var flags = [Float](repeating: -1, count: rows.count)
        flags.withUnsafeMutableBufferPointer { rule.markDone(nextObservations: observations, done: $0) }
        return flags
    }

    func hopperRow(height: Float = 1.25, angle: Float = 0, last: Float = 0) -> [Float] {
        [height, angle, 0, 0, 0, 0, 0, 0, 0, 0, last]
    }

    func walkerRow(height: Float = 1.25, angle: Float = 0, last: Float = 0) -> [Float] {
        [height, angle] + [Float](repeating: 0, count: 14) + [last]
    }

    @Test func halfCheetahAndPendulumNeverTerminate() {
        #expect(HalfCheetah.spec.rolloutTermination == .never)
        #expect(PendulumEnvironment.spec.rolloutTermination == .never)
        let rows: [[Float]] = [[Float](repeating: .nan, count: 17), [Float](repeating: 1e9, count: 17)]
        #expect(done(.never, rows) == [0, 0])
    }

    @Test func hopperRule() {
        #expect(Hopper.spec.rolloutTermination == .hopper)
        let rows: [[Float]] = [
            hopperRow(),                                   // healthy
            hopperRow(height: 0.7),                        // height must exceed 0.7 (Float(0.7) is below)
            hopperRow(height: Float(0.7).nextUp),
            hopperRow(height: 500),                        // s[0] is not range-checked
            hopperRow(angle: 0.2),                         // |angle| < 0.2
            hopperRow(angle: -0.2),
            hopperRow(angle: Float(0.2).nextDown),
            hopperRow(last: 100),                          // |s[1:]| < 100
            hopperRow(last: -100),
            hopperRow(last: 99.9),
            hopperRow(last: .nan),
            hopperRow(height: .infinity),                  // not finite
        ]
        #expect(done(.hopper, rows) == [0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 1, 1])
    }

    @Test func walkerRule() {
        #expect(Walker2d.spec.rolloutTermination == .walker2d)
        let rows: [[Float]] = [
            walkerRow(),
            walkerRow(height: Float(0.8).nextDown),        // height in (0.8, 2.0), compared in Double:
            walkerRow(height: 0.8),                        // Float(0.8) is just above 0.8, so healthy
            walkerRow(height: 2.0), walkerRow(height: Float(2.0).nextDown),
            walkerRow(angle: 1), walkerRow(angle: -1), walkerRow(angle: Float(1.0).nextDown),
            walkerRow(last: 1e6),                          // other values are not checked
            walkerRow(height: .nan),
        ]
        #expect(done(.walker2d, rows) == [0, 1, 0, 1, 0, 1, 1, 0, 0, 1])
    }

    @Test func ruleIsReachableFromADatasetNameWithoutASimulator() throws {
        #expect(try environmentSpec(name: "hopper-medium-replay-v2").rolloutTermination == .hopper)
        #expect(try environmentSpec(name: "walker2d-expert-v2").rolloutTermination == .walker2d)
    }
}
