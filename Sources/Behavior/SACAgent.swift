import Datasets
import Foundation
import Networks
import Numerics

/// The learning part of SAC: a tanh-Gaussian actor, twin Q critics with a Polyak target, and a learned
/// temperature α = exp(log α). `update(batch:)` is one gradient step of each, allocation-free.
///
/// Ownership: one thread trains an agent; `actorParams` may be read between updates (evaluation, checkpoints).
public final class SACAgent: @unchecked Sendable {
    public let config: SACConfig
    public let actor: TanhGaussianActor
    public let actorParams: ParameterBuffer
    public let heads: [MLP]                // Q1, Q2 over concat(s, a), one buffer
    let criticParams: ParameterBuffer
    let criticTarget: ParameterBuffer
    let logAlpha: ParameterBuffer          // one value
    var actorOptimizer: Adam
    var criticOptimizer: Adam
    var alphaOptimizer: Adam
    let targetEntropy: Float

    // Workspaces, sized once for the batch.
    let nextActorWorkspace: ActorWorkspace
    let actorWorkspace: ActorWorkspace
    let criticWorkspaces: [MLPWorkspace]
    let targetWorkspaces: [MLPWorkspace]
    let policyCriticWorkspaces: [MLPWorkspace]
    let criticInput: FloatStorage          // (B, S + A)
    let targetValues: FloatStorage         // (B, 1)
    let headGradient: FloatStorage         // (B, 1)
    let inputGradients: [FloatStorage]     // (B, S + A) per head
    let actionGradient: FloatStorage       // (B, A)
    let logProbGradient: FloatStorage      // (B)

    public init(observationDim: Int, actionDim: Int, config: SACConfig, rng: inout RandomStream) {
        self.config = config
        var actorLayout = ParameterLayout()
        actor = TanhGaussianActor(observationDim: observationDim, actionDim: actionDim, hidden: config.hidden,
                                  layout: &actorLayout)
        actorParams = ParameterBuffer(name: "actor", layout: actorLayout)
        actor.mlp.initialize(params: actorParams, rng: &rng)
        var criticLayout = ParameterLayout()
        heads = (1...2).map { MLP("q\($0)", sizes: [observationDim + actionDim] + config.hidden + [1], hidden: .relu,
                                  layout: &criticLayout) }
        criticParams = ParameterBuffer(name: "critic", layout: criticLayout)
        for head in heads { head.initialize(params: criticParams, rng: &rng) }
        criticTarget = ParameterBuffer(name: "critic-target", layout: criticLayout)
        criticTarget.copyValues(from: criticParams)
        var alphaLayout = ParameterLayout()
        _ = alphaLayout.add("log_alpha", shape: [1], group: "alpha")
        logAlpha = ParameterBuffer(name: "log-alpha", layout: alphaLayout)
        actorOptimizer = Adam(AdamConfig(learningRate: config.actorLearningRate), layout: actorLayout)
        criticOptimizer = Adam(AdamConfig(learningRate: config.criticLearningRate), layout: criticLayout)
        alphaOptimizer = Adam(AdamConfig(learningRate: config.alphaLearningRate), layout: alphaLayout)
        targetEntropy = config.targetEntropy ?? -Float(actionDim)

        let b = config.batchSize, width = observationDim + actionDim
        nextActorWorkspace = actor.makeWorkspace(maxRows: b)
        actorWorkspace = actor.makeWorkspace(maxRows: b)
        criticWorkspaces = heads.map { $0.makeWorkspace(maxRows: b) }
        targetWorkspaces = heads.map { $0.makeWorkspace(maxRows: b) }
        policyCriticWorkspaces = heads.map { $0.makeWorkspace(maxRows: b) }
        criticInput = FloatStorage(count: b * width)
        targetValues = FloatStorage(count: b)
        headGradient = FloatStorage(count: b)
        inputGradients = (0..<2).map { _ in FloatStorage(count: b * width) }
        actionGradient = FloatStorage(count: b * actionDim)
        logProbGradient = FloatStorage(count: b)
    }

    public var alpha: Float { Foundation.exp(logAlpha.values[0]) }

    public struct Losses: Sendable {
        public var critic: Float = 0
        public var actor: Float = 0
        public var alpha: Float = 0
        public var entropy: Float = 0
    }

