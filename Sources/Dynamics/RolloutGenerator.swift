import Datasets
import Foundation
import Numerics

/// Generates model rollouts into the rollout buffer (algorithm spec §3.8 with the project's §5.1).
///
/// One generation adds at least `transitions` transitions, chunk by chunk. Chunk c:
///   1. draws m = min(chunkSize, transitions − added so far) start states uniformly, with replacement, from the
///      dataset's observations;
///   2. rolls every row out for h steps: the policy acts (per row; or, with `legacyActionBroadcast`, the
///      reference's bug: the policy is evaluated on all rows and row 0's action is applied to every row), the
///      model samples (r̂, ŝ'), and `ModelTermination` marks done and penalises out-of-range rows;
///   3. keeps each rollout up to and including its first terminal transition (stored with d = 1);
///   4. inserts the chunk's transitions rollout by rollout, each in time order.
/// Because the last chunk's size is counted in start states, h > 1 overshoots the target (h = 5 with no
/// terminations: 3 × 2048 + 1280 starts, 37,120 transitions for a target of 32,000).
///
/// Every random draw of chunk c comes from streams keyed by (seed, purpose, generation, c) (purposes
/// `.rolloutStarts`, `.policyNoise`, `.eliteChoice`, `.modelNoise`), so a chunk generated elsewhere with the
/// same inputs reproduces it exactly.
///
/// Ownership: one thread at a time; workspaces are allocated at init and when the horizon first grows.
public final class RolloutGenerator: @unchecked Sendable {
    public let model: any ModelSampler
    public let termination: ModelTermination
    public let observationDim: Int
    public let actionDim: Int
    public let chunkSize: Int
    /// (chunkSize, S): the current states, then the predicted next states of one step.
    private let states: FloatStorage
    private let nextStates: FloatStorage
    /// (chunkSize, A), (chunkSize, 1), (chunkSize): one step's actions, rewards and done flags.
    private let actions: FloatStorage
    private let rewards: FloatStorage
    private let done: FloatStorage
    /// Per row: whether the rollout is still going, and how many transitions it has kept.
    private var alive: [Bool]
    private var lengths: [Int]
    /// (chunkSize · h) transitions of one chunk, rollout i's step t at row i·h + t.
    private var staging: TransitionBatch?

    public init(model: any ModelSampler, termination: ModelTermination, observationDim: Int, actionDim: Int,
                chunkSize: Int = 2048) {
        precondition(chunkSize >= 1, "chunkSize must be positive")
        precondition(termination.observationRange.count == observationDim, "observation range of the wrong width")
        self.model = model
        self.termination = termination
        self.observationDim = observationDim
        self.actionDim = actionDim
        self.chunkSize = chunkSize
        states = FloatStorage(count: chunkSize * observationDim)
        nextStates = FloatStorage(count: chunkSize * observationDim)
        actions = FloatStorage(count: chunkSize * actionDim)
        rewards = FloatStorage(count: chunkSize)
        done = FloatStorage(count: chunkSize)
        alive = Array(repeating: false, count: chunkSize)
        lengths = Array(repeating: 0, count: chunkSize)
    }

    /// One generation: chunks until at least `transitions` transitions were added to `buffer`.
    public func generate(policy: any RolloutPolicy, starts: OfflineDataset, transitions: Int, horizon: Int,
                         legacyActionBroadcast: Bool, into buffer: TransitionBuffer, seed: UInt64,
                         generation: Int) -> RolloutReport {
        let started = Date()
        var total = RolloutReport(transitionsAdded: 0, startStates: 0, terminated: 0, meanReward: 0, seconds: 0)
        var rewardSum = 0.0
        var chunk = 0
        while total.transitionsAdded < transitions {
            let report = generateChunk(chunk, startStates: min(chunkSize, transitions - total.transitionsAdded),
                                       policy: policy, starts: starts, horizon: horizon,
                                       legacyActionBroadcast: legacyActionBroadcast, into: buffer, seed: seed,
                                       generation: generation)
            total.transitionsAdded += report.transitionsAdded
            total.startStates += report.startStates
            total.terminated += report.terminated
            rewardSum += report.meanReward * Double(report.transitionsAdded)
            chunk += 1
        }
        total.meanReward = total.transitionsAdded > 0 ? rewardSum / Double(total.transitionsAdded) : 0
        total.seconds = Date().timeIntervalSince(started)
        return total
    }

