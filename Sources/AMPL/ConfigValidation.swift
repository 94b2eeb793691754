import Foundation
import Yams

extension AMPLConfig {
    /// Values that decode but cannot run: each error names the key and the rule.
    public func validate() throws {
        func require(_ ok: Bool, _ key: String, _ rule: String) throws {
            if !ok { throw ConfigError.badValue(key: key, detail: rule) }
        }
        try require(schedule.epochs >= 1, "schedule.epochs", "must be at least 1")
        try require(schedule.itersPerEpoch >= 1, "schedule.itersPerEpoch", "must be at least 1")
        try require(schedule.modelRetrainPeriodEpochs >= 1, "schedule.modelRetrainPeriodEpochs", "must be at least 1")
        try require(schedule.realFractionStepEpochs >= 1, "schedule.realFractionStepEpochs", "must be at least 1")
        try require(schedule.rolloutGenerationFreq >= 1, "schedule.rolloutGenerationFreq", "must be at least 1")
        try require(schedule.rolloutRetainEpochs >= 1, "schedule.rolloutRetainEpochs", "must be at least 1")
        try require(schedule.miwStepsPerRound >= 0, "schedule.miwStepsPerRound", "must not be negative")
        try require(schedule.criticPretrainSteps >= 0, "schedule.criticPretrainSteps", "must not be negative")
        try require(schedule.realFractionFinal > 0 && schedule.realFractionFinal <= 1, "schedule.realFractionFinal", "must be in (0, 1]")
        try require(actorCritic.batchSize >= 2, "actorCritic.batchSize", "must be at least 2")
        try require(ensemble.members >= 1, "ensemble.members", "must be at least 1")
        try require(ensemble.elites >= 1 && ensemble.elites <= ensemble.members, "ensemble.elites",
                    "must be between 1 and ensemble.members (\(ensemble.members))")
        try require(ensemble.weightDecay.count == ensemble.hidden.count + 1, "ensemble.weightDecay",
                    "needs one value per hidden layer and one for the heads (\(ensemble.hidden.count + 1)), has \(ensemble.weightDecay.count)")
        try require(rollout.horizon >= 1, "rollout.horizon", "must be at least 1")
        try require(rollout.chunkSize >= 1, "rollout.chunkSize", "must be at least 1")
        try require(evaluation.episodes >= 0, "evaluation.episodes", "must not be negative")
        try require(threads >= 1, "threads", "must be at least 1")
        try require(cluster.heartbeatInterval > 0, "cluster.heartbeatInterval", "must be positive")
        try require(cluster.liveness >= 1, "cluster.liveness", "must be at least 1")
        try require(cluster.minMembers >= 0 && cluster.minMembers <= ensemble.members, "cluster.minMembers",
                    "must be between 0 (= the number of elites) and ensemble.members (\(ensemble.members))")
        try require(cluster.modelEpochDeadlineSeconds > 0, "cluster.modelEpochDeadlineSeconds", "must be positive")
        try require(cluster.workerWaitSeconds >= 0, "cluster.workerWaitSeconds", "must not be negative")
        try require(datasetSteps >= 1, "datasetSteps", "must be at least 1")
    }

    /// The config as YAML (config.yaml in a run folder).
    public func yaml() throws -> String { try YAMLEncoder().encode(self) }

    /// Reads a run folder's config.yaml strictly (unknown keys and bad values are errors naming the file).
    public static func load(yamlFile path: String) throws -> AMPLConfig {
        var resolver = ConfigResolver()
        resolver.configFile = path
        let layers = try resolver.loadLayers()
        let config = try resolver.apply(layers, over: AMPLConfig())
        try config.validate()
        return config
    }
}
