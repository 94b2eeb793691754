import Foundation
import Numerics

/// The checkpoint file format: named entries (Float32 tensors or raw bytes) behind a checked header.
///
///     0      "AMPLCKPT"                 magic, 8 bytes
///     8      format version             u32 little-endian (1)
///     12     header length H            u32
///     16     header                     H bytes of JSON: [{name, kind, shape, offset, length}], offsets
///                                       relative to the payload
///     16+H   CRC-32C of bytes 0 ..< 16+H
///     20+H   payload length P           u64
///     28+H   payload                    P bytes, entries back to back (Float32 little-endian)
///     28+H+P CRC-32C of the payload
///
/// Writes are atomic (temporary file, then rename), so a crash or a full disk never replaces a good
/// checkpoint with a partial one. Reads check magic, version, lengths and both CRCs before trusting anything.
public enum CheckpointFormat {
    public static let magic = Array("AMPLCKPT".utf8)
    public static let version: UInt32 = 1
}

public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case notACheckpoint(path: String)
    case unsupportedVersion(path: String, found: UInt32)
    case truncated(path: String, expectedBytes: Int, actualBytes: Int)
    case corrupted(path: String, section: String)
    case missingEntry(path: String, name: String)
    case mismatch(path: String, name: String, detail: String)
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "cannot read checkpoint \(path): \(reason)"
        case let .notACheckpoint(path): return "\(path) is not an AMPL checkpoint (bad magic)"
        case let .unsupportedVersion(path, found):
            return "checkpoint \(path) has format version \(found); this build reads version \(CheckpointFormat.version)"
        case let .truncated(path, expected, actual):
            return "checkpoint \(path) is truncated: expected \(expected) bytes, found \(actual)"
        case let .corrupted(path, section): return "checkpoint \(path) is corrupted: \(section) checksum mismatch"
        case let .missingEntry(path, name): return "checkpoint \(path) has no entry '\(name)'"
        case let .mismatch(path, name, detail): return "checkpoint \(path), entry '\(name)': \(detail)"
        case let .unwritable(path, reason): return "cannot write checkpoint \(path): \(reason)"
        }
    }
}

struct CheckpointEntry: Codable, Equatable {
    enum Kind: String, Codable { case float32, bytes }
    let name: String
    let kind: Kind
    let shape: [Int]
    let offset: Int
    let length: Int
}

/// Collects entries in memory, then writes one file.
public struct CheckpointWriter {
    var entries: [CheckpointEntry] = []
    var payload: [UInt8] = []

    public init() {}

    public mutating func add(_ name: String, floats: UnsafeBufferPointer<Float>, shape: [Int]) {
        precondition(shape.reduce(1, *) == floats.count, "checkpoint entry \(name): shape \(shape) ≠ \(floats.count) values")
        append(name, .float32, shape: shape, bytes: UnsafeRawBufferPointer(floats))
    }

    public mutating func add(_ name: String, floats: [Float], shape: [Int]? = nil) {
        floats.withUnsafeBufferPointer { add(name, floats: $0, shape: shape ?? [floats.count]) }
    }

    public mutating func add(_ name: String, bytes: [UInt8]) {
        bytes.withUnsafeBytes { append(name, .bytes, shape: [bytes.count], bytes: $0) }
    }

    public mutating func add<T: Encodable>(_ name: String, json value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        add(name, bytes: Array(try encoder.encode(value)))
    }

    /// A network's values, Adam moments and layout under `prefix`; the optimiser's step count with it.
    public mutating func add(_ params: ParameterBuffer, optimizer: Adam? = nil, prefix: String? = nil) throws {
        let key = prefix ?? params.name
        try add("\(key).layout", json: params.layout.tensors)
        add("\(key).values", floats: UnsafeBufferPointer(params.values.buffer), shape: [params.count])
        if let optimizer {
            add("\(key).adam.m", floats: UnsafeBufferPointer(params.firstMoment.buffer), shape: [params.count])
            add("\(key).adam.v", floats: UnsafeBufferPointer(params.secondMoment.buffer), shape: [params.count])
            try add("\(key).adam.state", json: AdamState(step: optimizer.step, config: optimizer.config))
        }
    }

    mutating func append(_ name: String, _ kind: CheckpointEntry.Kind, shape: [Int], bytes: UnsafeRawBufferPointer) {
        precondition(!entries.contains { $0.name == name }, "checkpoint entry \(name) added twice")
        entries.append(CheckpointEntry(name: name, kind: kind, shape: shape, offset: payload.count, length: bytes.count))
        payload.append(contentsOf: bytes)
    }

    /// The complete file contents.
    public func encoded() throws -> [UInt8] {
        let header = Array(try JSONEncoder().encode(entries))
        var file = CheckpointFormat.magic
        appendLE(&file, CheckpointFormat.version)
        appendLE(&file, UInt32(header.count))
        file += header
        appendLE(&file, CRC32C.checksum(file))
        appendLE(&file, UInt64(payload.count))
        file += payload
        appendLE(&file, CRC32C.checksum(payload))
        return file
    }

    /// Writes atomically: the file at `url` is either the old one or the complete new one.
    public func write(to url: URL) throws {
        let bytes = try encoded()
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw CheckpointError.unwritable(path: url.path, reason: error.localizedDescription)
        }
    }
}

struct AdamState: Codable {
    let step: Int
    let config: AdamConfig
}

/// A checkpoint file read and verified in full before any entry is handed out.
public struct CheckpointReader {
    public let path: String
    let entries: [String: CheckpointEntry]
    let payload: [UInt8]

