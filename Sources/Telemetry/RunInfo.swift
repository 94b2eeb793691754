// run.json: the facts about a run that readers of its folder need and progress.csv does not hold.
import Foundation

/// Written by the trainer when a run starts; `ampl plot` reads the behaviour score from it to draw the
/// dataset's line. Unknown keys are ignored when reading, so the trainer may add fields.
public struct RunInfo: Codable, Sendable, Equatable {
    /// The dataset's name or file, as given to `ampl train --dataset`.
    public var dataset: String
    /// The D4RL-normalised mean return of the dataset's complete episodes (stored in its metadata).
    public var behaviorScore: Double?

    public init(dataset: String, behaviorScore: Double?) {
        self.dataset = dataset
        self.behaviorScore = behaviorScore
    }

    enum CodingKeys: String, CodingKey {
        case dataset
        case behaviorScore = "behavior_score"
    }

    public static func read(from file: URL) throws -> RunInfo {
        try JSONDecoder().decode(RunInfo.self, from: Data(contentsOf: file))
    }

    public func write(to file: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try (encoder.encode(self) + Data("\n".utf8)).write(to: file, options: .atomic)
    }
}
