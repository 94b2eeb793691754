import Datasets
import Dynamics
import Foundation
import Networks
import Numerics

/// The policy learner of AMPL (algorithm spec §1.2, §3.6, §3.7): an implicit actor regularised by a GAN toward
/// the data, a twin critic with a conservative target, and their targets. `iterate` is one AC iteration, in the
/// spec's order:
///
///     1. critic step            y = r + (1 − d)·γ·Q'·1[|Q'| < 2000],  Q' = 0.75·min + 0.25·max of the target
///                               heads at (s', πᵗ(s'));  Huber(Q1, y) + Huber(Q2, y);  clip 0.1;  Adam
///     2. GAN batches            fake = [s_f, ũ] stacked on [ŝ', ũ'] (non-terminal model next states);
///                               real = dataset [s, atanh(a / maxAction)], as many rows
///                               (every state column z-scored when `observationScaling` is set)
///     3. actor loss             L_G = BCE(D(fake), 1);  L_π = L_G (warm start) or −(λ/Q̄_abs)·mean min Q(s_b, π(s_b)) + L_G;
///                               backward and Adam only when `updateActor`
///     4. discriminator step     L_D = ½[BCE(D(real), y ~ U[0.8, 1)) + BCE(D(fake), 0)]
///     5. soft updates           critic target, actor target (τ), and Q̄_abs ← τ·mean|Q| + (1 − τ)·Q̄_abs
///
/// Every step is allocation-free: workspaces are sized once for B rows (2B for the discriminator).
///
/// Ownership: one thread iterates; between iterations the actor and critic may be read (evaluation, MIW rounds,
/// rollouts, checkpoints).
public final class ActorCriticGAN: @unchecked Sendable {
    public let config: ActorCriticConfig
    public let observationDim: Int
    public let actionDim: Int
    public let maxAction: Float
    /// The dataset z-scoring of states that the actor, the critic and the discriminator apply to their state
    /// inputs when `config.normalizeStates` is on; nil feeds raw states, as the reference does.
    public let observationScaling: InputScaling?
    public let actor: ImplicitPolicy
    public let actorTarget: ImplicitPolicy
    public let critic: TwinCritic
    public let criticTarget: TwinCritic
    public let discriminator: Discriminator
    var actorOptimizer: Adam
    var criticOptimizer: Adam
    var discriminatorOptimizer: Adam
    /// Q̄_abs, the EMA of mean |min(Q1, Q2)| that scales the actor's Q term; nil until the first iteration.
    public internal(set) var qAbsEMA: Float?

    // One workspace per place a network is evaluated in an iteration.
    let targetActorWorkspace: ImplicitPolicyWorkspace       // πᵗ(s')
    let fakeActorWorkspace: ImplicitPolicyWorkspace         // π(s_f)
    let nextActorWorkspace: ImplicitPolicyWorkspace         // π(ŝ')
    let batchActorWorkspace: ImplicitPolicyWorkspace        // π(s_b)
    let criticWorkspace: TwinCriticWorkspace                // Q(s, a)
    let targetCriticWorkspace: TwinCriticWorkspace          // Qᵗ(s', a')
    let policyCriticWorkspace: TwinCriticWorkspace          // Q(s_b, π(s_b))
    let fakeWorkspace: DiscriminatorWorkspace               // D(fake), (≤ 2B rows)
    let realWorkspace: DiscriminatorWorkspace               // D(real), (≤ 2B rows)
    // Buffers, sized once.
    let targets: FloatStorage          // y (B)
    let q1Gradient: FloatStorage       // (B)
    let q2Gradient: FloatStorage       // (B)
    let modelNext: FloatStorage        // ŝ' (B, S)
    let modelRewards: FloatStorage     // r̂ (B)
    let modelDone: FloatStorage        // (B)
    let keptNext: FloatStorage         // non-terminal ŝ' (≤ B, S)
    let ones: FloatStorage             // (2B) generator labels
    let zeros: FloatStorage            // (2B) fake labels
    let realLabels: FloatStorage       // (2B) y_real
    let probabilityGradient: FloatStorage   // ∂L/∂p (4B): generator; or discriminator real, then fake
    let fakeRawGradient: FloatStorage  // ∂L_G/∂ũ (B, A)
    let nextRawGradient: FloatStorage  // ∂L_G/∂ũ' (B, A)
    let actionGradient: FloatStorage   // ∂L_π/∂a at s_b (B, A)