    /// One SAC update from a sampled batch.
    public func update(batch: TransitionBatch, rng: inout RandomStream) throws -> Losses {
        let b = batch.size, s = actor.observationDim, a = actor.actionDim
        let input = criticInput.matrix(rows: b, cols: s + a)
        var losses = Losses()
        let alpha = self.alpha

        // 1. Critic target: y = r + γ(1 − d)(min Q'(s', a') − α log π(a'|s')), a' ~ π(s'); no gradients.
        let nextActions = actor.sample(batch.nextObservations, params: actorParams, workspace: nextActorWorkspace, rng: &rng)
        input.setColumns(0, from: batch.nextObservations)
        input.setColumns(s, from: nextActions)
        let q1Target = heads[0].forward(input, params: criticTarget, workspace: targetWorkspaces[0])
        let q2Target = heads[1].forward(input, params: criticTarget, workspace: targetWorkspaces[1])
        for i in 0..<b {
            let soft = min(q1Target.base[i], q2Target.base[i]) - alpha * nextActorWorkspace.logProb[i]
            targetValues[i] = batch.rewards.base[i] + config.gamma * (1 - batch.terminals.base[i]) * soft
        }

        // 2. Critic step: MSE of both heads against y.
        criticParams.zeroGradients()
        input.setColumns(0, from: batch.observations)
        input.setColumns(s, from: batch.actions)
        let dq = headGradient.matrix(rows: b, cols: 1), y = targetValues.matrix(rows: b, cols: 1)
        for h in 0..<2 {
            let q = heads[h].forward(input, params: criticParams, workspace: criticWorkspaces[h])
            losses.critic += Loss.mse(q, y, gradient: dq)
            heads[h].backward(dq, params: criticParams, workspace: criticWorkspaces[h])
        }
        guard losses.critic.isFinite else { throw NetworkError.nonFiniteLoss(network: "critic", loss: losses.critic) }
        criticOptimizer.update(criticParams)

        // 3. Actor step: L = mean(α log π(a|s) − min Q(s, a)), a = tanh(μ + σε) reparameterised.
        let actions = actor.sample(batch.observations, params: actorParams, workspace: actorWorkspace, rng: &rng)
        input.setColumns(s, from: actions)
        let q1 = heads[0].forward(input, params: criticParams, workspace: policyCriticWorkspaces[0])
        let q2 = heads[1].forward(input, params: criticParams, workspace: policyCriticWorkspaces[1])
        var meanLogProb: Float = 0
        for i in 0..<b { meanLogProb += actorWorkspace.logProb[i] / Float(b) }
        for h in 0..<2 {
            // ∂L/∂Q_h is −1/B on the rows where head h is the minimum.
            for i in 0..<b {
                let isMin = h == 0 ? q1.base[i] <= q2.base[i] : q2.base[i] < q1.base[i]
                headGradient[i] = isMin ? -1 / Float(b) : 0
                if isMin { losses.actor -= (h == 0 ? q1.base[i] : q2.base[i]) / Float(b) }
            }
            heads[h].backward(dq, params: criticParams, workspace: policyCriticWorkspaces[h],
                              inputGradient: inputGradients[h].matrix(rows: b, cols: s + a))
        }
        losses.actor += alpha * meanLogProb
        let dAction = actionGradient.matrix(rows: b, cols: a)
        for i in 0..<b {
            for d in 0..<a {
                dAction[i, d] = inputGradients[0][i * (s + a) + s + d] + inputGradients[1][i * (s + a) + s + d]
            }
            logProbGradient[i] = alpha / Float(b)
        }
        actorParams.zeroGradients()
        actor.backward(actionGradient: dAction, logProbGradient: logProbGradient.pointer, params: actorParams,
                       workspace: actorWorkspace)
        guard losses.actor.isFinite else { throw NetworkError.nonFiniteLoss(network: "actor", loss: losses.actor) }
        actorOptimizer.update(actorParams)

        // 4. Temperature: L_α = −log α · mean(log π + H_target).
        logAlpha.gradients[0] = -(meanLogProb + targetEntropy)
        losses.alpha = -logAlpha.values[0] * (meanLogProb + targetEntropy)
        losses.entropy = -meanLogProb
        alphaOptimizer.update(logAlpha)

        // 5. Target critic.
        criticTarget.softUpdate(toward: criticParams, tau: config.tau)
        return losses
    }
}
