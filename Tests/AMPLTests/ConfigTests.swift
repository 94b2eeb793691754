import Foundation
import Testing
@testable import AMPL

@Suite("Configuration: presets, files, overrides, scale")
struct ConfigTests {
    func temporaryYAML(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ampl-config-\(getpid())-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func layersApplyInOrderLaterWins() throws {
        var resolver = ConfigResolver()
        resolver.preset = .quick                                        // epochs 60, itersPerEpoch 500
        resolver.configFile = try temporaryYAML("schedule:\n  itersPerEpoch: 400\nseed: 9\n")
        resolver.overrides = ["schedule.itersPerEpoch=300", "dataset=walker2d-medium"]
        let config = try resolver.resolve()
        #expect(config.schedule.epochs == 60)
        #expect(config.schedule.itersPerEpoch == 300)
        #expect(config.actorCritic.normalizeStates && !AMPLConfig().actorCritic.normalizeStates)
        #expect(config.seed == 9)
        // walker2d-medium's row of spec §4.6: h = 3.
        #expect(config.rollout.horizon == 3)
        #expect(config.actorCritic.noiseDim == 50 && config.miw.power == 0.5)
    }

    @Test func datasetRowSitsUnderPresetsAndOverrides() throws {
        var resolver = ConfigResolver()
        resolver.overrides = ["dataset=hopper-medium-expert", "rollout.horizon=7"]
        #expect(try resolver.resolve().rollout.horizon == 7)
        resolver.overrides = ["dataset=hopper_medium_expert-v2.hdf5"]
        #expect(try resolver.resolve().rollout.horizon == 3)
    }

    @Test func unknownKeysAreErrorsWithTheirSourceAndASuggestion() throws {
        var resolver = ConfigResolver()
        resolver.overrides = ["schedule.epoch=5"]
        do {
            _ = try resolver.resolve()
            Issue.record("an unknown key was accepted")
        } catch {
            #expect("\(error)" == "unknown config key 'schedule.epoch' in --set schedule.epoch=5 (did you mean 'schedule.epochs'?)")
        }
        let file = try temporaryYAML("actorCritic:\n  bogusSetting: 1\n")
        resolver.overrides = []
        resolver.configFile = file
        do { _ = try resolver.resolve() } catch { #expect("\(error)".contains("'actorCritic.bogusSetting' in \(file)")) }
    }

    @Test func badValuesNameTheKey() throws {
        var resolver = ConfigResolver()
        resolver.overrides = ["schedule.epochs=many"]
        do { _ = try resolver.resolve() } catch { #expect("\(error)" == "config value 'schedule.epochs' must be an integer") }
        resolver.overrides = ["ensemble.elites=9"]
        do { _ = try resolver.resolve() } catch {
            #expect("\(error)" == "config value 'ensemble.elites' must be between 1 and ensemble.members (7)")
        }
        resolver.overrides = ["schedule=3"]
        do { _ = try resolver.resolve() } catch { #expect("\(error)".contains("'schedule' is a section")) }
        resolver.overrides = ["no-equals-sign"]
        #expect(throws: ConfigError.badOverride("no-equals-sign")) { try resolver.resolve() }
    }

    @Test func scaleFollowsTheSpecRule() throws {
        var resolver = ConfigResolver()
        resolver.scale = 0.1
        let s = try resolver.resolve().schedule
        // Spec §5.5 example: 100 epochs, rounds every 10, 4 warm-start epochs, 1-epoch fraction steps,
        // rollouts every 25 iterations, 10,000 ω steps; iterations per epoch unchanged.
        #expect(s.epochs == 100 && s.modelRetrainPeriodEpochs == 10 && s.warmStartEpochs == 4)
        #expect(s.realFractionStepEpochs == 1 && s.rolloutGenerationFreq == 25 && s.miwStepsPerRound == 10_000)
        #expect(s.itersPerEpoch == 1000)
        #expect(Schedule().scaled(by: 0.001).realFractionStepEpochs == 1)   // max(1, ⌊s·v + 0.5⌋)
    }

    @Test func realFractionTableOfSpec42() {
        let s = Schedule()
        let expected: [(Int, Int)] = [(1, 512), (45, 512), (46, 460), (50, 460), (51, 409), (56, 358), (61, 307), (65, 307),
                                      (66, 256), (1000, 256)]
        for (epoch, rows) in expected { #expect(s.realRows(epoch: epoch, batchSize: 512) == rows, "epoch \(epoch)") }
        #expect(!s.usesGeneratedData(epoch: 45) && s.usesGeneratedData(epoch: 46))
        #expect(s.isModelRound(completedEpochs: 0) && s.isModelRound(completedEpochs: 900))
        #expect(!s.isModelRound(completedEpochs: 1000) && !s.isModelRound(completedEpochs: 50))
    }

    @Test func resolvedConfigRoundTripsThroughYAML() throws {
        var resolver = ConfigResolver()
        resolver.preset = .smoke
        resolver.overrides = ["seed=3", "rollout.legacyActionBroadcast=true", "miw.qEvaluation=perStep"]
        let config = try resolver.resolve()
        let file = try temporaryYAML(try config.yaml())
        #expect(try AMPLConfig.load(yamlFile: file) == config)
    }

    @Test func everyPresetResolvesAndValidates() throws {
        for preset in Preset.all {
            var resolver = ConfigResolver()
            resolver.preset = preset
            _ = try resolver.resolve()
        }
    }
}
