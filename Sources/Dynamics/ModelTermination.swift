import Environments
import Numerics

/// When a model-predicted transition ends (spec ampl-algorithm §3.9): the environment's rule on the predicted
/// next observation, OR-ed with an out-of-range guard — any |s'_j| > observationRange_j (twice the dataset's
/// max-abs) or |r̂| > rewardRange. For guarded rows the reward is overwritten in place with −rewardRange, a
/// pessimistic penalty.
public struct ModelTermination: Sendable {
    public let rule: RolloutTermination
    /// Per observation dimension: 2·max(|s|, |s'|) over the dataset.
    public let observationRange: [Float]
    /// max(|r̃_min − 10·std|, |r̃_max + 10·std|) over the (rescaled) dataset rewards.
    public let rewardRange: Float

    public init(rule: RolloutTermination, observationRange: [Float], rewardRange: Float) {
        self.rule = rule
        self.observationRange = observationRange
        self.rewardRange = rewardRange
    }

    /// Writes done (1 or 0) per row and applies the penalty to guarded rows' rewards.
    ///     nextObservations: (B, S)   rewards: (B, 1)   done: B values
    public func apply(nextObservations: Matrix, rewards: Matrix, done: UnsafeMutableBufferPointer<Float>) {
        rule.markDone(nextObservations: nextObservations, done: done)
        let s = nextObservations.cols
        for i in 0..<nextObservations.rows {
            var outOfRange = abs(rewards.base[i]) > rewardRange
            let row = nextObservations.base + i * s
            for j in 0..<s where abs(row[j]) > observationRange[j] { outOfRange = true }
            if outOfRange {
                done[i] = 1
                rewards.base[i] = -rewardRange
            }
        }
    }
}
