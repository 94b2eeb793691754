import Foundation
import Networks
import Telemetry
import TestSupport
import Testing
@testable import AMPL

/// `ampl train --preset smoke` end to end, through the real binary (built next to the test bundle).
@Suite("ampl train --preset smoke", .serialized)
struct SmokeRunTests {
    @discardableResult
    static func ampl(_ arguments: [String], in folder: URL, killWhen: ((URL) -> Bool)? = nil) throws -> (status: Int32, output: String) {
        let result = try AMPLProcess.run(arguments, in: folder, killWhen: killWhen)
        if result.timedOut { Issue.record("ampl \(arguments) timed out") }
        return (result.status, result.output)
    }

    static func workFolder(_ name: String) throws -> URL { try AMPLProcess.workFolder("smoke-\(name)") }

    @Test func smokeRunWritesCompleteRunFiles() throws {
        let folder = try Self.workFolder("files")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (status, output) = try Self.ampl(["train", "--preset", "smoke", "--run-dir", "runs/smoke", "--seed", "1"], in: folder)
        #expect(status == 0, "\(output)")
        let run = RunDirectory(url: folder.appendingPathComponent("runs/smoke"))
        // The config round-trips: config.yaml resolves to exactly the smoke preset's config.
        var resolver = ConfigResolver()
        resolver.preset = .smoke
        resolver.overrides = ["seed=1"]
        #expect(try AMPLConfig.load(yamlFile: run.configFile.path) == resolver.resolve())
        // One row per epoch, with finite losses and an evaluation each.
        let table = try ProgressTable.read(from: run.progressFile)
        #expect(table.rows.count == 3)
        for column in ["critic_loss", "actor_loss", "generator_loss", "discriminator_loss", "eval_return",
                       "eval_normalized_score", "model_holdout_loss", "discriminator_real", "discriminator_fake", "action_error",
                       "eval_episode_length", "rollout_termination_rate", "model_reward_error", "q_dataset_mean",
                       "mc_return_mean", "q_calibration_ratio"] {
            let values = try table.values(column)
            #expect(values.count == 3 && values.allSatisfy { $0?.isFinite == true }, "\(column): \(values)")
        }
        #expect(try table.values("step").compactMap { $0 } == [20, 40, 60])
        #expect(try table.values("miw_loss").compactMap { $0 }.count == 2)        // ω rounds before epochs 2 and 3
        #expect(try !run.tensorBoardEventFiles().isEmpty)
        // The diagnostics' TensorBoard tags, grouped under train/, eval/ and model/ (docs/telemetry.md).
        let events = try run.tensorBoardEventFiles().map { try Data(contentsOf: $0) }.reduce(Data(), +)
        for tag in RunTelemetry.tensorBoardTags.values {
            #expect(events.range(of: Data(tag.utf8)) != nil, "no TensorBoard tag \(tag)")
        }
        #expect(try table.values("eval_episode_length").allSatisfy { ($0 ?? 0) >= 1 && ($0 ?? 0) <= 1000 })
        #expect(try table.values("mc_return_mean").allSatisfy { ($0 ?? 0) > 0 })
        let curve = try String(contentsOf: run.curveFile, encoding: .utf8)
        #expect(curve.contains("<svg") && curve.contains("behavio"))
        #expect(FileManager.default.fileExists(atPath: run.checkpointsDirectory.appendingPathComponent("latest.ckpt").path))
        #expect(output.contains("final normalised score"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("datasets/halfcheetah-random-5000.hdf5").path))
    }

    @Test func killedAndResumedRunEqualsAnUninterruptedOne() throws {
        let folder = try Self.workFolder("resume")
        defer { try? FileManager.default.removeItem(at: folder) }
        let common = ["train", "--preset", "smoke", "--deterministic", "--seed", "2", "--set", "schedule.epochs=4"]
        let whole = try Self.ampl(common + ["--run-dir", "runs/whole"], in: folder)
        #expect(whole.status == 0, "\(whole.output)")
        // Kill -9 as soon as the second epoch's row is on disk (the checkpoint is from before that epoch).
        let killed = try Self.ampl(common + ["--run-dir", "runs/killed"], in: folder) { folder in
            let csv = (try? String(contentsOf: folder.appendingPathComponent("runs/killed/progress.csv"), encoding: .utf8)) ?? ""
            return csv.split(separator: "\n").count >= 3
        }
        #expect(killed.status != 0, "the run finished before it could be killed")
        let resumed = try Self.ampl(["train", "--resume", "runs/killed"], in: folder)
        #expect(resumed.status == 0, "\(resumed.output)")
        let a = try ProgressTable.read(from: folder.appendingPathComponent("runs/whole/progress.csv"))
        let b = try ProgressTable.read(from: folder.appendingPathComponent("runs/killed/progress.csv"))
        #expect(a.rows.count == 4)
        #expect(b.differences(from: a).isEmpty, "\(b.differences(from: a).prefix(5))")
    }

