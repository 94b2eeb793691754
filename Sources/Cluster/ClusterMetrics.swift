import CoreMetrics
import Foundation
import Prometheus

/// The coordinator's live metrics, in Prometheus's text format (`exposition()`, served by `MetricsEndpoint`):
///
/// | metric | labels | meaning |
/// |---|---|---|
/// | `ampl_worker_heartbeat_age_seconds` | worker | seconds since the coordinator last heard from the worker (any message) |
/// | `ampl_worker_alive` | worker | 1 while the peer table counts the worker alive, else 0 |
/// | `ampl_model_round_seconds` | | histogram of model-round wall times |
/// | `ampl_model_round_last_seconds` | | the last model round's wall time |
/// | `ampl_rollout_transitions_total` | | model-rollout transitions added to the buffer |
/// | `ampl_rollout_transitions_per_second` | | throughput of the last rollout generation |
/// | `ampl_policy_version`, `ampl_model_version` | | the coordinator's current policy (generation) and ensemble version |
/// | `ampl_worker_policy_lag` | worker | policy version now − the version on the worker's last ROLLOUTS |
/// | `ampl_worker_model_lag` | worker | ensemble version now − the last ENSEMBLE version sent to the worker |
/// | `ampl_wire_messages_total`, `ampl_wire_bytes_total` | direction, type | protocol messages and their bytes (`WireObserver`) |
///
/// Built on swift-metrics types made by a `PrometheusMetricsFactory` of its own registry (no process-wide
/// bootstrap). Every method may be called from any thread.
public final class ClusterMetrics: WireObserver, @unchecked Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let lock = NSLock()
    /// Reads the peer table at scrape time (heartbeat ages come from it, not from a hook per message).
    private var peers: (@Sendable () -> PeerTable)?
    private var workerGauges: [String: CoreMetrics.Gauge] = [:]
    private var wireCounters: [String: (messages: CoreMetrics.Counter, bytes: CoreMetrics.Counter)] = [:]
    /// Per worker: the policy version on its last ROLLOUTS and the last ENSEMBLE version sent to it.
    private var rolloutPolicyVersion: [PeerIdentity: UInt64] = [:]
    private var ensembleVersionSent: [PeerIdentity: UInt64] = [:]
    private var policyVersion: UInt64 = 0
    private var modelVersion: UInt64 = 0
    private let roundTimer: CoreMetrics.Timer
    private let lastRound: CoreMetrics.Gauge
    private let transitions: CoreMetrics.Counter
    private let throughput: CoreMetrics.Gauge
    private let policyVersionGauge: CoreMetrics.Gauge
    private let modelVersionGauge: CoreMetrics.Gauge
    /// Totals since the start, per direction and message type, for the end-of-run summary.
    private var totals: [String: (messages: Int, bytes: Int)] = [:]

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        // Model rounds take seconds to many minutes, not the milliseconds of the default buckets.
        factory.durationHistogramBuckets["ampl_model_round_seconds"] =
            [1, 5, 15, 30, 60, 120, 300, 600, 1_200, 2_400].map { .seconds($0) }
        self.factory = factory
        roundTimer = CoreMetrics.Timer(label: "ampl_model_round_seconds", factory: factory)
        lastRound = CoreMetrics.Gauge(label: "ampl_model_round_last_seconds", factory: factory)
        transitions = CoreMetrics.Counter(label: "ampl_rollout_transitions_total", factory: factory)
        throughput = CoreMetrics.Gauge(label: "ampl_rollout_transitions_per_second", factory: factory)
        policyVersionGauge = CoreMetrics.Gauge(label: "ampl_policy_version", factory: factory)
        modelVersionGauge = CoreMetrics.Gauge(label: "ampl_model_version", factory: factory)
    }

    /// Heartbeat ages and liveness come from `table` (a thread-safe snapshot, e.g. `CoordinatorLink.peers`).
    public func watch(_ table: @escaping @Sendable () -> PeerTable) { lock.withLock { peers = table } }

    // MARK: The run

    public func modelRoundFinished(seconds: Double) {
        roundTimer.recordNanoseconds(Int64(seconds * 1e9))
        lastRound.record(seconds)
    }

    /// A rollout generation with policy version `generation` starts.
    public func rolloutsStarted(generation: Int) {
        lock.withLock { policyVersion = UInt64(generation) }
        policyVersionGauge.record(generation)
    }

    public func rolloutsFinished(transitions added: Int, seconds: Double) {
        transitions.increment(by: added)
        if seconds > 0 { throughput.record(Double(added) / seconds) }
    }

    // MARK: WireObserver

    public func sent(_ message: WireHeader, bytes: Int, to peer: PeerIdentity?) {
        count("sent", message.type, bytes: bytes)
        guard message.type == .ensemble, let peer else { return }
        let version = lock.withLock {
            ensembleVersionSent[peer] = message.version
            modelVersion = max(modelVersion, message.version)
            return modelVersion
        }
        modelVersionGauge.record(version)
    }

    public func received(_ header: WireHeader?, bytes: Int, from peer: PeerIdentity?) {
        count("received", header?.type, bytes: bytes)
        guard let header, header.type == .rollouts, let peer else { return }
        lock.withLock { rolloutPolicyVersion[peer] = header.version }
    }

    private func count(_ direction: String, _ type: MessageType?, bytes: Int) {
        let name = type.map { "\($0)" } ?? "rejected"
        let counters = lock.withLock { () -> (messages: CoreMetrics.Counter, bytes: CoreMetrics.Counter) in
            let key = "\(direction) \(name)"
            totals[key, default: (0, 0)].messages += 1
            totals[key, default: (0, 0)].bytes += bytes
            if let existing = wireCounters[key] { return existing }
            let dimensions = [("direction", direction), ("type", name)]
            let made = (CoreMetrics.Counter(label: "ampl_wire_messages_total", dimensions: dimensions, factory: factory),
                        CoreMetrics.Counter(label: "ampl_wire_bytes_total", dimensions: dimensions, factory: factory))
            wireCounters[key] = made
            return made
        }
        counters.messages.increment()
        counters.bytes.increment(by: bytes)
    }

    // MARK: Reading

    /// The Prometheus text exposition (format 0.0.4), per-worker gauges brought up to date first.
    public func exposition() -> String {
        refreshWorkerGauges(now: MonotonicClock.now())
        return registry.emitToString()
    }

    /// Messages and bytes so far, per "direction TYPE" (e.g. "sent ENSEMBLE").
    public var wireTotals: [String: (messages: Int, bytes: Int)] { lock.withLock { totals } }

    private func refreshWorkerGauges(now: Double) {
        let (table, policy, model, rollouts, ensembles) = lock.withLock {
            (peers?(), policyVersion, modelVersion, rolloutPolicyVersion, ensembleVersionSent)
        }
        guard let table else { return }
        for peer in table.peers.values {
            let worker = "\(peer.identity)"
            gauge("ampl_worker_heartbeat_age_seconds", worker).record(max(0, now - peer.link.lastHeard))
            gauge("ampl_worker_alive", worker).record(peer.state == .alive ? 1 : 0)
            if let version = rollouts[peer.identity] { gauge("ampl_worker_policy_lag", worker).record(policy - min(policy, version)) }
            if let version = ensembles[peer.identity] { gauge("ampl_worker_model_lag", worker).record(model - min(model, version)) }
        }
    }

    private func gauge(_ label: String, _ worker: String) -> CoreMetrics.Gauge {
        lock.withLock {
            let key = "\(label) \(worker)"
            if let existing = workerGauges[key] { return existing }
            let made = CoreMetrics.Gauge(label: label, dimensions: [("worker", worker)], factory: factory)
            workerGauges[key] = made
            return made
        }
    }
}
