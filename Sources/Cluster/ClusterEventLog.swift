import Foundation

/// The run's record of faults and membership changes: workers joining, declared dead or leaving, members
/// handed to another worker or left waiting, and model rounds that finished without some members. One JSON
/// object per line in `RUN_DIR/cluster-events.jsonl` (docs/protocol.md §10), appended as it happens, so the
/// record survives a crash of the coordinator.
public final class ClusterEventLog {
    public static let fileName = "cluster-events.jsonl"

    /// One line of the file; absent fields are left out.
    public struct Record: Codable, Equatable, Sendable {
        /// ISO 8601 wall-clock time.
        public var time: String
        /// `worker_joined`, `worker_dead`, `worker_left`, `members_moved`, `members_waiting`, `round_incomplete`.
        public var event: String
        public var worker: String?
        public var members: [Int]?
        public var round: Int?
        /// Seconds of silence before a worker was declared dead.
        public var silenceSeconds: Double?
        public var detail: String?
    }

    public let url: URL
    private let log: (String) -> Void

    public init(url: URL, log: @escaping (String) -> Void) {
        self.url = url
        self.log = log
    }

    func record(_ event: String, worker: PeerIdentity? = nil, members: [Int]? = nil, round: Int? = nil,
                silence: Double? = nil, detail: String? = nil) {
        let record = Record(time: ISO8601DateFormatter().string(from: Date()), event: event,
                            worker: worker.map { "\($0)" }, members: members, round: round, silenceSeconds: silence,
                            detail: detail)
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let line = try encoder.encode(record) + Data("\n".utf8)
            if !FileManager.default.fileExists(atPath: url.path) {
                _ = FileManager.default.createFile(atPath: url.path, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: line)
        } catch {
            // The run goes on; the event is still in the log.
            log("could not record \(event) in \(url.path): \(error)")
        }
    }

    /// Every record in a file (for tests and tools).
    public static func read(_ url: URL) throws -> [Record] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(Record.self, from: Data($0.utf8))
        }
    }
}
