import Numerics

/// One step of a learned dynamics model for a batch of rows: what the GAN regulariser (next states ŝ') and
/// model rollouts need. `GaussianEnsemble` implements it; tests may use a fake.
///
/// Called from the training thread; allocation-free.
public protocol ModelSampler: AnyObject {
    /// For each row i: pick one elite member uniformly at random (`eliteRandom`), sample (r̂, Δŝ) from its Gaussian
    /// (`noiseRandom`), and write `nextObservations[i] = s_i + Δŝ_i`, `rewards[i] = r̂_i`, in raw (de-normalised)
    /// units, with NaN entries replaced by 0 (spec §3.3).
    ///     observations, nextObservations: (B, S)   actions: (B, A)   rewards: (B, 1)
    func sample(observations: Matrix, actions: Matrix, nextObservations: Matrix, rewards: Matrix,
                eliteRandom: inout RandomStream, noiseRandom: inout RandomStream)
}
