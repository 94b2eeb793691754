/// How one rollout generation is cut into chunks and spread over the workers (docs/protocol.md §9).
///
/// The local rule (`RolloutGenerator.generate`): chunk k has min(chunkSize, target − added so far) start
/// states, where "added so far" counts the transitions chunks 0 … k−1 actually produced, which depends on where
/// their rollouts terminated. Chunk k's random streams are keyed by (generation, k) only, so any worker can make
/// any chunk; only its size needs the earlier results.
///
/// - Deterministic: waves of one chunk, each sized by the local rule from the results so far. The generation
///   is exactly the local one; chunks go out one at a time (round-robin over the workers).
/// - Otherwise: a wave sizes all the chunks it needs up front, assuming every rollout runs the full horizon,
///   and sends them to the workers at once. With no terminations that is exactly the local sizing; rollouts
///   cut short leave the target unmet and the next wave covers the rest, so a generation may hold slightly
///   different chunk sizes than the local one (never fewer transitions than the target).
public enum RolloutPlan {
    /// Start-state counts of the next wave's chunks, for a generation that has `added` of `target` transitions.
    public static func wave(target: Int, added: Int, chunkSize: Int, horizon: Int, deterministic: Bool) -> [Int] {
        precondition(chunkSize >= 1 && horizon >= 1, "chunk size and horizon must be positive")
        var missing = target - added
        var sizes: [Int] = []
        while missing > 0 {
            let size = min(chunkSize, missing)
            sizes.append(size)
            if deterministic { break }
            missing -= size * horizon
        }
        return sizes
    }

    /// The worker (index into the rollout workers, in placement order) that makes chunk `chunk`.
    public static func worker(forChunk chunk: Int, workers: Int) -> Int {
        precondition(workers >= 1, "rollouts need at least one worker")
        return chunk % workers
    }
}