    /// Chunk `chunk` of a generation with `startStates` (≤ chunkSize) rollouts of `horizon` steps; its
    /// transitions are added to `buffer` in rollout order.
    public func generateChunk(_ chunk: Int, startStates m: Int, policy: any RolloutPolicy, starts: OfflineDataset,
                              horizon h: Int, legacyActionBroadcast: Bool, into buffer: TransitionBuffer,
                              seed: UInt64, generation: Int) -> RolloutReport {
        precondition(m >= 1 && m <= chunkSize, "a chunk has 1…\(chunkSize) start states, not \(m)")
        precondition(h >= 1, "the rollout horizon must be at least 1")
        precondition(starts.observationDim == observationDim && starts.count > 0, "start states of the wrong width")
        let started = Date()
        let s = observationDim, a = actionDim
        if (staging?.size ?? 0) < chunkSize * h {
            staging = TransitionBatch(size: chunkSize * h, observationDim: s, actionDim: a)
        }
        guard let staging else { preconditionFailure("staging was just allocated") }
        var startRandom = RandomStream(seed: seed, purpose: .rolloutStarts, generation, chunk)
        var policyRandom = RandomStream(seed: seed, purpose: .policyNoise, generation, chunk)
        var eliteRandom = RandomStream(seed: seed, purpose: .eliteChoice, generation, chunk)
        var noiseRandom = RandomStream(seed: seed, purpose: .modelNoise, generation, chunk)

        let current = states.matrix(rows: m, cols: s), next = nextStates.matrix(rows: m, cols: s)
        let action = actions.matrix(rows: m, cols: a), reward = rewards.matrix(rows: m, cols: 1)
        let doneFlags = UnsafeMutableBufferPointer(start: done.pointer, count: m)
        for i in 0..<m {
            let row = startRandom.int(below: starts.count)
            (current.base + i * s).update(from: starts.columns.observations.pointer + row * s, count: s)
            alive[i] = true
            lengths[i] = 0
        }

        var terminated = 0
        for t in 0..<h {
            policy.act(observations: current, into: action, random: &policyRandom)
            if legacyActionBroadcast {
                for i in 1..<m { (action.base + i * a).update(from: action.base, count: a) }
            }
            model.sample(observations: current, actions: action, nextObservations: next, rewards: reward,
                         eliteRandom: &eliteRandom, noiseRandom: &noiseRandom)
            termination.apply(nextObservations: next, rewards: reward, done: doneFlags)
            for i in 0..<m where alive[i] {
                let slot = i * h + t
                (staging.observations.base + slot * s).update(from: current.base + i * s, count: s)
                (staging.actions.base + slot * a).update(from: action.base + i * a, count: a)
                staging.rewards.base[slot] = reward.base[i]
                (staging.nextObservations.base + slot * s).update(from: next.base + i * s, count: s)
                staging.terminals.base[slot] = doneFlags[i]
                lengths[i] += 1
                if doneFlags[i] != 0 {
                    alive[i] = false
                    terminated += 1
                }
            }
            current.copy(from: next)
        }

        // Close the gaps left by cut rollouts: rollout i's kept steps move to rows kept ..< kept + lengths[i].
        var kept = 0
        var rewardSum = 0.0
        for i in 0..<m {
            for t in 0..<lengths[i] {
                if kept != i * h + t { copyStagingRow(i * h + t, to: kept, staging) }
                rewardSum += Double(staging.rewards.base[kept])
                kept += 1
            }
        }
        buffer.add(observations: staging.observations.rows(0, kept), actions: staging.actions.rows(0, kept),
                   rewards: staging.rewards.rows(0, kept), nextObservations: staging.nextObservations.rows(0, kept),
                   terminals: staging.terminals.rows(0, kept))
        return RolloutReport(transitionsAdded: kept, startStates: m, terminated: terminated,
                             meanReward: kept > 0 ? rewardSum / Double(kept) : 0,
                             seconds: Date().timeIntervalSince(started))
    }

    /// Copies staged transition `source` to row `destination` (< source, so the rows never overlap).
    private func copyStagingRow(_ source: Int, to destination: Int, _ staging: TransitionBatch) {
        copyRow(of: staging.observations, source, to: destination)
        copyRow(of: staging.actions, source, to: destination)
        copyRow(of: staging.rewards, source, to: destination)
        copyRow(of: staging.nextObservations, source, to: destination)
        copyRow(of: staging.terminals, source, to: destination)
    }

    @inline(__always)
    private func copyRow(of matrix: Matrix, _ source: Int, to destination: Int) {
        (matrix.base + destination * matrix.cols).update(from: matrix.base + source * matrix.cols, count: matrix.cols)
    }
}
