import Foundation

/// An owned, 64-byte aligned, zero-initialised block of Float32: the storage behind parameters, gradients,
/// optimiser moments and workspaces. Allocated once; hot loops use `pointer` directly.
///
/// Ownership: a storage belongs to one network, buffer or workspace, mutated by one thread at a time.
public final class FloatStorage: @unchecked Sendable {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>

    public init(count: Int) {
        precondition(count >= 0, "FloatStorage count must be non-negative, got \(count)")
        self.count = count
        var raw: UnsafeMutableRawPointer?
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        guard posix_memalign(&raw, 64, bytes) == 0, let raw else {
            fatalError("FloatStorage: cannot allocate \(bytes) bytes")
        }
        memset(raw, 0, bytes)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { pointer.update(from: base, count: values.count) }
        }
    }

    deinit { free(pointer) }

    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    public subscript(i: Int) -> Float {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }

    public func zero() { memset(pointer, 0, count * MemoryLayout<Float>.stride) }

    public func copy(from other: FloatStorage) {
        precondition(other.count == count, "FloatStorage.copy: \(other.count) elements into \(count)")
        pointer.update(from: other.pointer, count: count)
    }

    public func toArray() -> [Float] { Array(buffer) }

    /// A row-major (rows, cols) view starting at element `offset`.
    public func matrix(rows: Int, cols: Int, offset: Int = 0) -> Matrix {
        precondition(offset >= 0 && offset + rows * cols <= count,
                     "view (\(rows)×\(cols) at \(offset)) exceeds storage of \(count)")
        return Matrix(pointer + offset, rows: rows, cols: cols)
    }
}
