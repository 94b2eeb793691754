import CZeroMQ
import Foundation

/// One received frame (a part of a multipart message), owning its libzmq message until it is released.
///
/// The bytes are read in place, without a copy, while the frame is alive. They may sit at any alignment
/// (libzmq can hand out a slice of its receive buffer), so Float32 payloads are read with `copyFloats`, which
/// copies bytewise into aligned memory, never by rebinding the pointer.
///
/// `@unchecked Sendable`: the frame is immutable after it is received, and `zmq_msg_close` may run on any thread.
public final class ZMQFrame: @unchecked Sendable {
    /// Heap-allocated so the `zmq_msg_t` never moves: for small messages libzmq keeps the bytes inside it.
    private let message: UnsafeMutablePointer<zmq_msg_t>

    /// Takes over an initialised message.
    init(taking message: UnsafeMutablePointer<zmq_msg_t>) {
        self.message = message
    }

    /// A frame holding a copy of `bytes`, as if received: decodes bytes that did not come off a socket.
    public convenience init(copying bytes: [UInt8]) {
        let message = UnsafeMutablePointer<zmq_msg_t>.allocate(capacity: 1)
        zmq_msg_init_size(message, bytes.count)   // fails only when out of memory, like any allocation
        if !bytes.isEmpty {
            bytes.withUnsafeBytes { zmq_msg_data(message).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        }
        self.init(taking: message)
    }

    deinit {
        zmq_msg_close(message)
        message.deallocate()
    }

    public var count: Int { zmq_msg_size(message) }

    /// The frame's bytes, valid while the frame is alive.
    public var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: zmq_msg_data(message), count: count)
    }

    /// A copy of the bytes.
    public var array: [UInt8] { Array(bytes) }

    /// A metadata property of the connection the frame came over, e.g. "User-Id" (set by the ZAP handler to
    /// the allowed key's name) or "Peer-Address".
    public func property(_ name: String) -> String? {
        guard let value = zmq_msg_gets(message, name) else { return nil }
        return String(cString: value)
    }

    /// Copies the frame, read as little-endian Float32, into `destination`, which must hold exactly
    /// `count / 4` floats.
    public func copyFloats(into destination: UnsafeMutableBufferPointer<Float>) {
        precondition(destination.count * MemoryLayout<Float>.stride == count,
                     "copyFloats: frame of \(count) bytes into \(destination.count) floats")
        guard let target = destination.baseAddress, count > 0 else { return }
        UnsafeMutableRawPointer(target).copyMemory(from: bytes.baseAddress!, byteCount: count)
    }

    /// The frame as a new array of Float32 (a copy). The frame must hold whole floats, as every float frame of
    /// a decoded message does.
    public func floats() -> [Float] {
        let floatCount = count / MemoryLayout<Float>.stride
        return [Float](unsafeUninitializedCapacity: floatCount) { buffer, initialised in
            copyFloats(into: UnsafeMutableBufferPointer(rebasing: buffer[0..<floatCount]))
            initialised = floatCount
        }
    }
}

/// One frame to send.
public enum OutgoingFrame: Sendable {
    /// Small bytes (headers, JSON control fields), copied into libzmq.
    case bytes([UInt8])
    /// A Float32 array handed to libzmq without a copy; see `FloatBlob`.
    case floats(FloatBlob)

    public var byteCount: Int {
        switch self {
        case .bytes(let bytes): return bytes.count
        case .floats(let blob): return blob.byteCount
        }
    }
}
