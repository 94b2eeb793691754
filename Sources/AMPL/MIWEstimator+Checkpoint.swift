import Networks

/// Saving and restoring ω, its Adam state and ω̄ (the round-local Q̃ and tables are rebuilt by every round).
extension MIWEstimator {
    public func write(into writer: inout CheckpointWriter) throws {
        try writer.add(omega.params, optimizer: optimizer)
        try writer.add(omegaTarget.params)
    }

    public func restore(from reader: CheckpointReader) throws {
        try reader.restore(omega.params, optimizer: &optimizer)
        try reader.restore(omegaTarget.params)
    }
}
