import Datasets
import Networks
import Numerics

/// Critic pre-training (`schedule.criticPretrainSteps`, a deviation from the reference, docs/algorithm.md):
/// regression of both heads on dataset rows' discounted Monte-Carlo returns before the first epoch.
extension ActorCriticGAN {
    /// One step on `batch`, whose `rewards` column holds the rows' returns G: MSE(Q1, G) + MSE(Q2, G), the critic's
    /// global gradient-norm clip (so Adam's moments carry over at the scale the iterations use), the critic's Adam.
    /// Returns the loss (the sum of the two heads' MSE).
    @discardableResult
    func pretrainCriticStep(_ batch: TransitionBatch) throws -> Float {
        let b = batch.size
        precondition(b <= config.batchSize, "pre-training batch of \(b) rows > B = \(config.batchSize)")
        critic.params.zeroGradients()
        let (q1, q2) = critic.forward(observations: batch.observations, actions: batch.actions, workspace: criticWorkspace)
        let dq1 = q1Gradient.matrix(rows: b, cols: 1), dq2 = q2Gradient.matrix(rows: b, cols: 1)
        let loss = Loss.mse(q1, batch.rewards, gradient: dq1) + Loss.mse(q2, batch.rewards, gradient: dq2)
        guard loss.isFinite else { throw NetworkError.nonFiniteLoss(network: critic.params.name, loss: loss) }
        critic.backward(q1Gradient: dq1, q2Gradient: dq2, workspace: criticWorkspace)
        _ = try critic.params.clipGradientNorm(config.criticGradientClip)
        criticOptimizer.update(critic.params)
        return loss
    }

    /// Qᵗ ← Q, after pre-training.
    func syncCriticTarget() { criticTarget.params.copyValues(from: critic.params) }
}