    /// Critic pre-training runs once: a run killed after it and resumed does not pre-train again, and its
    /// progress.csv equals the uninterrupted run's.
    @Test func criticPretrainingRunsOnceAndSurvivesAResume() throws {
        let folder = try Self.workFolder("pretrain")
        defer { try? FileManager.default.removeItem(at: folder) }
        let common = ["train", "--preset", "smoke", "--deterministic", "--seed", "3", "--set", "schedule.epochs=3",
                      "--set", "schedule.criticPretrainSteps=3000"]
        let whole = try Self.ampl(common + ["--run-dir", "runs/whole"], in: folder)
        #expect(whole.status == 0, "\(whole.output)")
        let line = try #require(whole.output.split(separator: "\n").first { $0.contains("critic pre-training: 3000 steps") })
        let mse = line.split(separator: " ").compactMap { Double($0) }.suffix(2)
        #expect(mse.count == 2 && mse.last! < 0.5 * mse.first!, "\(line)")
        // Kill -9 once the first epoch's row is on disk: every checkpoint by then is from after the pre-training.
        let killed = try Self.ampl(common + ["--run-dir", "runs/killed"], in: folder) { folder in
            let csv = (try? String(contentsOf: folder.appendingPathComponent("runs/killed/progress.csv"), encoding: .utf8)) ?? ""
            return csv.split(separator: "\n").count >= 2
        }
        #expect(killed.status != 0, "the run finished before it could be killed")
        #expect(killed.output.contains("critic pre-training"))
        let resumed = try Self.ampl(["train", "--resume", "runs/killed"], in: folder)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(!resumed.output.contains("critic pre-training"), "\(resumed.output)")
        let a = try ProgressTable.read(from: folder.appendingPathComponent("runs/whole/progress.csv"))
        let b = try ProgressTable.read(from: folder.appendingPathComponent("runs/killed/progress.csv"))
        #expect(a.rows.count == 3)
        #expect(b.differences(from: a).isEmpty, "\(b.differences(from: a).prefix(5))")
    }

    @Test func badInputGivesClearErrors() throws {
        let folder = try Self.workFolder("errors")
        defer { try? FileManager.default.removeItem(at: folder) }
        let unknown = try Self.ampl(["train", "--preset", "smoke", "--set", "ensemble.member=3"], in: folder)
        #expect(unknown.status != 0 && unknown.output.contains("unknown config key 'ensemble.member'"), "\(unknown.output)")
        // A dataset that does not match the environment it names.
        let made = try Self.ampl(["dataset", "make", "--env", "hopper", "--kind", "random", "--steps", "200", "--out", "hopper.hdf5"], in: folder)
        #expect(made.status == 0, "\(made.output)")
        let mismatch = try Self.ampl(["train", "--preset", "smoke", "--dataset", "hopper.hdf5", "--env", "halfcheetah"], in: folder)
        #expect(mismatch.status != 0 && mismatch.output.contains("hopper.hdf5"), "\(mismatch.output)")
    }

    @Test func divergenceStopsNamingNetworkAndStepAndKeepsTheCheckpoint() throws {
        let folder = try Self.workFolder("nan")
        defer { try? FileManager.default.removeItem(at: folder) }
        // A learning rate of 1e30 sends the critic's weights to infinity within a step or two.
        let run = try Self.ampl(["train", "--preset", "smoke", "--run-dir", "runs/nan",
                                 "--set", "actorCritic.criticLearningRate=1e30"], in: folder)
        #expect(run.status != 0)
        #expect(run.output.contains("training stopped at step") && run.output.contains("'critic"), "\(run.output)")
        let checkpoint = folder.appendingPathComponent("runs/nan/checkpoints/latest.ckpt")
        #expect(run.output.contains(checkpoint.lastPathComponent))
        #expect(throws: Never.self) { try CheckpointReader(contentsOf: checkpoint) }
    }
}
