// The folder a training run writes into (docs/architecture.md §5):
//
//   runs/<name>/config.yaml            the fully resolved config
//   runs/<name>/run.json               what plots need to know about the run (RunInfo)
//   runs/<name>/progress.csv           one row per epoch
//   runs/<name>/events.out.tfevents.*  the same scalars for TensorBoard
//   runs/<name>/checkpoints/           resume points
//   runs/<name>/curve.svg              normalised score against steps
import Foundation

public enum RunDirectoryError: Error, CustomStringConvertible, Equatable {
    case notEmpty(String)
    case missing(String)

    public var description: String {
        switch self {
        case .notEmpty(let path):
            "run folder \(path) already exists and is not empty; continue that run with --resume \(path), "
                + "or give this run another folder with --run-dir"
        case .missing(let path):
            "run folder \(path) does not exist, so there is nothing to resume"
        }
    }
}

public struct RunDirectory: Sendable, Equatable {
    public let url: URL

    /// Where runs go when no folder is named: `runs/<name>` under the current folder.
    public static let defaultRoot = URL(fileURLWithPath: "runs", isDirectory: true)

    public init(url: URL) { self.url = url }
    public init(name: String, root: URL = RunDirectory.defaultRoot) {
        url = root.appendingPathComponent(name, isDirectory: true)
    }

    public var configFile: URL { url.appendingPathComponent("config.yaml") }
    public var runInfoFile: URL { url.appendingPathComponent("run.json") }
    public var progressFile: URL { url.appendingPathComponent("progress.csv") }
    public var curveFile: URL { url.appendingPathComponent("curve.svg") }
    public var checkpointsDirectory: URL { url.appendingPathComponent("checkpoints", isDirectory: true) }

    /// The TensorBoard event files already in the folder (a resumed run has one per start), oldest first.
    public func tensorBoardEventFiles() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
            .filter { $0.lastPathComponent.hasPrefix("events.out.tfevents.") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Makes the folder and its `checkpoints/` for a new run. A folder that already holds files belongs to
    /// another run: it is refused, unless `replacingExisting` is set, in which case its contents are deleted
    /// first (so no stale event file or checkpoint mixes into the new run).
    public func create(replacingExisting: Bool = false) throws {
        let files = FileManager.default
        let existing = (try? files.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)) ?? []
        if !existing.isEmpty {
            guard replacingExisting else { throw RunDirectoryError.notEmpty(url.relativePath) }
            for item in existing { try files.removeItem(at: item) }
        }
        try files.createDirectory(at: checkpointsDirectory, withIntermediateDirectories: true)
    }

    /// Checks that a run to resume is there, and makes sure its `checkpoints/` exists.
    public func openForResume() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RunDirectoryError.missing(url.relativePath)
        }
        try FileManager.default.createDirectory(at: checkpointsDirectory, withIntermediateDirectories: true)
    }
}
