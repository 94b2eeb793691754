import Cluster
import Foundation

/// A coordinator ROUTER and a worker DEALER connected over loopback TCP on a free port, plain text.
struct LoopbackLink {
    static let runID: UInt64 = 0xA3B1_0000_0000_0042
    /// Bound on any single wait in these tests, so a broken transport fails a test instead of hanging it.
    static let receiveTimeoutMilliseconds = 5_000

    let context: ZMQContext
    let coordinator: ZMQSocket
    let worker: ZMQSocket
    let workerIdentity: PeerIdentity

    init(rank: Int = 0) throws {
        context = try ZMQContext()
        coordinator = try ControlChannel.bindCoordinator(context, endpoint: "tcp://127.0.0.1:*", security: .plain)
        workerIdentity = .worker(rank: rank, incarnation: .random())
        worker = try ControlChannel.connectWorker(context, endpoint: coordinator.endpoint,
                                                  identity: workerIdentity, security: .plain)
    }

    var coordinatorDecoder: WireDecoder { WireDecoder(receiver: .coordinator, runID: Self.runID) }
    var workerDecoder: WireDecoder { WireDecoder(receiver: .worker, runID: Self.runID) }
}

enum TestTimeout: Error { case nothingArrived(String) }

/// Waits (bounded) for the next message on `socket` and decodes it.
func receiveEnvelope(_ decoder: WireDecoder, from socket: ZMQSocket,
                     timeoutMilliseconds: Int = LoopbackLink.receiveTimeoutMilliseconds) throws -> Envelope {
    guard try socket.waitForInput(timeoutMilliseconds: timeoutMilliseconds),
          let envelope = try decoder.receive(from: socket, wait: .dontWait) else {
        throw TestTimeout.nothingArrived(socket.endpoint)
    }
    return envelope
}

/// Polls `condition` every 10 ms for up to `seconds`.
func eventually(within seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return condition()
}

/// A fresh empty directory under the system's temporary folder, removed by `remove()`.
struct ScratchDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "ampl-cluster-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Frames as if received, for decoder tests that need no socket.
func frames(_ parts: [[UInt8]]) -> [ZMQFrame] { parts.map { ZMQFrame(copying: $0) } }

/// The wire bytes of every frame of `message`, copying float payloads out.
func wireBytes(_ message: OutgoingMessage) -> [[UInt8]] {
    message.frames.map { frame in
        switch frame {
        case .bytes(let bytes): return bytes
        case .floats(let blob): return blob.withUnsafeBytes { Array($0) }
        }
    }
}

extension Result {
    /// The error, or nil on success.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