    public init(observationDim: Int, actionDim: Int, maxAction: Float, config: ActorCriticConfig,
                observationScaling: InputScaling? = nil, random: inout RandomStream) {
        self.config = config
        self.observationScaling = observationScaling
        self.observationDim = observationDim
        self.actionDim = actionDim
        self.maxAction = maxAction
        actor = ImplicitPolicy(name: "actor", observationDim: observationDim, actionDim: actionDim, maxAction: maxAction,
                               hidden: config.actorHidden, noiseDim: config.effectiveNoiseDim(observationDim: observationDim),
                               noiseStd: config.noiseStd, noiseClamp: config.noiseClamp,
                               observationScaling: observationScaling)
        actor.initialize(random: &random)
        actorTarget = actor.copy(name: "actor-target")
        critic = TwinCritic(name: "critic", observationDim: observationDim, actionDim: actionDim, hidden: config.criticHidden,
                            observationScaling: observationScaling)
        critic.initialize(random: &random)
        criticTarget = critic.copy(name: "critic-target")
        discriminator = Discriminator(observationDim: observationDim, actionDim: actionDim, hidden: config.discriminatorHidden)
        discriminator.initialize(random: &random)
        actorOptimizer = Adam(AdamConfig(learningRate: config.actorLearningRate, beta1: config.ganBeta1, beta2: config.ganBeta2),
                              layout: actor.params.layout)
        criticOptimizer = Adam(AdamConfig(learningRate: config.criticLearningRate), layout: critic.params.layout)
        discriminatorOptimizer = Adam(AdamConfig(learningRate: config.discriminatorLearningRate, beta1: config.ganBeta1,
                                                 beta2: config.ganBeta2), layout: discriminator.params.layout)

        let b = config.batchSize, s = observationDim, a = actionDim
        targetActorWorkspace = actorTarget.makeWorkspace(maxRows: b)
        fakeActorWorkspace = actor.makeWorkspace(maxRows: b)
        nextActorWorkspace = actor.makeWorkspace(maxRows: b)
        batchActorWorkspace = actor.makeWorkspace(maxRows: b)
        criticWorkspace = critic.makeWorkspace(maxRows: b)
        targetCriticWorkspace = criticTarget.makeWorkspace(maxRows: b)
        policyCriticWorkspace = critic.makeWorkspace(maxRows: b)
        fakeWorkspace = discriminator.makeWorkspace(maxRows: 2 * b)
        realWorkspace = discriminator.makeWorkspace(maxRows: 2 * b)
        targets = FloatStorage(count: b)
        q1Gradient = FloatStorage(count: b)
        q2Gradient = FloatStorage(count: b)
        modelNext = FloatStorage(count: b * s)
        modelRewards = FloatStorage(count: b)
        modelDone = FloatStorage(count: b)
        keptNext = FloatStorage(count: b * s)
        ones = FloatStorage([Float](repeating: 1, count: 2 * b))
        zeros = FloatStorage(count: 2 * b)
        realLabels = FloatStorage(count: 2 * b)
        probabilityGradient = FloatStorage(count: 4 * b)
        fakeRawGradient = FloatStorage(count: b * a)
        nextRawGradient = FloatStorage(count: b * a)
        actionGradient = FloatStorage(count: b * a)
    }

    /// A learner whose networks are initialised from the run seed's `.initialization` stream (index 0, "learner").
    public convenience init(observationDim: Int, actionDim: Int, maxAction: Float, config: ActorCriticConfig,
                            observationScaling: InputScaling? = nil, seed: UInt64) {
        var random = RandomStream(seed: seed, purpose: .initialization, 0)
        self.init(observationDim: observationDim, actionDim: actionDim, maxAction: maxAction, config: config,
                  observationScaling: observationScaling, random: &random)
    }

    /// The online actor, as model rollouts see it (spec §5.1: per-row actions with fresh noise).
    public var rolloutPolicy: any RolloutPolicy { actor }

