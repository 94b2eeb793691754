import Numerics

/// Anything transitions can be sampled from: the offline dataset and the ring buffers.
public protocol TransitionSource {
    /// Rows `0 ..< count` hold transitions and may be sampled.
    var count: Int { get }
    var columns: TransitionColumns { get }
}

extension TransitionSource {
    /// Fills `slots` of `batch` (all of it by default) with transitions drawn uniformly with replacement,
    /// as the reference's replay buffers do. Allocation-free; `random` is the caller's, so a checkpoint that
    /// saves the stream resumes the same draws.
    public func sampleUniformly(into batch: TransitionBatch, slots: Range<Int>? = nil,
                                random: inout RandomStream) {
        let slots = slots ?? 0..<batch.size
        precondition(count > 0, "cannot sample from an empty \(Self.self)")
        precondition(slots.lowerBound >= 0 && slots.upperBound <= batch.size,
                     "slots \(slots) outside a batch of \(batch.size)")
        precondition(batch.observations.cols == columns.observationDim && batch.actions.cols == columns.actionDim,
                     "batch of S=\(batch.observations.cols), A=\(batch.actions.cols) for transitions of "
                     + "S=\(columns.observationDim), A=\(columns.actionDim)")
        let columns = self.columns
        for slot in slots {
            columns.copyRow(random.int(below: count), into: batch, slot: slot)
        }
    }
}
