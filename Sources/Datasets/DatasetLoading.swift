import Foundation

extension OfflineDataset {
    /// Loads training transitions from a D4RL-layout HDF5 file or a Minari dataset directory, and, when
    /// `expected` is given, checks the widths against the environment's.
    public static func load(_ path: String, expecting expected: ExpectedDimensions? = nil) throws -> OfflineDataset {
        let dataset = MinariDataset.isMinariDirectory(path)
            ? try MinariDataset.read(path)
            : try OfflineDataset(qlearningFrom: D4RLFile.read(path), sourcePath: path)
        if let expected { try dataset.checkDimensions(expected) }
        return dataset
    }
}