    /// One AC iteration (see the type's documentation).
    /// - criticBatch: the critic batch (≤ B rows, real/generated mix); its states are also the actor's s_b.
    /// - ganStates: s_f (B', S), B' ≤ B, a fresh draw with the same mix.
    /// - realPairs: dataset transitions; the first (fake rows) ≤ 2B' of them form the real batch, so sample 2B'.
    /// - termination: decides which model next states ŝ' join the fake batch (its reward penalty does not matter here).
    /// - warmStart: actor loss L_G only. updateActor: backward and step the actor (t mod policyFrequency = 0).
    public func iterate(criticBatch: TransitionBatch, ganStates: Matrix, realPairs: TransitionBatch,
                        model: any ModelSampler, termination: ModelTermination, warmStart: Bool, updateActor: Bool,
                        random: inout IterationRandom) throws -> IterationLosses {
        var losses = IterationLosses()
        try criticStep(criticBatch, losses: &losses, random: &random.policyNoise)
        let fakeRows = buildFakeBatch(states: ganStates, model: model, termination: termination, random: &random)
        buildRealBatch(realPairs, rows: fakeRows)
        losses.fakeRows = fakeRows
        let qAbsMean = try actorStep(states: criticBatch.observations, fakeRows: fakeRows, ganRows: ganStates.rows,
                                     warmStart: warmStart, updateActor: updateActor, losses: &losses,
                                     random: &random.policyNoise)
        try discriminatorStep(fakeRows: fakeRows, losses: &losses, random: &random.labels)
        softUpdates(qAbsMean: qAbsMean)
        return losses
    }

    // 1. Critic step on (s, a, r, s', d) (B rows).
    func criticStep(_ batch: TransitionBatch, losses: inout IterationLosses, random: inout RandomStream) throws {
        let b = batch.size
        precondition(b <= config.batchSize, "critic batch of \(b) rows > B = \(config.batchSize)")
        // Target, without gradients: one a' = πᵗ(s') with fresh noise; Q' mixes the target heads conservatively.
        let nextActions = actorTarget.forward(batch.nextObservations, workspace: targetActorWorkspace, random: &random).actions
        let (t1, t2) = criticTarget.forward(observations: batch.nextObservations, actions: nextActions,
                                            workspace: targetCriticWorkspace)
        let y = targets.matrix(rows: b, cols: 1)
        let masked = ActorCriticLosses.bootstrapTargets(targetQ1: t1, targetQ2: t2, rewards: batch.rewards,
                                                        terminals: batch.terminals, gamma: config.gamma,
                                                        lambda: config.conservativeLambda, mask: config.bootstrapMask, into: y)
        var targetSum = 0.0
        for i in 0..<b { targetSum += Double(y.base[i]) }
        losses.targetMean = Float(targetSum / Double(b))
        losses.maskedFraction = Float(masked) / Float(b)

        // Huber(δ) of each head against y, summed; one clip over both heads; Adam.
        critic.params.zeroGradients()
        let (q1, q2) = critic.forward(observations: batch.observations, actions: batch.actions, workspace: criticWorkspace)
        let dq1 = q1Gradient.matrix(rows: b, cols: 1), dq2 = q2Gradient.matrix(rows: b, cols: 1)
        losses.critic = Loss.huber(q1, y, delta: config.criticHuberDelta, gradient: dq1)
            + Loss.huber(q2, y, delta: config.criticHuberDelta, gradient: dq2)
        losses.criticQMean = mean(q1)
        guard losses.critic.isFinite else { throw NetworkError.nonFiniteLoss(network: critic.params.name, loss: losses.critic) }
        critic.backward(q1Gradient: dq1, q2Gradient: dq2, workspace: criticWorkspace)
        losses.criticGradientNorm = try critic.params.clipGradientNorm(config.criticGradientClip)
        criticOptimizer.update(critic.params)
    }

    // 2a. Fake batch in fakeWorkspace's input: [s_f, ũ] (B' rows) on top of [ŝ', ũ'] (non-terminal rows).
    // Returns the number of fake rows.
    func buildFakeBatch(states: Matrix, model: any ModelSampler, termination: ModelTermination,
                        random: inout IterationRandom) -> Int {
        let b = states.rows, s = observationDim
        precondition(b <= config.batchSize && states.cols == s, "GAN states \(b)×\(states.cols), B = \(config.batchSize)")
        let (raw, actions) = actor.forward(states, workspace: fakeActorWorkspace, random: &random.policyNoise)
        // ŝ' carries no gradient, neither through the model nor with respect to ã.
        let next = modelNext.matrix(rows: b, cols: s), rewards = modelRewards.matrix(rows: b, cols: 1)
        model.sample(observations: states, actions: actions, nextObservations: next, rewards: rewards,
                     eliteRandom: &random.modelElite, noiseRandom: &random.modelNoise)
        termination.apply(nextObservations: next, rewards: rewards,
                          done: UnsafeMutableBufferPointer(start: modelDone.pointer, count: b))
        var kept = 0
        for i in 0..<b where modelDone[i] == 0 {
            (keptNext.pointer + kept * s).update(from: next.base + i * s, count: s)
            kept += 1
        }
        let fake = fakeWorkspace.input(rows: b + kept)
        fake.rows(0, b).setColumns(0, from: states, scaledBy: observationScaling)
        fake.rows(0, b).setColumns(s, from: raw)
        if kept > 0 {
            let keptStates = keptNext.matrix(rows: kept, cols: s)
            let nextRaw = actor.forward(keptStates, workspace: nextActorWorkspace, random: &random.policyNoise).raw
            fake.rows(b, kept).setColumns(0, from: keptStates, scaledBy: observationScaling)
            fake.rows(b, kept).setColumns(s, from: nextRaw)
        }
        return b + kept
    }

