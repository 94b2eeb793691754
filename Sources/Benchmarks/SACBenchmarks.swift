import Behavior
import Datasets
import Networks
import Numerics

/// `ampl bench sac`: one SAC update (critic, actor, temperature, target) at batch 256 with 256-256 networks
/// and HalfCheetah's dimensions, from a replay buffer of random transitions.
public enum SACBenchmarks {
    public static func run(threads: Int) throws -> [BenchmarkResult] {
        BLAS.setThreads(threads)
        let s = 17, a = 6
        var config = SACConfig()
        config.batchSize = 256
        var rng = RandomStream(seed: 5, purpose: .initialization)
        let agent = SACAgent(observationDim: s, actionDim: a, config: config, rng: &rng)
        let replay = TransitionBuffer(capacity: 10_000, observationDim: s, actionDim: a)
        let rows = 10_000
        let fill = (obs: FloatStorage(count: rows * s), act: FloatStorage(count: rows * a), rew: FloatStorage(count: rows),
                    next: FloatStorage(count: rows * s), done: FloatStorage(count: rows))
        rng.fillNormal(fill.obs.buffer)
        rng.fillUniform(fill.act.buffer, -1, 1)
        rng.fillNormal(fill.rew.buffer)
        rng.fillNormal(fill.next.buffer)
        replay.add(observations: fill.obs.matrix(rows: rows, cols: s), actions: fill.act.matrix(rows: rows, cols: a),
                   rewards: fill.rew.matrix(rows: rows, cols: 1), nextObservations: fill.next.matrix(rows: rows, cols: s),
                   terminals: fill.done.matrix(rows: rows, cols: 1))
        let batch = TransitionBatch(size: config.batchSize, observationDim: s, actionDim: a)
        let rate = try Stopwatch.rate {
            replay.sampleUniformly(into: batch, random: &rng)
            _ = try agent.update(batch: batch, rng: &rng)
        }
        // Matmul work of one update: actor at s' and s (forward), actor backward at s; target critic heads at
        // (s', a'); online heads forward + backward (weights only) on (s, a); online heads at (s, π(s)) forward
        // + backward with input gradients.
        let b = config.batchSize
        let actor = agent.actor.mlp, head = agent.heads[0]
        let actorForward = actor.forwardFlops(rows: b), headForward = head.forwardFlops(rows: b)
        let actorBackward = 2 * actorForward - actor.layers[0].forwardFlops(rows: b)
        let flops = 2 * actorForward + actorBackward + 2 * headForward
            + 2 * (headForward + 2 * headForward - head.layers[0].forwardFlops(rows: b))
            + 2 * (headForward + 2 * headForward)
        return [BenchmarkResult(name: "sac-update-256x256-b256", threads: threads, stepsPerSecond: rate,
                                gflopPerStep: flops / 1e9, sgemmGflops: Stopwatch.sgemmGflops(m: b, n: 256, k: 256),
                                sgemmShape: [b, 256, 256])]
    }
}
