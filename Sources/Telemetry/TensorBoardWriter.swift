// Writes scalar summaries to a TensorBoard event file, `events.out.tfevents.<unix time>.<hostname>`.
//
// Each event goes to the file in one write(2) as soon as it is added (FileHandle does no buffering), so a
// TensorBoard watching the run folder sees every point immediately and a crash loses nothing.
import Foundation

/// Not thread-safe: one trainer loop owns it.
public final class TensorBoardWriter {
    public let file: URL
    private let handle: FileHandle

    /// The name TensorBoard looks for: it reads every `events.out.tfevents.*` file in a folder.
    public static func fileName(createdAt date: Date, hostName: String) -> String {
        "events.out.tfevents.\(Int(date.timeIntervalSince1970)).\(hostName)"
    }

    /// Starts a new event file in `directory`. When the run resumes from a checkpoint taken at step
    /// `resumedAfterStep`, the file also records a session restart, so TensorBoard discards the points an
    /// earlier file holds beyond that step (the stretch the crashed run had not checkpointed).
    public init(directory: URL, resumedAfterStep: Int? = nil, now: Date = Date(),
                hostName: String = ProcessInfo.processInfo.hostName) throws {
        file = directory.appendingPathComponent(Self.fileName(createdAt: now, hostName: hostName))
        // A file of the same name exists only if a run restarted within the same second: append to it.
        if !FileManager.default.fileExists(atPath: file.path) {
            try Data().write(to: file)
        }
        handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        let wallTime = now.timeIntervalSince1970
        try write(TensorBoardEvent.fileVersion(wallTime: wallTime))
        if let resumedAfterStep {
            try write(TensorBoardEvent.sessionStart(step: Int64(resumedAfterStep + 1), wallTime: wallTime))
        }
    }

    deinit { try? handle.close() }

    /// Logs `scalars` at `step`, one point per tag. Tags are written in sorted order so equal inputs
    /// give equal bytes; a tag like `train/critic_loss` puts the chart in TensorBoard's `train` group.
    public func add(scalars: [String: Float], step: Int, at date: Date = Date()) throws {
        let sorted = scalars.sorted { $0.key < $1.key }.map { (tag: $0.key, value: $0.value) }
        try write(TensorBoardEvent.scalars(sorted, step: Int64(step), wallTime: date.timeIntervalSince1970))
    }

    private func write(_ event: [UInt8]) throws {
        try handle.write(contentsOf: TFRecord.frame(event))
    }
}