    // 2b. Real batch in realWorkspace's input: dataset [s, atanh(clamp(a / maxAction, ±(1 − 1e-7)))], `rows` rows.
    func buildRealBatch(_ pairs: TransitionBatch, rows: Int) {
        precondition(pairs.size >= rows, "real batch needs \(rows) dataset rows, got \(pairs.size)")
        let s = observationDim, a = actionDim, bound = config.atanhClamp
        let real = realWorkspace.input(rows: rows)
        real.setColumns(0, from: pairs.observations.rows(0, rows), scaledBy: observationScaling)
        for i in 0..<rows {
            for j in 0..<a {
                let scaled = min(max(pairs.actions[i, j] / maxAction, -bound), bound)
                real[i, s + j] = Foundation.atanh(scaled)
            }
        }
    }

    // 3. Actor: L_G through D on the fake rows; the Q term on s_b. Returns mean |min(Q1, Q2)| for the EMA.
    func actorStep(states: Matrix, fakeRows: Int, ganRows: Int, warmStart: Bool, updateActor: Bool,
                   losses: inout IterationLosses, random: inout RandomStream) throws -> Float {
        let s = observationDim, a = actionDim
        let pFake = discriminator.forward(rows: fakeRows, workspace: fakeWorkspace)
        let dp = probabilityGradient.matrix(rows: fakeRows, cols: 1)
        losses.generator = ActorCriticLosses.generator(fake: pFake, ones: ones.matrix(rows: fakeRows, cols: 1), gradient: dp)
        losses.discriminatorFake = mean(pFake)

        // Q term, forward every iteration: the online critic, already stepped, at (s_b, π(s_b)).
        let b = states.rows
        let policyActions = actor.forward(states, workspace: batchActorWorkspace, random: &random).actions
        let (q1, q2) = critic.forward(observations: states, actions: policyActions, workspace: policyCriticWorkspace)
        var qSum = 0.0, qAbsSum = 0.0
        for i in 0..<b {
            let q = min(q1.base[i], q2.base[i])
            qSum += Double(q)
            qAbsSum += Double(abs(q))
        }
        losses.qMean = Float(qSum / Double(b))
        let qAbsMean = Float(qAbsSum / Double(b))
        losses.qAbsMean = qAbsMean
        if qAbsEMA == nil { qAbsEMA = qAbsMean }          // initialised from the first batch
        let qAbs = qAbsEMA!
        losses.qAbsEMA = qAbs
        let qWeight = config.actorLossWeight / qAbs
        losses.actor = ActorCriticLosses.actor(generator: losses.generator, qMean: losses.qMean, qAbsEMA: qAbs,
                                               weight: config.actorLossWeight, warmStart: warmStart)
        guard losses.actor.isFinite else { throw NetworkError.nonFiniteLoss(network: actor.params.name, loss: losses.actor) }
        guard updateActor else { return qAbsMean }

        actor.params.zeroGradients()
        // ∂L_G/∂(fake input); its action columns are ∂L_G/∂ũ (rows < B') and ∂L_G/∂ũ' (the rest).
        let dFake = discriminator.backward(dp, workspace: fakeWorkspace, inputGradient: true)!
        let kept = fakeRows - ganRows
        let dRaw = fakeRawGradient.matrix(rows: ganRows, cols: a)
        let dNextRaw = nextRawGradient.matrix(rows: kept, cols: a)
        for i in 0..<fakeRows {
            let target = i < ganRows ? dRaw.base + i * a : dNextRaw.base + (i - ganRows) * a
            target.update(from: dFake.base + i * (s + a) + s, count: a)
        }
        actor.backward(rawGradient: dRaw, actionGradient: nil, workspace: fakeActorWorkspace)
        if kept > 0 { actor.backward(rawGradient: dNextRaw, actionGradient: nil, workspace: nextActorWorkspace) }
        if !warmStart {
            // ∂L/∂Q_h = −(λ/Q̄_abs)/B on the rows where head h is the minimum (head 1 on ties).
            let dq1 = q1Gradient.matrix(rows: b, cols: 1), dq2 = q2Gradient.matrix(rows: b, cols: 1)
            for i in 0..<b {
                let firstIsMin = q1.base[i] <= q2.base[i]
                dq1.base[i] = firstIsMin ? -qWeight / Float(b) : 0
                dq2.base[i] = firstIsMin ? 0 : -qWeight / Float(b)
            }
            let dAction = actionGradient.matrix(rows: b, cols: a)
            critic.backward(q1Gradient: dq1, q2Gradient: dq2, workspace: policyCriticWorkspace, actionGradient: dAction)
            actor.backward(rawGradient: nil, actionGradient: dAction, workspace: batchActorWorkspace)
        }
        actorOptimizer.update(actor.params)
        losses.actorUpdated = true
        return qAbsMean
    }

