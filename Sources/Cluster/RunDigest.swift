import AMPL
import Datasets
import Foundation
import Numerics

/// Fingerprints that let a worker check it runs the coordinator's run (ASSIGN's digests): CRC-32C of the
/// config's canonical JSON and of the prepared dataset's columns. A mismatch means a different binary or a
/// different file, and the worker refuses the run rather than train something else.
public enum RunDigest {
    /// The config as canonical JSON (sorted keys): the same config always gives the same text.
    public static func configJSON(_ config: AMPLConfig) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(config), as: UTF8.self)
    }

    public static func of(configJSON text: String) -> UInt32 { CRC32C.checksum(Array(text.utf8)) }

    /// Every float column of the dataset, in a fixed order (observations, actions, rewards, next
    /// observations, terminals), after the caller's preprocessing.
    public static func of(_ dataset: OfflineDataset) -> UInt32 {
        let columns = dataset.columns
        var crc: UInt32 = 0
        for storage in [columns.observations, columns.actions, columns.rewards, columns.nextObservations,
                        columns.terminals] {
            crc = CRC32C.checksum(UnsafeRawBufferPointer(storage.buffer), continuing: crc)
        }
        return crc
    }
}
