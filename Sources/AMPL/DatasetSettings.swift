/// Per-dataset hyperparameters of the paper run (spec ampl-algorithm §4.6): rollout length h, policy noise
/// dimension k, MIW power α and policy noise σ; λ is 10 everywhere. A dataset the project generates uses the row
/// of the D4RL dataset with the same environment and kind.
public struct DatasetSettings: Sendable, Equatable {
    public let horizon: Int
    /// 0 means automatic: min(10, ⌊S/2⌋).
    public let noiseDim: Int
    public let miwPower: Float
    public let noiseStd: Float

    static let table: [String: DatasetSettings] = [
        "halfcheetah-medium-expert": .init(horizon: 5, noiseDim: 50, miwPower: 0.5, noiseStd: 1),
        "hopper-medium-expert": .init(horizon: 3, noiseDim: 50, miwPower: 0.5, noiseStd: 1),
        "walker2d-medium-expert": .init(horizon: 5, noiseDim: 50, miwPower: 0.5, noiseStd: 1),
        "halfcheetah-medium": .init(horizon: 1, noiseDim: 50, miwPower: 0.5, noiseStd: 1),
        "hopper-medium": .init(horizon: 1, noiseDim: 50, miwPower: 0.5, noiseStd: 1),
        "walker2d-medium": .init(horizon: 3, noiseDim: 50, miwPower: 0.5, noiseStd: 1),
        "halfcheetah-medium-replay": .init(horizon: 3, noiseDim: 50, miwPower: 0.5, noiseStd: 1),
        "hopper-medium-replay": .init(horizon: 1, noiseDim: 50, miwPower: 0.5, noiseStd: 1),
        "walker2d-medium-replay": .init(horizon: 5, noiseDim: 50, miwPower: 0.5, noiseStd: 1),
        "maze2d-umaze": .init(horizon: 3, noiseDim: 0, miwPower: 0.2, noiseStd: 1),
        "maze2d-medium": .init(horizon: 3, noiseDim: 50, miwPower: 0.2, noiseStd: 1),
        "maze2d-large": .init(horizon: 1, noiseDim: 50, miwPower: 0.2, noiseStd: 1),
        "pen-human": .init(horizon: 1, noiseDim: 1, miwPower: 0.2, noiseStd: 1e-3),
        "pen-cloned": .init(horizon: 5, noiseDim: 1, miwPower: 0.2, noiseStd: 1e-3),
        "pen-expert": .init(horizon: 1, noiseDim: 50, miwPower: 0.2, noiseStd: 1),
        "door-expert": .init(horizon: 1, noiseDim: 0, miwPower: 0.2, noiseStd: 1),
    ]

    /// The row for a dataset name or file name: "hopper-medium-replay", "hopper_medium_replay-v2.hdf5",
    /// "datasets/hopper-medium-replay.hdf5". nil for names not in the table.
    public static func lookup(_ dataset: String) -> DatasetSettings? {
        var name = dataset.split(separator: "/").last.map(String.init) ?? dataset
        for suffix in [".hdf5", ".h5"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
        name = name.replacingOccurrences(of: "_", with: "-").lowercased()
        for version in ["-v0", "-v1", "-v2"] where name.hasSuffix(version) { name.removeLast(version.count) }
        return table[name]
    }

    /// Writes this row into a config (before presets, files and overrides, which may change it again).
    public func apply(to config: inout AMPLConfig) {
        config.rollout.horizon = horizon
        config.actorCritic.noiseDim = noiseDim
        config.actorCritic.noiseStd = noiseStd
        config.miw.power = miwPower
    }
}
