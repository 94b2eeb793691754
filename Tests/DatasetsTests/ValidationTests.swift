import Datasets
import Foundation
import TestSupport
import Testing

/// Every `DatasetError` case, each checked for a message that names the file and the key or problem.
@Suite struct ValidationTests {
    /// Writes a valid 5-step D4RL file with h5py (S = 3, A = 2), then runs `change` (Python, with the open file
    /// as `f` and numpy as `np`) to break it.
    func h5pyFile(_ directory: TemporaryDirectory, _ change: String) throws -> String {
        let path = directory.file("broken.hdf5")
        let script = """
        import sys, h5py, numpy as np
        n = 5
        with h5py.File(sys.argv[1], "w") as f:
            f["observations"] = np.zeros((n, 3), dtype=np.float32)
            f["actions"] = np.zeros((n, 2), dtype=np.float32)
            f["rewards"] = np.zeros(n, dtype=np.float32)
            f["terminals"] = np.zeros(n, dtype=bool)
            f["timeouts"] = np.zeros(n, dtype=bool)
        \(change.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        """
        _ = try runTestPython(script, arguments: [path])
        return path
    }

    func message(_ body: () throws -> Void) -> String { datasetError(body)?.description ?? "" }

    @Test func missingFile() throws {
        let path = try TemporaryDirectory().file("absent.hdf5")
        let text = message { _ = try D4RLFile.read(path) }
        #expect(text == "\(path): no such file or directory")
    }

    @Test func notAnHDF5File() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("text.hdf5")
        try "not hdf5".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(message { _ = try D4RLFile.read(path) } == "\(path): cannot read: it is not an HDF5 file")
        #expect(message { _ = try D4RLFile.read(directory.path) }
                == "\(directory.path): cannot read: it is a directory, not an HDF5 file")
    }

    @Test func unparsableMinariMetadata() throws {
        let directory = try TemporaryDirectory()
        let data = directory.path + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        _ = try runTestPython("""
        import sys, h5py, numpy as np
        with h5py.File(sys.argv[1] + "/main_data.hdf5", "w") as f:
            g = f.create_group("episode_0")
            g["observations"] = np.zeros((2, 1)); g["actions"] = np.zeros((1, 1)); g["rewards"] = np.zeros(1)
            g["terminations"] = np.ones(1, dtype=bool); g["truncations"] = np.zeros(1, dtype=bool)
        open(sys.argv[1] + "/metadata.json", "w").write("{ not json")
        """, arguments: [data])
        #expect(message { _ = try MinariDataset.read(directory.path) }
                == "\(data)/metadata.json: cannot read: it is not a JSON object")
    }

    @Test func missingKey() throws {
        let directory = try TemporaryDirectory()
        let path = try h5pyFile(directory, "del f['actions']")
        #expect(message { _ = try D4RLFile.read(path) } == "\(path): missing key 'actions'")
    }

    @Test func unsupportedType() throws {
        let directory = try TemporaryDirectory()
        let path = try h5pyFile(directory, "del f['terminals']\nf['terminals'] = np.zeros(n, dtype=np.float32)")
        #expect(message { _ = try D4RLFile.read(path) }
                == "\(path): key 'terminals' holds float32, expected bool, uint8 or int8")
        let other = try h5pyFile(directory, "del f['observations']\nf['observations'] = np.zeros((n, 3), dtype=np.int32)")
        #expect(message { _ = try D4RLFile.read(other) }
                == "\(other): key 'observations' holds int32, expected float32 or float64")
    }

    @Test func badShape() throws {
        let directory = try TemporaryDirectory()
        let path = try h5pyFile(directory, "del f['rewards']\nf['rewards'] = np.zeros((n, 3), dtype=np.float32)")
        #expect(message { _ = try D4RLFile.read(path) }
                == "\(path): key 'rewards' has shape (5, 3), expected (N,) or (N, 1)")
    }

    @Test func lengthMismatchNamesBothKeysAndLengths() throws {
        let directory = try TemporaryDirectory()
        let path = try h5pyFile(directory, "del f['timeouts']\nf['timeouts'] = np.zeros(n - 1, dtype=bool)")
        #expect(message { _ = try D4RLFile.read(path) }
                == "\(path): key 'timeouts' has 4 rows but 'observations' has 5")

        var steps = makeSteps(episodeLengths: [4])
        steps.qpos = ShapedArray(rows: 3, cols: 1, values: [0, 0, 0])
        let target = directory.file("short-qpos.hdf5")
        #expect(message { try D4RLFile.write(steps, to: target) }
                == "\(target): key 'infos/qpos' has 3 rows but 'observations' has 4")
    }

    @Test func nonFiniteNamesKeyAndFirstRow() throws {
        let directory = try TemporaryDirectory()
        let path = try h5pyFile(directory, "f['observations'][2, 1] = np.nan\nf['observations'][4, 0] = np.inf")
        #expect(message { _ = try D4RLFile.read(path) } == "\(path): key 'observations' holds NaN or Inf, first at row 2")
        let rewards = try h5pyFile(directory, "f['rewards'][3] = -np.inf")
        #expect(message { _ = try D4RLFile.read(rewards) } == "\(rewards): key 'rewards' holds NaN or Inf, first at row 3")
    }

    @Test func dimensionMismatchNamesEnvironment() throws {
        let directory = try TemporaryDirectory()
        let path = try h5pyFile(directory, "")
        let halfCheetah = ExpectedDimensions(envName: "halfcheetah", observationDim: 17, actionDim: 6)
        #expect(message { _ = try OfflineDataset.load(path, expecting: halfCheetah) }
                == "\(path): key 'observations' has width 3, but halfcheetah expects 17")
        let wrongActions = ExpectedDimensions(envName: "hopper", observationDim: 3, actionDim: 3)
        #expect(message { _ = try OfflineDataset.load(path, expecting: wrongActions) }
                == "\(path): key 'actions' has width 2, but hopper expects 3")
    }

    @Test func emptyDataset() throws {
        let directory = try TemporaryDirectory()
        let path = try h5pyFile(directory, """
        for key in list(f.keys()):
            shape = (0,) + f[key].shape[1:]
            dtype = f[key].dtype
            del f[key]
            f.create_dataset(key, shape=shape, dtype=dtype)
        """)
        #expect(message { _ = try D4RLFile.read(path) } == "\(path): dataset is empty: 'observations' has no rows")

        // One step and no next observation: qlearning_dataset keeps nothing.
        let oneStep = try h5pyFile(directory, """
        for key in list(f.keys()):
            data = f[key][:1]
            del f[key]
            f[key] = data
        """)
        #expect(message { _ = try OfflineDataset.load(oneStep) } == "\(oneStep): dataset is empty: no transitions "
                + "remain after dropping timeout steps and the last step (no 'next_observations')")
    }

    @Test func writeFailureNamesTheFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/no-such-folder/out.hdf5"
        #expect(message { try D4RLFile.write(makeSteps(episodeLengths: [3]), to: path) }
                == "\(path): cannot write: HDF5 cannot create \(path).tmp")
    }
}
