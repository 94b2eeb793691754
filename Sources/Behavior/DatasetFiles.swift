import Datasets
import Environments
import Foundation

/// Turns a `--dataset` argument into a file: an existing path is used as it is; a name `<env>-<kind>` means
/// `<directory>/<env>-<kind>.hdf5` (`-<steps>` added when not D4RL's 1M), made from the bundled behaviour
/// policy (or random actions) when it is missing.
public enum DatasetFiles {
    public static func resolve(_ dataset: String, directory: String, steps: Int, seed: UInt64 = 0,
                               log: (String) -> Void) throws -> String {
        if FileManager.default.fileExists(atPath: dataset) { return dataset }
        let name = dataset.hasSuffix(".hdf5") ? String(dataset.dropLast(5)) : dataset
        let file = "\(directory)/\(name)\(steps == 1_000_000 ? "" : "-\(steps)").hdf5"
        if FileManager.default.fileExists(atPath: file) { return file }
        guard let kind = DatasetKind.allCases.sorted(by: { $0.rawValue.count > $1.rawValue.count })
            .first(where: { name.hasSuffix("-" + $0.rawValue) }) else {
            throw DatasetFilesError.unknown(dataset: dataset, looked: file)
        }
        let env = String(name.dropLast(kind.rawValue.count + 1))
        _ = try environmentSpec(name: env)
        log("making \(file): \(steps) steps of \(env) with the \(kind == .random ? "random" : "bundled \(name)") policy")
        var request = DatasetRequest(env: env, kind: kind, steps: steps)
        request.seed = seed
        let steps = try DatasetMaker.make(request)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try D4RLFile.write(steps, to: file)
        return file
    }
}

public enum DatasetFilesError: Error, CustomStringConvertible, Equatable {
    case unknown(dataset: String, looked: String)

    public var description: String {
        switch self {
        case let .unknown(dataset, looked):
            return "dataset '\(dataset)' is neither a file nor a name like halfcheetah-medium (looked for \(looked))"
        }
    }
}
