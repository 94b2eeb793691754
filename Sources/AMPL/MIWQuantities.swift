import Datasets
import Numerics

/// The frozen-Q side of the MIW loss (algorithm spec §3.5, §5.3): for a batch of dataset rows i,
///
///     q_i   = Q1(s_i, a_i)                                  online critic, head 1
///     v_i   = (1 − d_i) · Q̃1(s'_i, π(s'_i))                 the drifting copy Q̃, fresh policy noise
///     start = (1 − γ) · mean over μ0 draws of Q̃1(s0, π(s0))
///
/// either recomputed every step (`perStep`, the reference) or looked up in tables computed once per round with
/// the online critic, Q̃'s limit (`buildTables`, `fromTables`). Nothing here has a gradient.
///
/// Ownership: used by the thread running the ω round, while the learner is not being trained.
final class MIWQuantities {
    /// Q̃: a copy of the critic target at round start that drifts toward the online critic.
    let criticCopy: TwinCritic
    let actorWorkspace: ImplicitPolicyWorkspace
    let criticWorkspace: TwinCriticWorkspace
    let states: FloatStorage            // μ0 draws or table chunks (maxRows, S)
    let maxRows: Int
    private(set) var testTable = FloatStorage(count: 0)       // q_i (N)
    private(set) var nextTable = FloatStorage(count: 0)       // v_i (N)
    private(set) var startTerm: Float = 0

    init(learner: ActorCriticGAN, maxRows: Int) {
        self.maxRows = maxRows
        criticCopy = learner.criticTarget.copy(name: "critic-copy")
        actorWorkspace = learner.actor.makeWorkspace(maxRows: maxRows)
        criticWorkspace = learner.critic.makeWorkspace(maxRows: maxRows)
        states = FloatStorage(count: maxRows * learner.observationDim)
    }

    /// Q̃ ← the critic target (at the start of every round).
    func beginRound(learner: ActorCriticGAN) { criticCopy.params.copyValues(from: learner.criticTarget.params) }

    /// Q̃ ← rate·Q + (1 − rate)·Q̃ (after every per-step step).
    func driftCopy(toward learner: ActorCriticGAN, rate: Float) {
        criticCopy.params.softUpdate(toward: learner.critic.params, tau: rate)
    }

    /// Per-step mode: fills q and v (batch rows) and returns the start term from `startCount` fresh μ0 draws.
    func perStep(batch: TransitionBatch, learner: ActorCriticGAN, mu0: Matrix, startCount: Int, gamma: Float,
                 q: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, random: inout RandomStream) -> Float {
        let b = batch.size, s = learner.observationDim
        precondition(startCount <= maxRows && b <= maxRows, "MIW quantities sized for \(maxRows) rows")
        // μ0 draws with replacement, then (1 − γ)·mean Q̃1(s0, π(s0)).
        let starts = states.matrix(rows: startCount, cols: s)
        for row in 0..<startCount {
            (starts.base + row * s).update(from: mu0.base + random.int(below: mu0.rows) * s, count: s)
        }
        let startActions = learner.actor.forward(starts, workspace: actorWorkspace, random: &random).actions
        let startValues = criticCopy.forwardFirstHead(observations: starts, actions: startActions, workspace: criticWorkspace)
        let start = (1 - gamma) * Self.mean(startValues)
        // v_i = (1 − d_i)·Q̃1(s'_i, π(s'_i)).
        let nextActions = learner.actor.forward(batch.nextObservations, workspace: actorWorkspace, random: &random).actions
        let nextValues = criticCopy.forwardFirstHead(observations: batch.nextObservations, actions: nextActions,
                                                     workspace: criticWorkspace)
        for i in 0..<b { v[i] = (1 - batch.terminals.base[i]) * nextValues.base[i] }
        // q_i = Q1(s_i, a_i), online critic.
        let values = learner.critic.forwardFirstHead(observations: batch.observations, actions: batch.actions,
                                                     workspace: criticWorkspace)
        q.update(from: values.base, count: b)
        return start
    }

    /// Precomputed mode, once per round: q_i and v_i (M = `draws` policy draws) for every dataset row, and the start
    /// term over every μ0 pool state with M0 = ⌈startEvaluations / pool size⌉ draws each, all with the online critic.
    func buildTables(learner: ActorCriticGAN, dataset: OfflineDataset, mu0: Matrix, draws: Int, startEvaluations: Int,
                     gamma: Float, random: inout RandomStream) {
        let n = dataset.count, s = learner.observationDim
        if testTable.count != n {
            testTable = FloatStorage(count: n)
            nextTable = FloatStorage(count: n)
        }
        for start in stride(from: 0, to: n, by: maxRows) {
            let rows = min(maxRows, n - start)
            let values = learner.critic.forwardFirstHead(observations: dataset.observations.rows(start, rows),
                                                         actions: dataset.actions.rows(start, rows), workspace: criticWorkspace)
            (testTable.pointer + start).update(from: values.base, count: rows)
            let next = dataset.nextObservations.rows(start, rows)
            let v = nextTable.pointer + start
            v.update(repeating: 0, count: rows)
            for _ in 0..<draws {
                let actions = learner.actor.forward(next, workspace: actorWorkspace, random: &random).actions
                let nextValues = learner.critic.forwardFirstHead(observations: next, actions: actions, workspace: criticWorkspace)
                for i in 0..<rows { v[i] += nextValues.base[i] / Float(draws) }
            }
            for i in 0..<rows { v[i] *= 1 - dataset.columns.terminals[start + i] }
        }
        // Start term: pool state k mod P for k in 0 ..< P·M0, in chunks.
        let pool = mu0.rows
        let total = pool * ((startEvaluations + pool - 1) / pool)
        var sum = 0.0
        for start in stride(from: 0, to: total, by: maxRows) {
            let rows = min(maxRows, total - start)
            let chunk = states.matrix(rows: rows, cols: s)
            for row in 0..<rows { (chunk.base + row * s).update(from: mu0.base + ((start + row) % pool) * s, count: s) }
            let actions = learner.actor.forward(chunk, workspace: actorWorkspace, random: &random).actions
            let values = learner.critic.forwardFirstHead(observations: chunk, actions: actions, workspace: criticWorkspace)
            for i in 0..<rows { sum += Double(values.base[i]) }
        }
        startTerm = (1 - gamma) * Float(sum / Double(total))
    }

    /// Precomputed mode, every step: q and v of the batch rows `indices`, and the start term c.
    func fromTables(indices: [Int], q: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>) -> Float {
        for (slot, row) in indices.enumerated() {
            q[slot] = testTable[row]
            v[slot] = nextTable[row]
        }
        return startTerm
    }

    static func mean(_ m: Matrix) -> Float {
        var total = 0.0
        for i in 0..<m.count { total += Double(m.base[i]) }
        return Float(total / Double(m.count))
    }
}
