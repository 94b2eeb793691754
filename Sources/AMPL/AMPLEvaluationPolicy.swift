import Environments
import Numerics

/// How AMPL acts in the real environment (algorithm spec §3.10): repeat the state K = 10 times, draw K actions
/// from the implicit actor with fresh noise, and execute the one with the highest min(Q1, Q2) under the ONLINE
/// critic. Reads the learner's networks; call between iterations.
public final class AMPLEvaluationPolicy: Policy {
    let learner: ActorCriticGAN
    public let candidates: Int
    let states: FloatStorage                  // (K, S): the observation, K times
    let actorWorkspace: ImplicitPolicyWorkspace
    let criticWorkspace: TwinCriticWorkspace

    public init(learner: ActorCriticGAN, candidates: Int) {
        precondition(candidates >= 1, "evaluate at least one candidate action")
        self.learner = learner
        self.candidates = candidates
        states = FloatStorage(count: candidates * learner.observationDim)
        actorWorkspace = learner.actor.makeWorkspace(maxRows: candidates)
        criticWorkspace = learner.critic.makeWorkspace(maxRows: candidates)
    }

    public func act(observation: UnsafeBufferPointer<Float>, rng: inout RandomStream,
                    into action: UnsafeMutableBufferPointer<Float>) {
        let s = learner.observationDim, a = learner.actionDim
        precondition(observation.count == s && action.count == a, "observation \(observation.count), action \(action.count)")
        let repeated = states.matrix(rows: candidates, cols: s)
        for k in 0..<candidates { (repeated.base + k * s).update(from: observation.baseAddress!, count: s) }
        let actions = learner.actor.forward(repeated, workspace: actorWorkspace, random: &rng).actions
        let (q1, q2) = learner.critic.forward(observations: repeated, actions: actions, workspace: criticWorkspace)
        var best = 0, bestValue = -Float.infinity
        for k in 0..<candidates where min(q1.base[k], q2.base[k]) > bestValue {
            best = k
            bestValue = min(q1.base[k], q2.base[k])
        }
        action.baseAddress!.update(from: actions.base + best * a, count: a)
    }
}
