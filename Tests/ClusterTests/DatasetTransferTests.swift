import Cluster
import Foundation
import Testing

/// DATASET_CHUNK: the coordinator's file goes over the wire chunk by chunk and comes out identical, checked
/// by size and CRC-32C; damage is refused naming the file.
@Suite("Dataset transfer", .timeLimit(.minutes(1)))
struct DatasetTransferTests {
    /// A file of `count` pseudo-random bytes (not a multiple of 4, so the last chunk is padded).
    func makeFile(in directory: ScratchDirectory, count: Int = 103) throws -> String {
        let path = directory.path + "/source.hdf5"
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// `file`'s chunk `index` as the worker's decoder delivers it.
    func received(_ file: DatasetFile, chunk index: Int) throws -> ReceivedMessage {
        let message = try file.chunkMessage(index, runID: LoopbackLink.runID)
        return try WireDecoder(receiver: .worker, runID: LoopbackLink.runID).decode(frames(wireBytes(message))).get()
    }

    @Test func aFileArrivesWholeInPaddedChunksAndIsRecognisedAfterwards() throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let file = try DatasetFile(path: try makeFile(in: directory), chunkBytes: 16)
        #expect(file.chunks == 7)
        let destination = DatasetDownload.cachedCopy(of: file.path, size: file.size, crc: file.crc,
                                                     cache: directory.path + "/cache")
        var download = try DatasetDownload(size: file.size, crc: file.crc, destination: destination)
        var complete = false
        while !complete { complete = try download.append(try received(file, chunk: download.nextChunk)) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: destination)) == Data(contentsOf: URL(fileURLWithPath: file.path)))
        #expect(DatasetFile.isFile(destination, size: file.size, crc: file.crc))
        #expect(!DatasetFile.isFile(destination, size: file.size, crc: file.crc ^ 1))
        #expect(!FileManager.default.fileExists(atPath: destination + ".part"))
    }

    @Test func chunksOutOfOrderOrAFileThatDiffersAreRefused() throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let file = try DatasetFile(path: try makeFile(in: directory), chunkBytes: 64)
        var skipping = try DatasetDownload(size: file.size, crc: file.crc, destination: directory.path + "/a.hdf5")
        #expect(throws: RemoteEnsembleError.self) { _ = try skipping.append(try received(file, chunk: 1)) }

        // The coordinator's file is not the one ASSIGN described: the copy is refused and not kept.
        var wrong = try DatasetDownload(size: file.size, crc: file.crc ^ 0xFF, destination: directory.path + "/b.hdf5")
        #expect(try wrong.append(try received(file, chunk: 0)) == false)
        #expect(throws: RemoteEnsembleError.self) { _ = try wrong.append(try received(file, chunk: 1)) }
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/b.hdf5"))
        #expect(throws: RemoteEnsembleError.self) { _ = try file.chunkMessage(2, runID: 1) }
    }
}