    // 4. Discriminator: ½[BCE(D(real), y_real) + BCE(D(fake detached), 0)]. The fake forward of step 3 is reused:
    // D has not changed since, and the fake rows are constants here.
    func discriminatorStep(fakeRows: Int, losses: inout IterationLosses, random: inout RandomStream) throws {
        let n = fakeRows
        discriminator.params.zeroGradients()
        let labels = realLabels.matrix(rows: n, cols: 1)
        random.fillUniform(labels.buffer, config.labelSmoothingLow, 1)
        let realGradient = probabilityGradient.matrix(rows: n, cols: 1)
        let fakeGradient = Matrix(probabilityGradient.pointer + n, rows: n, cols: 1)
        let pReal = discriminator.forward(rows: n, workspace: realWorkspace)
        let pFake = fakeWorkspace.mlp.outputView(rows: n, cols: 1, mlp: discriminator.mlp)
        losses.discriminatorReal = mean(pReal)
        losses.discriminator = ActorCriticLosses.discriminator(real: pReal, labels: labels, fake: pFake,
                                                               zeros: zeros.matrix(rows: n, cols: 1),
                                                               realGradient: realGradient, fakeGradient: fakeGradient)
        discriminator.backward(realGradient, workspace: realWorkspace, inputGradient: false)
        discriminator.backward(fakeGradient, workspace: fakeWorkspace, inputGradient: false)
        guard losses.discriminator.isFinite else {
            throw NetworkError.nonFiniteLoss(network: discriminator.params.name, loss: losses.discriminator)
        }
        discriminatorOptimizer.update(discriminator.params)
    }

    // 5. Targets and the |Q| EMA, every iteration.
    func softUpdates(qAbsMean: Float) {
        criticTarget.params.softUpdate(toward: critic.params, tau: config.tau)
        actorTarget.params.softUpdate(toward: actor.params, tau: config.tau)
        if let previous = qAbsEMA { qAbsEMA = config.tau * qAbsMean + (1 - config.tau) * previous }
    }

    /// Matrix-product FLOP of one iteration with `fakeRows` fake rows and the actor stepped, counting a backward
    /// pass as twice its forward: actor 1 (πᵗ) + 3·(fake rows / B) (π(s_f), π(ŝ')) + 3 (Q term); critic 1 (target)
    /// + 3 (step) + 3 (Q term); discriminator 3 (generator) + 3 (real) + 2 (fake backward).
    public func iterationFlops(fakeRows: Int) -> Double {
        let b = config.batchSize
        let actorForward = actor.forwardFlops(rows: b), criticForward = critic.forwardFlops(rows: b)
        return actorForward * (4 + 3 * Double(fakeRows) / Double(b)) + 7 * criticForward
            + 8 * discriminator.forwardFlops(rows: fakeRows)
    }

    func mean(_ m: Matrix) -> Float {
        var total = 0.0
        for i in 0..<m.count { total += Double(m.base[i]) }
        return m.count > 0 ? Float(total / Double(m.count)) : 0
    }
}
