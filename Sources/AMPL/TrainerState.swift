import Numerics

/// Everything about where a run is, besides network weights and buffers: saved in every checkpoint, so that
/// a resumed run continues exactly (same schedule position, same random numbers).
struct TrainerState: Codable, Equatable {
    /// Completed AC epochs e (the epoch about to run is e + 1).
    var completedEpochs = 0
    /// Global AC iteration t (never reset).
    var step = 0
    /// Model rounds completed.
    var modelRounds = 0
    /// `completedEpochs` when the last model round ran: a run resumed from the checkpoint written right after
    /// a round must not run that round again.
    var lastRoundAtEpoch: Int?
    /// Offline and generated batch draws.
    var sampling: RandomStream
    /// ω rounds' batch and start-state draws.
    var miwSampling: RandomStream
    /// The last model round's and ω round's figures, repeated in every progress row until the next round.
    var lastModelHoldoutLoss: Double?
    var lastModelEpochs: Int?
    var lastMIWLoss: Double?
    var lastMIWMean: Double?
    /// The last model round's mean |r̂ − r| on its holdout rows (`GaussianEnsemble.meanAbsoluteRewardError`).
    var lastModelRewardError: Double?
    var elapsedSeconds = 0.0
    /// Whether the critic pre-training (`schedule.criticPretrainSteps`) has run; nil in checkpoints that predate
    /// it. A run resumed after it does not pre-train again.
    var criticPretrained: Bool?
    /// The pre-training's per-head MSE to the returns on the probe rows, before and after.
    var criticPretrainMSE: [Double]?

    init(seed: UInt64) {
        sampling = RandomStream(seed: seed, purpose: .batchSampling)
        miwSampling = RandomStream(seed: seed, purpose: .batchSampling, indices: [1])
    }
}
