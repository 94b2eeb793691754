import Networks

/// Saving and restoring the whole learner: the five networks, the three Adam states and Q̄_abs, bit for bit.
extension ActorCriticGAN {
    struct SavedState: Codable {
        /// Q̄_abs as its bit pattern (nil before the first iteration), so that JSON cannot round it.
        let qAbsEMABits: UInt32?
    }

    static let stateEntry = "actor-critic.state"

    public func write(into writer: inout CheckpointWriter) throws {
        try writer.add(actor.params, optimizer: actorOptimizer)
        try writer.add(actorTarget.params)
        try writer.add(critic.params, optimizer: criticOptimizer)
        try writer.add(criticTarget.params)
        try writer.add(discriminator.params, optimizer: discriminatorOptimizer)
        try writer.add(Self.stateEntry, json: SavedState(qAbsEMABits: qAbsEMA?.bitPattern))
    }

    /// Restores what `write(into:)` saved; throws `CheckpointError` on a missing entry or a layout mismatch.
    public func restore(from reader: CheckpointReader) throws {
        try reader.restore(actor.params, optimizer: &actorOptimizer)
        try reader.restore(actorTarget.params)
        try reader.restore(critic.params, optimizer: &criticOptimizer)
        try reader.restore(criticTarget.params)
        try reader.restore(discriminator.params, optimizer: &discriminatorOptimizer)
        qAbsEMA = try reader.json(SavedState.self, Self.stateEntry).qAbsEMABits.map(Float.init(bitPattern:))
    }
}
