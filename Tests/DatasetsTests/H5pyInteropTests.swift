import Datasets
import Foundation
import TestSupport
import Testing

/// Files exchanged with h5py, the tool D4RL and Minari use, run from the test venv (`testPythonPath()`).
@Suite struct H5pyInteropTests {
    @Test func h5pyReadsSwiftFileWithD4RLKeysShapesAndDtypes() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("swift-written.hdf5")
        let steps = makeSteps(episodeLengths: [5, 6], terminalEpisodes: [0])
        try D4RLFile.write(steps, to: path)

        let script = """
        import sys, h5py, numpy as np
        with h5py.File(sys.argv[1], "r") as f:
            def show(name, obj):
                if isinstance(obj, h5py.Dataset):
                    print(name, obj.shape, obj.dtype, obj.compression)
            f.visititems(show)
            print("terminal_rows", np.flatnonzero(f["terminals"][()]).tolist())
            print("timeout_rows", np.flatnonzero(f["timeouts"][()]).tolist())
            print("first_obs", repr(f["observations"][0, 0].item()))
            print("algorithm", f["metadata/algorithm"][()])
        """
        let lines = Set(try runTestPython(script, arguments: [path]).split(separator: "\n").map(String.init))
        for expected in ["observations (11, 3) float32 gzip", "next_observations (11, 3) float32 gzip",
                         "actions (11, 2) float32 gzip", "rewards (11,) float32 gzip",
                         "terminals (11,) bool gzip", "timeouts (11,) bool gzip",
                         "infos/qpos (11, 4) float32 gzip", "infos/qvel (11, 5) float32 gzip",
                         "infos/action_log_probs (11,) float32 gzip",
                         "metadata/algorithm () |S3 None", "metadata/env () |S11 None", "metadata/kind () |S6 None",
                         "metadata/behavior_score () float64 None",
                         "metadata/policy/fc0/weight (4, 3) float32 gzip", "metadata/policy/fc0/bias (4,) float32 gzip",
                         "terminal_rows [4]", "timeout_rows [10]", "algorithm b'SAC'",
                         "first_obs \(Double(steps.observations.values[0]))"] {
            #expect(lines.contains(expected), "h5py output lacks '\(expected)': \(lines.sorted())")
        }
    }

    @Test func swiftReadsH5pyFloat64FileWithBoolEnumsAndColumnRewards() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("h5py-written.hdf5")
        // A medium-replay-like file: float64 arrays, (N, 1) rewards and terminals, bool timeouts, str metadata.
        let script = """
        import sys, h5py, numpy as np
        n = 6
        with h5py.File(sys.argv[1], "w") as f:
            f.create_dataset("observations", data=np.arange(n * 2, dtype=np.float64).reshape(n, 2) / 3, compression="gzip")
            f.create_dataset("actions", data=np.linspace(-1, 1, n, dtype=np.float64).reshape(n, 1))
            f.create_dataset("rewards", data=np.array([[0.1], [0.2], [0.3], [0.4], [0.5], [0.6]]))
            f.create_dataset("terminals", data=np.array([[False], [True], [False], [False], [False], [False]]))
            f.create_dataset("timeouts", data=np.array([False, False, False, True, False, False]))
            f["metadata/env"] = "hopper"
            f["metadata/algorithm"] = np.bytes_("SAC")
            f["metadata/behavior_score"] = 0.25
            f["metadata/policy/nonlinearity"] = np.bytes_("relu")
            f["metadata/policy/last_fc/bias"] = np.array([1.5, -2.5], dtype=np.float32)
        """
        _ = try runTestPython(script, arguments: [path])

        let steps = try D4RLFile.read(path)
        #expect(steps.observations.shape == [6, 2])
        #expect(steps.observations.values == (0..<12).map { Float(Double($0) / 3) })
        #expect(steps.actions.shape == [6, 1])
        #expect(steps.rewards == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6].map { Float($0) })
        #expect(steps.terminals == [false, true, false, false, false, false])
        #expect(steps.timeouts == [false, false, false, true, false, false])
        #expect(steps.nextObservations == nil)
        #expect(steps.metadata == DatasetMetadata(envName: "hopper", algorithm: "SAC", behaviorScore: 0.25))
        #expect(steps.policyArrays == ["last_fc/bias": ShapedArray(shape: [2], values: [1.5, -2.5])])

        // qlearning_dataset keeps rows 0, 1, 2 and 4 (3 is a timeout, 5 is last).
        let dataset = try OfflineDataset(qlearningFrom: steps, sourcePath: path)
        #expect(dataset.count == 4)
        #expect(dataset.rewards.toArray() == [0.1, 0.2, 0.3, 0.5].map { Float($0) })
    }

    @Test func swiftReadsUInt8AndInt8Flags() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("int-flags.hdf5")
        let script = """
        import sys, h5py, numpy as np
        with h5py.File(sys.argv[1], "w") as f:
            f["observations"] = np.zeros((3, 1), dtype=np.float32)
            f["actions"] = np.zeros((3, 1), dtype=np.float32)
            f["rewards"] = np.zeros(3, dtype=np.float32)
            f["terminals"] = np.array([0, 1, 0], dtype=np.uint8)
            f["timeouts"] = np.array([0, 0, 1], dtype=np.int8)
        """
        _ = try runTestPython(script, arguments: [path])
        let steps = try D4RLFile.read(path)
        #expect(steps.terminals == [false, true, false])
        #expect(steps.timeouts == [false, false, true])
    }

    @Test func minariDirectoryWrittenByH5py() throws {
        let directory = try TemporaryDirectory()
        let dataFolder = directory.path + "/halfcheetah-test-v0/data"
        try FileManager.default.createDirectory(atPath: dataFolder, withIntermediateDirectories: true)
        // Episode 0: 3 steps ending in termination. Episode 1: 2 steps ending in truncation.
        // Episode 10 sorts after 2 numerically: 2 steps, neither terminated nor truncated (recording stopped).
        let script = """
        import sys, json, h5py, numpy as np
        folder = sys.argv[1]
        episodes = {
            0: ([[0, 0], [1, 1], [2, 2], [3, 3]], [1.0, 2.0, 3.0], [0, 0, 1], [0, 0, 0]),
            1: ([[10, 10], [11, 11], [12, 12]], [4.0, 5.0], [0, 0], [0, 1]),
            10: ([[30, 30], [31, 31], [32, 32]], [8.0, 9.0], [0, 0], [0, 0]),
            2: ([[20, 20], [21, 21]], [6.0], [0], [1]),
        }
        with h5py.File(folder + "/main_data.hdf5", "w") as f:
            for i, (obs, rew, term, trunc) in episodes.items():
                g = f.create_group(f"episode_{i}")
                g.attrs["id"] = i
                g.attrs["total_steps"] = len(rew)
                g["observations"] = np.array(obs, dtype=np.float64)
                g["actions"] = np.full((len(rew), 1), i, dtype=np.float32)
                g["rewards"] = np.array(rew, dtype=np.float64)
                g["terminations"] = np.array(term, dtype=bool)
                g["truncations"] = np.array(trunc, dtype=bool)
                g.create_group("infos")
        spec = json.dumps({"id": "HalfCheetah-v4", "max_episode_steps": 1000})
        json.dump({"dataset_id": "halfcheetah-test-v0", "total_episodes": 4, "total_steps": 8,
                   "data_format": "hdf5", "env_spec": spec, "algorithm_name": "SAC",
                   "ref_min_score": 0.0, "ref_max_score": 20.0}, open(folder + "/metadata.json", "w"))
        """
        _ = try runTestPython(script, arguments: [dataFolder])

        let dataset = try OfflineDataset.load(directory.path + "/halfcheetah-test-v0")
        // Transitions: episode 0 all 3 steps; episode 1 its first step (the second is a truncation);
        // episode 2 none (its only step is a truncation); episode 10 both steps.
        #expect(dataset.count == 6)
        #expect(dataset.observations.toArray() == [0, 0, 1, 1, 2, 2, 10, 10, 30, 30, 31, 31])
        #expect(dataset.nextObservations.toArray() == [1, 1, 2, 2, 3, 3, 11, 11, 31, 31, 32, 32])
        #expect(dataset.actions.toArray() == [0, 0, 0, 1, 10, 10])
        #expect(dataset.rewards.toArray() == [1, 2, 3, 4, 8, 9])
        #expect(dataset.terminals.toArray() == [0, 0, 1, 0, 0, 0])
        #expect(dataset.timeouts == [false, false, false, true, false, true])
        #expect(dataset.episodeStarts == [0, 3, 4])
        // Complete episodes: 0 (terminated), 1 and 2 (truncated); episode 10 never ended.
        #expect(dataset.episodeReturns == [6, 9, 6])
        #expect(dataset.metadata.envName == "HalfCheetah-v4")
        #expect(dataset.metadata.algorithm == "SAC")
        #expect(dataset.metadata.behaviorScore == 7.0 / 20.0)
    }
}
