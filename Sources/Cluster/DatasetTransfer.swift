import Environments
import Foundation
import Numerics

/// A dataset file as the coordinator serves it to workers that do not have it (DATASET_REQUEST → DATASET_CHUNK,
/// docs/protocol.md §10): its size and CRC-32C identify it, and chunk i carries bytes [i·chunkBytes, …) in one
/// float frame padded with zeros to whole floats. The worker asks for one chunk at a time (the credit-based flow
/// control of zguide ch. 7, with a credit of one), so a file of any size never floods a socket.
public struct DatasetFile: Sendable, Equatable {
    /// Bytes per chunk: a few milliseconds on the wire, little memory on either side.
    public static let defaultChunkBytes = 16 << 20

    public let path: String
    public let size: Int
    public let crc: UInt32
    public let chunkBytes: Int

    /// Reads the file once for its size and CRC-32C.
    public init(path: String, chunkBytes: Int = defaultChunkBytes) throws {
        precondition(chunkBytes > 0 && chunkBytes % MemoryLayout<Float>.stride == 0, "chunks hold whole floats")
        self.path = path
        self.chunkBytes = chunkBytes
        (size, crc) = try Self.measure(path)
    }

    public var chunks: Int { max(1, (size + chunkBytes - 1) / chunkBytes) }

    /// DATASET_CHUNK `index`, read from the file now.
    public func chunkMessage(_ index: Int, runID: UInt64) throws -> OutgoingMessage {
        guard (0..<chunks).contains(index) else {
            throw RemoteEnsembleError.unexpected("dataset \(path) has chunks 0..<\(chunks), not \(index)")
        }
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(index * chunkBytes))
        let bytes = try handle.read(upToCount: chunkBytes) ?? Data()
        let floats = (bytes.count + MemoryLayout<Float>.stride - 1) / MemoryLayout<Float>.stride
        let blob = FloatBlob(count: floats) { buffer in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            raw.initializeMemory(as: UInt8.self, repeating: 0)
            bytes.copyBytes(to: raw.bindMemory(to: UInt8.self), count: bytes.count)
        }
        return try OutgoingMessage(.datasetChunk, runID: runID,
                                   body: DatasetChunkBody(chunk: index, chunks: chunks, bytes: bytes.count),
                                   payload: [blob])
    }

    /// Whether the file at `path` exists with this size and CRC-32C (the size is compared first, for free).
    public static func isFile(_ path: String, size: Int, crc: UInt32) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              (attributes[.size] as? NSNumber)?.intValue == size, let measured = try? measure(path) else { return false }
        return measured.crc == crc
    }

    static func measure(_ path: String) throws -> (size: Int, crc: UInt32) {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var size = 0
        var crc: UInt32 = 0
        while let block = try handle.read(upToCount: defaultChunkBytes), !block.isEmpty {
            crc = block.withUnsafeBytes { CRC32C.checksum($0, continuing: crc) }
            size += block.count
        }
        return (size, crc)
    }
}

/// The worker's side of the transfer: writes the chunks in order into a `.part` file next to the final copy,
/// checks size and CRC-32C at the end, and only then renames it into place, so a copy in the cache is always
/// whole. A received file lives at `AMPL_CACHE/datasets/<crc>-<size>-<name>`.
public struct DatasetDownload {
    public let expected: (size: Int, crc: UInt32)
    public let destination: String
    private let part: String
    private let handle: FileHandle
    public private(set) var nextChunk = 0
    private var crc: UInt32 = 0
    private var written = 0

    /// Where a received copy of the coordinator's `path` with this size and CRC is kept.
    public static func cachedCopy(of path: String, size: Int, crc: UInt32, cache: String = AMPLCache.root()) -> String {
        let name = "\(String(crc, radix: 16))-\(size)-\((path as NSString).lastPathComponent)"
        return ((cache as NSString).appendingPathComponent("datasets") as NSString).appendingPathComponent(name)
    }

    public init(size: Int, crc: UInt32, destination: String) throws {
        expected = (size, crc)
        self.destination = destination
        part = destination + ".part"
        try FileManager.default.createDirectory(atPath: (destination as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: part, contents: nil),
              let handle = FileHandle(forWritingAtPath: part) else {
            throw RemoteEnsembleError.unexpected("cannot write the received dataset to \(part)")
        }
        self.handle = handle
    }

    /// Appends DATASET_CHUNK `message`, which must be chunk `nextChunk`. Returns true once the file is whole and
    /// checked; a wrong size or CRC throws naming the file.
    public mutating func append(_ message: ReceivedMessage) throws -> Bool {
        let body = try message.body(as: DatasetChunkBody.self)
        let frameBytes = message.payload.count == 1 ? message.payload[0].count : -1
        guard body.chunk == nextChunk, body.bytes >= 0, frameBytes >= body.bytes,
              frameBytes - body.bytes < MemoryLayout<Float>.stride else {
            throw RemoteEnsembleError.unexpected("DATASET_CHUNK \(body.chunk) (\(body.bytes) bytes) while expecting chunk "
                                                 + "\(nextChunk) of \(destination)")
        }
        let bytes = UnsafeRawBufferPointer(rebasing: message.payload[0].bytes[0..<body.bytes])
        crc = CRC32C.checksum(bytes, continuing: crc)
        written += bytes.count
        try handle.write(contentsOf: Data(bytes))
        nextChunk += 1
        guard nextChunk == body.chunks else { return false }
        try handle.close()
        guard written == expected.size, crc == expected.crc else {
            try? FileManager.default.removeItem(atPath: part)
            throw RemoteEnsembleError.unexpected("received dataset \(destination): \(written) bytes with CRC-32C "
                                                 + "\(String(crc, radix: 16)), expected \(expected.size) bytes with "
                                                 + "\(String(expected.crc, radix: 16))")
        }
        try? FileManager.default.removeItem(atPath: destination)
        try FileManager.default.moveItem(atPath: part, toPath: destination)
        return true
    }
}
