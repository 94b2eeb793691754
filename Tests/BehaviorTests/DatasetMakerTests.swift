import Datasets
import Environments
import Foundation
import Numerics
import TestSupport
import Testing
@testable import Behavior

@Suite("ampl dataset make")
struct DatasetMakerTests {
    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("ampl-make-\(getpid())-\(name).hdf5").path
    }

    @Test func randomHalfCheetahFileReadsBackBitExactlyAndMarksTimeouts() throws {
        var request = DatasetRequest(env: "halfcheetah", kind: .random, steps: 2500)
        request.seed = 3
        let made = try DatasetMaker.make(request)
        let path = temporaryPath("random")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try D4RLFile.write(made, to: path)
        let read = try D4RLFile.read(path)
        #expect(read.observations.values.map(\.bitPattern) == made.observations.values.map(\.bitPattern))
        #expect(read.actions.values.map(\.bitPattern) == made.actions.values.map(\.bitPattern))
        #expect(read.rewards.map(\.bitPattern) == made.rewards.map(\.bitPattern))
        #expect(read == made)
        // Recorded in 2 parts of 1250 steps. HalfCheetah never terminates: each part times out after 1000 steps;
        // part 0's cut second episode is marked as a timeout too (so it does not run into part 1), part 1's cut
        // episode, the file's last, has neither flag.
        #expect(made.timeouts.indices.filter { made.timeouts[$0] } == [999, 1249, 2249])
        #expect(!made.terminals.contains(true))
        // Episode starts are recoverable: the step after a timeout is a reset, so its observation differs
        // from the previous step's next observation.
        let s = made.observationDim
        #expect(Array(made.observations.values[(1000 * s)..<(1001 * s)]) != Array(made.nextObservations!.values[(999 * s)..<(1000 * s)]))
        // The behaviour score is that of the two complete episodes (not the cut ones), near D4RL's random reference (0).
        let score = try #require(made.metadata.behaviorScore)
        #expect(abs(score) < 0.02)
        #expect(made.metadata.envName == "halfcheetah" && made.metadata.kind == "random")
    }

    @Test func h5pyReadsTheD4RLKeysShapesAndTypes() throws {
        let made = try DatasetMaker.make(DatasetRequest(env: "hopper", kind: .random, steps: 300))
        let path = temporaryPath("h5py")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try D4RLFile.write(made, to: path)
        let script = """
            import sys, h5py
            f = h5py.File(sys.argv[1], "r")
            for key in ["observations", "next_observations", "actions", "rewards", "terminals", "timeouts",
                        "infos/qpos", "infos/qvel", "infos/action_log_probs"]:
                print(key, f[key].shape, f[key].dtype)
            print("env", f["metadata/env"][()].decode(), "kind", f["metadata/kind"][()].decode())
            """
        let lines = try runTestPython(script, arguments: [path]).split(separator: "\n").map(String.init)
        #expect(lines.contains("observations (300, 11) float32"))
        #expect(lines.contains("next_observations (300, 11) float32"))
        #expect(lines.contains("actions (300, 3) float32"))
        #expect(lines.contains("rewards (300,) float32"))
        #expect(lines.contains("terminals (300,) bool"))
        #expect(lines.contains("timeouts (300,) bool"))
        #expect(lines.contains("infos/qpos (300, 6) float32"))
        #expect(lines.contains("infos/qvel (300, 6) float32"))
        #expect(lines.contains("env hopper kind random"))
        // Hopper falls within a few dozen random steps: terminals are set and start new episodes.
        #expect(made.terminals.contains(true))
    }

    @Test func bundledMediumPolicyMakesAMediumDataset() throws {
        #expect(PolicySource.bundledNames.contains("halfcheetah-medium"))
        var request = DatasetRequest(env: "halfcheetah", kind: .medium, steps: 2000)     // one episode per part
        request.seed = 1
        let made = try DatasetMaker.make(request)
        let score = try #require(made.metadata.behaviorScore) * 100
        #expect(score > 30 && score < 60, "behaviour score \(score)")
        #expect(made.policyArrays["last_fc/weight"]?.shape == [6, 256])
    }

    /// `--policy-noise-scale 3` records actions three times as far (in pre-tanh terms) from the policy's mean
    /// as the policy itself, and says so in `metadata/policy_noise_scale`.
    @Test func policyNoiseScaleWidensTheActionsAndIsRecorded() throws {
        func made(scale: Float) throws -> D4RLSteps {
            var request = DatasetRequest(env: "halfcheetah", kind: .medium, steps: 600)
            request.seed = 1
            request.policyNoiseScale = scale
            return try DatasetMaker.make(request)
        }
        let mean = try PolicySource.load("halfcheetah-medium", spec: HalfCheetah.spec, deterministic: true)
        func distanceFromMean(_ steps: D4RLSteps) -> Double {
            var total = 0.0, action = [Float](repeating: 0, count: steps.actions.cols)
            var rng = RandomStream(seed: 0, purpose: .test)
            for i in 0..<steps.count {
                let row = Array(steps.observations.values[(i * steps.observations.cols)..<((i + 1) * steps.observations.cols)])
                row.withUnsafeBufferPointer { o in action.withUnsafeMutableBufferPointer { mean.act(observation: o, rng: &rng, into: $0) } }
                for d in 0..<action.count { total += Double(abs(steps.actions.values[i * action.count + d] - action[d])) }
            }
            return total / Double(steps.count * action.count)
        }
        let narrow = try made(scale: 1), wide = try made(scale: 3)
        #expect(narrow.metadata.policyNoiseScale == nil && wide.metadata.policyNoiseScale == 3)
        let (d1, d3) = (distanceFromMean(narrow), distanceFromMean(wide))
        #expect(d3 > 2 * d1, "mean |a − tanh(μ)|: \(d1) at scale 1, \(d3) at scale 3")

        let path = temporaryPath("noise")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try D4RLFile.write(wide, to: path)
        #expect(try D4RLFile.read(path).metadata.policyNoiseScale == 3)

        // Without a scale, each bundled policy is recorded at its standard scale: twice the noise for
        // halfcheetah-medium (D4RL-like action coverage), the policy's own for the others.
        #expect(try DatasetMaker.make(DatasetRequest(env: "halfcheetah", kind: .medium, steps: 20)).metadata.policyNoiseScale == 2)
        #expect(try DatasetMaker.make(DatasetRequest(env: "hopper", kind: .medium, steps: 20)).metadata.policyNoiseScale == nil)

        var random = DatasetRequest(env: "halfcheetah", kind: .random, steps: 10)
        random.policyNoiseScale = 2
        #expect(throws: DatasetMakerError.noiseScaleWithoutPolicy(kind: .random)) { try DatasetMaker.make(random) }
        var negative = DatasetRequest(env: "halfcheetah", kind: .medium, steps: 10)
        negative.policyNoiseScale = -1
        #expect(throws: DatasetMakerError.badNoiseScale(-1)) { try DatasetMaker.make(negative) }
    }

    @Test func policyErrorsNameTheProblem() {
        let spec = HalfCheetah.spec
        #expect(throws: PolicySourceError.self) { try PolicySource.load("no-such-policy", spec: spec) }
        do { _ = try PolicySource.load("halfcheetah-medium", spec: try environmentSpec(name: "hopper")) } catch {
            #expect("\(error)".contains("trained on halfcheetah, not hopper"), "\(error)")
        }
        do { _ = try DatasetMaker.make(DatasetRequest(env: "hopper", kind: .mediumReplay, steps: 10)) } catch {
            #expect("\(error)".contains("--replay"), "\(error)")
        }
    }
}