    public init(contentsOf url: URL) throws {
        path = url.path
        let bytes: [UInt8]
        do { bytes = Array(try Data(contentsOf: url)) } catch {
            throw CheckpointError.unreadable(path: path, reason: error.localizedDescription)
        }
        guard bytes.count >= 16, Array(bytes[0..<8]) == CheckpointFormat.magic else {
            throw bytes.count < 8 || Array(bytes[0..<min(8, bytes.count)]) == Array(CheckpointFormat.magic.prefix(bytes.count))
                ? CheckpointError.truncated(path: path, expectedBytes: 16, actualBytes: bytes.count)
                : CheckpointError.notACheckpoint(path: path)
        }
        let version: UInt32 = readLE(bytes, 8)
        guard version == CheckpointFormat.version else { throw CheckpointError.unsupportedVersion(path: path, found: version) }
        let headerLength = Int(readLE(bytes, 12) as UInt32)
        guard bytes.count >= 28 + headerLength else {
            throw CheckpointError.truncated(path: path, expectedBytes: 28 + headerLength, actualBytes: bytes.count)
        }
        let headerEnd = 16 + headerLength
        guard CRC32C.checksum(Array(bytes[0..<headerEnd])) == readLE(bytes, headerEnd) as UInt32 else {
            throw CheckpointError.corrupted(path: path, section: "header")
        }
        let payloadLength = Int(readLE(bytes, headerEnd + 4) as UInt64)
        let payloadStart = headerEnd + 12
        let expected = payloadStart + payloadLength + 4
        guard bytes.count == expected else {
            throw CheckpointError.truncated(path: path, expectedBytes: expected, actualBytes: bytes.count)
        }
        let payload = Array(bytes[payloadStart..<(payloadStart + payloadLength)])
        guard CRC32C.checksum(payload) == readLE(bytes, payloadStart + payloadLength) as UInt32 else {
            throw CheckpointError.corrupted(path: path, section: "payload")
        }
        let list: [CheckpointEntry]
        do { list = try JSONDecoder().decode([CheckpointEntry].self, from: Data(bytes[16..<headerEnd])) } catch {
            throw CheckpointError.corrupted(path: path, section: "header")
        }
        for entry in list where entry.offset < 0 || entry.length < 0 || entry.offset + entry.length > payloadLength {
            throw CheckpointError.mismatch(path: path, name: entry.name, detail: "entry lies outside the payload")
        }
        self.payload = payload
        entries = Dictionary(list.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public var names: [String] { entries.keys.sorted() }

    public func contains(_ name: String) -> Bool { entries[name] != nil }

    func entry(_ name: String, kind: CheckpointEntry.Kind) throws -> CheckpointEntry {
        guard let entry = entries[name] else { throw CheckpointError.missingEntry(path: path, name: name) }
        guard entry.kind == kind else {
            throw CheckpointError.mismatch(path: path, name: name, detail: "holds \(entry.kind.rawValue), expected \(kind.rawValue)")
        }
        return entry
    }

    public func shape(_ name: String) throws -> [Int] { try entry(name, kind: .float32).shape }

    /// Copies a Float32 entry into `destination`, which must have exactly its element count.
    public func copy(_ name: String, into destination: UnsafeMutableBufferPointer<Float>) throws {
        let entry = try entry(name, kind: .float32)
        guard entry.length == destination.count * MemoryLayout<Float>.size else {
            throw CheckpointError.mismatch(path: path, name: name,
                                           detail: "has \(entry.length / 4) values, expected \(destination.count)")
        }
        payload.withUnsafeBytes { raw in
            UnsafeMutableRawBufferPointer(destination).copyMemory(
                from: UnsafeRawBufferPointer(rebasing: raw[entry.offset..<(entry.offset + entry.length)]))
        }
    }

    public func floats(_ name: String) throws -> [Float] {
        let entry = try entry(name, kind: .float32)
        var values = [Float](repeating: 0, count: entry.length / 4)
        try values.withUnsafeMutableBufferPointer { try copy(name, into: $0) }
        return values
    }

    public func bytes(_ name: String) throws -> [UInt8] {
        let entry = try entry(name, kind: .bytes)
        return Array(payload[entry.offset..<(entry.offset + entry.length)])
    }

    public func json<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(try bytes(name))) } catch let error as CheckpointError {
            throw error
        } catch {
            throw CheckpointError.mismatch(path: path, name: name, detail: "cannot decode \(T.self): \(error)")
        }
    }

    /// Restores values (and, with an optimiser, Adam moments and step) written by `CheckpointWriter.add(_:optimizer:)`,
    /// after checking that the stored layout equals the network's.
    public func restore(_ params: ParameterBuffer, optimizer: inout Adam, prefix: String? = nil) throws {
        try restore(params, prefix: prefix)
        let key = prefix ?? params.name
        try copy("\(key).adam.m", into: params.firstMoment.buffer)
        try copy("\(key).adam.v", into: params.secondMoment.buffer)
        let state = try json(AdamState.self, "\(key).adam.state")
        optimizer.step = state.step
        optimizer.config = state.config
    }

    public func restore(_ params: ParameterBuffer, prefix: String? = nil) throws {
        let key = prefix ?? params.name
        let layout = try json([ParameterTensor].self, "\(key).layout")
        guard layout == params.layout.tensors else {
            throw CheckpointError.mismatch(path: path, name: "\(key).layout",
                                           detail: "stored network layout differs from \(params.name)'s (\(layout.count) vs \(params.layout.tensors.count) tensors)")
        }
        try copy("\(key).values", into: params.values.buffer)
    }
}

func appendLE<T: FixedWidthInteger>(_ bytes: inout [UInt8], _ value: T) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
}

func readLE<T: FixedWidthInteger>(_ bytes: [UInt8], _ offset: Int) -> T {
    var value: T = 0
    withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: bytes[offset..<(offset + MemoryLayout<T>.size)]) }
    return T(littleEndian: value)
}
