import Foundation
import Numerics

/// An immutable Float32 array that can be sent zero-copy, to any number of peers, any number of times.
///
/// **Why immutable.** A zero-copy send hands libzmq a pointer; libzmq reads the memory later, on its I/O thread,
/// and says when it is done by calling a free function. Until then the sender must not touch the bytes
/// (numerics.md §4: "double-buffer the parameters"). A `FloatBlob` is that second buffer made safe by
/// construction: it is filled once, inside `init`, and offers read access only. Each send retains the blob and
/// libzmq's free callback releases it, so the memory outlives every send that still needs it and the trainer
/// keeps mutating its own live parameters meanwhile. Broadcasting one ensemble to K workers is one copy into a
/// blob plus K zero-copy sends.
///
/// `@unchecked Sendable`: the floats are written only during `init`; the in-flight counter is lock-protected.
public final class FloatBlob: @unchecked Sendable {
    public let count: Int
    private let storage: FloatStorage
    private let inFlightLock = NSLock()
    private var inFlight = 0

    /// Allocates `count` floats and lets `fill` write them; after `init` returns they never change.
    public init(count: Int, fill: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        self.count = count
        storage = FloatStorage(count: count)
        try fill(storage.buffer)
    }

    /// A snapshot of `values`.
    public convenience init(copying values: UnsafeBufferPointer<Float>) {
        self.init(count: values.count) { destination in
            if let source = values.baseAddress { destination.baseAddress!.update(from: source, count: values.count) }
        }
    }

    /// A snapshot of `values`.
    public convenience init(_ values: [Float]) {
        self.init(count: values.count) { destination in
            _ = destination.initialize(from: values)
        }
    }

    /// A snapshot of a storage's current contents; later changes to `storage` do not reach the blob.
    public convenience init(copying storage: FloatStorage) {
        self.init(copying: UnsafeBufferPointer(storage.buffer))
    }

    public var byteCount: Int { count * MemoryLayout<Float>.stride }

    /// Read-only access to the floats.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(storage.buffer))
    }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(storage.buffer))
    }

    /// The floats as an array (a copy).
    public func toArray() -> [Float] { storage.toArray() }

    /// How many zero-copy sends libzmq has not yet released: 0 once every send has finished with the memory.
    public var sendsInFlight: Int {
        inFlightLock.withLock { inFlight }
    }

    /// Called by the sending code before handing the memory to libzmq.
    func willSend() {
        inFlightLock.withLock { inFlight += 1 }
    }

    /// Called from libzmq's free callback, on its I/O thread.
    func didFinishSend() {
        inFlightLock.withLock { inFlight -= 1 }
    }
}
