import Cluster
import Foundation
import TestSupport

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

/// A process whose output goes to a file the test reads while it runs.
struct WatchedProcess {
    let process: Process
    let log: URL

    /// The environment of every `ampl` a test starts: OpenBLAS picks its own kernels (as in `AMPLProcess`).
    static let environment: [String: String] = {
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = nil
        environment["OPENBLAS_L2_SIZE"] = nil
        return environment
    }()

    /// Starts `ampl arguments` on this machine in `folder`, its output in `folder/name.log`.
    static func start(_ arguments: [String], in folder: URL, name: String) throws -> WatchedProcess {
        let log = folder.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = AMPLProcess.binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return WatchedProcess(process: process, log: log)
    }

    /// SIGKILL by PID if it still runs.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// The lines about faults and membership, for the test's own log.
    func faultLines() -> String {
        output.split(separator: "\n").filter { line in
            ["dead", "left", "joined", "HELLO", "finished without", "round ", "go to", "wait for", "reconnect"]
                .contains { line.contains($0) } && !line.contains("holdout")
        }.joined(separator: "\n")
    }

    /// Polls the output until it contains `text`; false at `timeout` or if the process ended without it.
    func waitFor(_ text: String, timeout: Double) -> Bool {
        eventually(within: timeout) { output.contains(text) || !process.isRunning } && output.contains(text)
    }

    /// The exit status, or nil if the process is still running at `timeout` (the caller's cleanup stops it).
    func waitForExit(timeout: Double) -> Int32? {
        guard eventually(within: timeout, { !process.isRunning }) else { return nil }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
