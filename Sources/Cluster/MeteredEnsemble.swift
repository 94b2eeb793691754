import AMPL
import Datasets
import Foundation
import Dynamics
import Networks

/// An `EnsembleBackend` that records each model round's wall time and each rollout generation's throughput
/// and policy version in `ClusterMetrics`, and otherwise passes every call to the backend it wraps. The
/// metrics need nothing from inside the backend: the reports it returns say it all.
public final class MeteredEnsemble: EnsembleBackend {
    public let wrapped: any EnsembleBackend
    let metrics: ClusterMetrics

    public init(_ wrapped: any EnsembleBackend, metrics: ClusterMetrics) {
        self.wrapped = wrapped
        self.metrics = metrics
    }

    public func trainRound(_ round: Int, weights: UnsafeBufferPointer<Float>?, log: (String) -> Void) throws -> ModelFitReport {
        let report = try wrapped.trainRound(round, weights: weights, log: log)
        metrics.modelRoundFinished(seconds: report.seconds)
        log(String(format: "model round %d: %.2f s wall, %d steps per member", round, report.seconds, report.steps))
        return report
    }

    public func generateRollouts(policy: any RolloutPolicy, generation: Int, transitions: Int,
                                 into buffer: TransitionBuffer) throws -> RolloutReport {
        metrics.rolloutsStarted(generation: generation)
        let report = try wrapped.generateRollouts(policy: policy, generation: generation, transitions: transitions,
                                                  into: buffer)
        metrics.rolloutsFinished(transitions: report.transitionsAdded, seconds: report.seconds)
        return report
    }

    public var sampler: any ModelSampler { wrapped.sampler }

    public var ensemble: GaussianEnsemble { wrapped.ensemble }

    public func write(into writer: inout CheckpointWriter) throws { try wrapped.write(into: &writer) }

    public func restore(from reader: CheckpointReader) throws { try wrapped.restore(from: reader) }
}
