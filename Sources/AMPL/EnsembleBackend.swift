import Datasets
import Dynamics
import Networks
import Numerics

/// Where the dynamics ensemble lives, seen from the AMPL loop (architecture §1): in this process
/// (`LocalEnsemble`) or in ZeroMQ workers (`RemoteEnsemble`, Cluster target). The loop is written once against
/// this seam; `--deterministic` makes both give the same numbers for the same seed.
///
/// Called from the training thread only.
public protocol EnsembleBackend: AnyObject {
    /// One model round: every member fitted by weighted MLE (`weights` nil = all ones), elites chosen, and the
    /// resulting ensemble installed wherever rollouts and `sampler` run.
    func trainRound(_ round: Int, weights: UnsafeBufferPointer<Float>?, log: (String) -> Void) throws -> ModelFitReport

    /// Adds at least `transitions` model-rollout transitions made with `policy` (its parameters as of now) to
    /// `buffer`, in chunk order.
    func generateRollouts(policy: any RolloutPolicy, generation: Int, transitions: Int,
                          into buffer: TransitionBuffer) throws -> RolloutReport

    /// The model the GAN regulariser samples next states from: the same ensemble the rollouts use.
    var sampler: any ModelSampler { get }

    /// This process's copy of the ensemble as of the last model round (the one `sampler` samples from), for
    /// diagnostics that read the model without drawing random numbers.
    var ensemble: GaussianEnsemble { get }

    func write(into writer: inout CheckpointWriter) throws
    func restore(from reader: CheckpointReader) throws
}

/// The ensemble in this process: a `GaussianEnsemble`, its weighted-MLE trainer and a rollout generator.
public final class LocalEnsemble: EnsembleBackend {
    public let ensemble: GaussianEnsemble
    let trainer: WeightedMLETrainer
    let rollouts: RolloutGenerator
    let starts: OfflineDataset
    let horizon: Int
    let legacyActionBroadcast: Bool
    let seed: UInt64

    /// `data` has rescaled rewards; `termination` is the rollout rule with the dataset's ranges.
    public init(config: AMPLConfig, data: OfflineDataset, termination: ModelTermination) throws {
        seed = config.seed
        ensemble = GaussianEnsemble(observationDim: data.observationDim, actionDim: data.actionDim,
                                    config: config.ensemble, seed: config.seed,
                                    maxSampleRows: max(config.actorCritic.batchSize, config.rollout.chunkSize))
        trainer = try WeightedMLETrainer(ensemble: ensemble, dataset: data)
        rollouts = RolloutGenerator(model: ensemble, termination: termination, observationDim: data.observationDim,
                                    actionDim: data.actionDim, chunkSize: config.rollout.chunkSize)
        starts = data
        horizon = config.rollout.horizon
        legacyActionBroadcast = config.rollout.legacyActionBroadcast
    }

    public var sampler: any ModelSampler { ensemble }

    public func trainRound(_ round: Int, weights: UnsafeBufferPointer<Float>?, log: (String) -> Void) throws -> ModelFitReport {
        try trainer.fit(round: round, weights: weights, seed: seed, log: log)
    }

    public func generateRollouts(policy: any RolloutPolicy, generation: Int, transitions: Int,
                                 into buffer: TransitionBuffer) throws -> RolloutReport {
        rollouts.generate(policy: policy, starts: starts, transitions: transitions, horizon: horizon,
                          legacyActionBroadcast: legacyActionBroadcast, into: buffer, seed: seed, generation: generation)
    }

    public func write(into writer: inout CheckpointWriter) throws { try ensemble.write(into: &writer, prefix: "ensemble") }
    public func restore(from reader: CheckpointReader) throws { try ensemble.restore(from: reader, prefix: "ensemble") }
}
