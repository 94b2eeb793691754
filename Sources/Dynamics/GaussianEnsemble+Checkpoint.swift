import Networks

extension GaussianEnsemble {
    /// Adds every member's parameters and Adam state, the normalisation and the elites under `prefix`:
    /// `prefix.member<m>.{layout,values,adam.m,adam.v,adam.state}`, `prefix.normalization`, `prefix.elites`.
    public func write(into writer: inout CheckpointWriter, prefix: String) throws {
        for m in 0..<memberCount {
            try writer.add(memberParams[m], optimizer: optimizers[m], prefix: "\(prefix).member\(m)")
        }
        try writer.add("\(prefix).normalization", json: normalization)
        try writer.add("\(prefix).elites", json: elites)
    }

    /// Restores what `write(into:prefix:)` saved, after checking that it fits this ensemble's shape.
    public func restore(from reader: CheckpointReader, prefix: String) throws {
        let savedNormalization = try reader.json(ModelNormalization.self, "\(prefix).normalization")
        guard Self.fits(savedNormalization, inputs: inputWidth, targets: targetWidth) else {
            throw DynamicsError.shapeMismatch("checkpoint \(reader.path): normalisation is not for S+A = \(inputWidth)")
        }
        let savedElites = try reader.json([Int].self, "\(prefix).elites")
        guard Self.areValidElites(savedElites, members: memberCount) else {
            throw DynamicsError.shapeMismatch("checkpoint \(reader.path): elites \(savedElites) of \(memberCount) members")
        }
        for m in 0..<memberCount {
            try reader.restore(memberParams[m], optimizer: &optimizers[m], prefix: "\(prefix).member\(m)")
        }
        normalization = savedNormalization
        elites = savedElites
    }
}
