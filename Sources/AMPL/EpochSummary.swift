import Datasets
import Dynamics
import Numerics

/// What progress.csv reports for an epoch: means over its iterations (a single iteration's losses are noise),
/// plus how far the policy's actions are from the data's on a fixed sample of dataset states.
struct EpochSummary {
    private(set) var iterations = 0
    private var critic = 0.0, actor = 0.0, generator = 0.0, discriminator = 0.0, qMean = 0.0
    private var discriminatorReal = 0.0, discriminatorFake = 0.0
    /// Model-rollout steps of the epoch's generations, and how many of them ended a rollout by the termination rule.
    private(set) var rolloutSteps = 0, rolloutTerminations = 0

    mutating func add(_ losses: IterationLosses) {
        iterations += 1
        critic += Double(losses.critic)
        actor += Double(losses.actor)
        generator += Double(losses.generator)
        discriminator += Double(losses.discriminator)
        qMean += Double(losses.qMean)
        discriminatorReal += Double(losses.discriminatorReal)
        discriminatorFake += Double(losses.discriminatorFake)
    }

    mutating func add(_ rollouts: RolloutReport) {
        rolloutSteps += rollouts.transitionsAdded
        rolloutTerminations += rollouts.terminated
    }

    /// Fraction of the epoch's rollout steps that ended by the termination rule; nil without rollouts.
    var rolloutTerminationRate: Double? {
        rolloutSteps > 0 ? Double(rolloutTerminations) / Double(rolloutSteps) : nil
    }

    /// The progress.csv columns of these means.
    var columns: [String: Double] {
        let n = Double(max(iterations, 1))
        return ["critic_loss": critic / n, "actor_loss": actor / n, "generator_loss": generator / n,
                "discriminator_loss": discriminator / n, "q_mean": qMean / n,
                "discriminator_real": discriminatorReal / n, "discriminator_fake": discriminatorFake / n]
    }
}

/// Mean |π(s) − a| per action dimension over the first `rows` dataset transitions: how closely the policy
/// reproduces the behaviour policy's actions state by state (the GAN regulariser's target). The noise stream is
/// keyed by epoch, so the figure is the same in a resumed or distributed run.
final class ActionErrorProbe {
    let rows: Int
    let workspace: ImplicitPolicyWorkspace

    init(learner: ActorCriticGAN, dataset: OfflineDataset, rows: Int = 1024) {
        self.rows = min(rows, dataset.count)
        workspace = learner.actor.makeWorkspace(maxRows: self.rows)
    }

    func measure(_ learner: ActorCriticGAN, dataset: OfflineDataset, seed: UInt64, epoch: Int) -> Double {
        var random = RandomStream(seed: seed, purpose: .policyNoise, indices: [UInt64.max, UInt64(epoch)])
        let actions = learner.actor.forward(dataset.observations.rows(0, rows), workspace: workspace, random: &random).actions
        let data = dataset.actions
        var total = 0.0
        for i in 0..<actions.count { total += Double(abs(actions.base[i] - data.base[i])) }
        return total / Double(actions.count)
    }
}
