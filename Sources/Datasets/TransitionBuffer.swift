import Numerics

/// A first-in-first-out ring of transitions with fixed capacity: the model-rollout buffer of AMPL (algorithm
/// spec §3.1 item 7, 640,000 rows in the paper run) and SAC's online replay buffer. When full, each added row
/// overwrites the oldest.
///
/// Checkpoints: `columns` (all `capacity` rows), `count` and `writeIndex` are the whole state. Save them, and
/// to restore write the rows back into `columns` and call `restore(count:writeIndex:)`.
///
/// Ownership: one owner mutates the buffer, from one thread at a time.
public final class TransitionBuffer: TransitionSource {
    public let columns: TransitionColumns
    /// Rows `0 ..< count` hold transitions.
    public private(set) var count = 0
    /// The row the next added transition goes to.
    public private(set) var writeIndex = 0

    public var capacity: Int { columns.rows }

    public init(capacity: Int, observationDim: Int, actionDim: Int) {
        precondition(capacity > 0, "TransitionBuffer capacity must be positive, got \(capacity)")
        columns = TransitionColumns(rows: capacity, observationDim: observationDim, actionDim: actionDim)
    }

    /// Appends n transitions given as matrices with n rows each: observations (n, S), actions (n, A),
    /// rewards (n, 1), next observations (n, S), terminals (n, 1). If n exceeds the capacity only the last
    /// `capacity` rows are kept, as adding them one by one would. Allocation-free.
    public func add(observations: Matrix, actions: Matrix, rewards: Matrix, nextObservations: Matrix,
                    terminals: Matrix) {
        let n = observations.rows
        precondition(actions.rows == n && rewards.rows == n && nextObservations.rows == n && terminals.rows == n,
                     "add: row counts differ (\(n), \(actions.rows), \(rewards.rows), \(nextObservations.rows), "
                     + "\(terminals.rows))")
        precondition(observations.cols == columns.observationDim && nextObservations.cols == columns.observationDim
                     && actions.cols == columns.actionDim && rewards.cols == 1 && terminals.cols == 1,
                     "add: widths do not match S=\(columns.observationDim), A=\(columns.actionDim)")
        // Rows that would be overwritten within this same call are skipped, but still advance the write index.
        let skipped = max(0, n - capacity)
        let kept = n - skipped
        writeIndex = (writeIndex + skipped) % capacity
        copyWrapping(observations.rows(skipped, kept), into: columns.observations)
        copyWrapping(actions.rows(skipped, kept), into: columns.actions)
        copyWrapping(rewards.rows(skipped, kept), into: columns.rewards)
        copyWrapping(nextObservations.rows(skipped, kept), into: columns.nextObservations)
        copyWrapping(terminals.rows(skipped, kept), into: columns.terminals)
        writeIndex = (writeIndex + kept) % capacity
        count = min(capacity, count + kept)
    }

    /// Copies `source` into `destination` starting at `writeIndex`, continuing at row 0 past the end.
    private func copyWrapping(_ source: Matrix, into destination: FloatStorage) {
        let width = source.cols
        let firstPart = min(source.rows, capacity - writeIndex)
        (destination.pointer + writeIndex * width).update(from: source.base, count: firstPart * width)
        destination.pointer.update(from: source.base + firstPart * width, count: (source.rows - firstPart) * width)
    }

    /// Forgets all transitions (the storage is kept, and overwritten by later adds).
    public func removeAll() {
        count = 0
        writeIndex = 0
    }

    /// Why a saved buffer state cannot be restored.
    public struct InvalidState: Error, CustomStringConvertible {
        public let description: String
    }

    /// Restores `count` and `writeIndex` after the caller has written a checkpoint's rows into `columns`.
    /// A ring fills rows in order before it wraps, so a buffer that is not full has `writeIndex == count`.
    public func restore(count: Int, writeIndex: Int) throws {
        guard (0...capacity).contains(count), (0..<capacity).contains(writeIndex),
              count == capacity || writeIndex == count else {
            throw InvalidState(description: "TransitionBuffer: count \(count) and write index \(writeIndex) are not "
                               + "a state of a ring of capacity \(capacity)")
        }
        self.count = count
        self.writeIndex = writeIndex
    }
}
