import Cluster
import Foundation
import Testing

@Suite("CURVE keys, ZAP allow-list and the security policy", .timeLimit(.minutes(1)))
struct SecurityTests {
    @Test func keygenWritesTheStandardSetWithAPrivateSecretFile() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let written = try KeyFiles.createStandardSet(in: scratch.path)
        #expect(written.map { String($0.dropFirst(scratch.path.count + 1)) } ==
                ["coordinator.pub", "coordinator.key", "worker.pub", "worker.key", "authorized/worker.pub"])
        for path in written {
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! Int
            if path.hasSuffix(".key") { #expect(mode == 0o600, "\(path)") } else { #expect(mode & 0o077 != 0o077) }
        }
        let coordinator = try CoordinatorKeys.load(directory: scratch.path)
        let worker = try WorkerKeys.load(directory: scratch.path)
        #expect(worker.coordinator == coordinator.server.publicKey)
        #expect(coordinator.allowList.name(of: worker.client.publicKey) == "worker")
        // Keys are never overwritten.
        #expect(throws: ClusterError.keyFileExists(path: "\(scratch.path)/coordinator.key")) {
            try KeyFiles.createStandardSet(in: scratch.path)
        }
    }

    @Test func keyTextRoundTripsAndJunkIsRefused() throws {
        let pair = try CurveKeyPair.generate()
        #expect(pair.publicKey.z85.count == 40)
        #expect(CurveKey(z85: pair.publicKey.z85) == pair.publicKey)
        #expect(try CurveKeyPair.publicKey(for: pair.secretKey) == pair.publicKey)
        #expect(CurveKey(z85: "too short") == nil)
        #expect(CurveKey(z85: String(repeating: "~", count: 40)) == nil)   // '~' is not a Z85 character
        #expect(CurveKey(z85: String(repeating: "%", count: 40)) == nil)   // Z85 characters, but over 2^32 per group
    }

    @Test func missingKeysNameTheFileAndTheFix() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        do {
            _ = try TransportSecurity.forCoordinator(binding: "tcp://*:5555", keyDirectory: scratch.path)
            Issue.record("an empty key directory must be refused")
        } catch let error as ClusterError {
            #expect(error == .keyFileMissing(path: "\(scratch.path)/coordinator.key",
                                             howToCreate: "ampl keygen --out \(scratch.path)"))
            #expect(error.description.contains("ampl keygen"))
        }
        // A worker key that does not match its public half is caught.
        try KeyFiles.writeKeyPair(try CurveKeyPair.generate(), in: scratch.path, name: "worker")
        try FileManager.default.removeItem(atPath: "\(scratch.path)/worker.pub")
        try KeyFiles.writeKeyPair(try CurveKeyPair.generate(), in: scratch.path + "/other", name: "worker")
        try FileManager.default.copyItem(atPath: "\(scratch.path)/other/worker.pub", toPath: "\(scratch.path)/worker.pub")
        #expect(throws: ClusterError.self) { try WorkerKeys.load(directory: scratch.path) }
    }

    @Test(arguments: [
        ("tcp://127.0.0.1:5555", EndpointReach.loopback), ("tcp://localhost:*", .loopback), ("tcp://[::1]:7", .loopback),
        ("inproc://x", .local), ("ipc:///tmp/ampl.sock", .local),
        ("tcp://*:5555", .network), ("tcp://0.0.0.0:5555", .network), ("tcp://10.200.0.11:5555", .network),
        ("tcp://eth0:5555", .network), ("tcp://127.0.0.1;10.0.0.2:5555", .network),
    ])
    func classifiesEndpoints(endpoint: String, reach: EndpointReach) throws {
        #expect(try EndpointReach.of(endpoint) == reach)
    }

    @Test func curveIsRequiredOffLoopbackAndOptionalOnIt() throws {
        #expect(throws: ClusterError.curveRequired(endpoint: "tcp://*:5555")) {
            try TransportSecurity.forCoordinator(binding: "tcp://*:5555", keyDirectory: nil)
        }
        #expect(throws: ClusterError.curveRequired(endpoint: "tcp://10.200.0.11:5555")) {
            try TransportSecurity.forWorker(connectingTo: "tcp://10.200.0.11:5555", keyDirectory: nil)
        }
        guard case .plain = try TransportSecurity.forCoordinator(binding: "tcp://127.0.0.1:*", keyDirectory: nil) else {
            Issue.record("loopback without keys is plain text"); return
        }
        #expect(throws: ClusterError.self) { try EndpointReach.of("127.0.0.1:5555") }
    }

    @Test func anAllowedKeyConnectsAndAnUnknownKeyIsRefused() throws {
        let keys = try ScratchDirectory()
        defer { keys.remove() }
        try KeyFiles.createStandardSet(in: keys.path)
        let stranger = try CurveKeyPair.generate()

        let refusals = LogLines()
        let context = try ZMQContext()
        guard case .curve(let coordinatorKeys) = try TransportSecurity.forCoordinator(
            binding: "tcp://127.0.0.1:*", keyDirectory: keys.path) else { Issue.record("keys given → CURVE"); return }
        let coordinator = try ControlChannel.bindCoordinator(context, endpoint: "tcp://127.0.0.1:*",
                                                             security: .curve(coordinatorKeys), log: refusals.append)
        let workerKeys = try WorkerKeys.load(directory: keys.path)
        let allowed = try ControlChannel.connectWorker(context, endpoint: coordinator.endpoint,
                                                       identity: PeerIdentity("allowed"), security: .curve(workerKeys))
        let refused = try ControlChannel.connectWorker(
            context, endpoint: coordinator.endpoint, identity: PeerIdentity("refused"),
            security: .curve(WorkerKeys(client: stranger, coordinator: workerKeys.coordinator)))

        let decoder = WireDecoder(receiver: .coordinator, runID: LoopbackLink.runID)
        try refused.send(OutgoingMessage(.heartbeat, runID: LoopbackLink.runID), wait: .dontWait)
        try allowed.send(OutgoingMessage(.heartbeat, runID: LoopbackLink.runID))
        let envelope = try receiveEnvelope(decoder, from: coordinator)
        #expect(envelope.peer == PeerIdentity("allowed"))
        #expect(try envelope.result.get().authenticatedKeyName == "worker")

        // The reply travels back encrypted.
        try coordinator.send(OutgoingMessage(.heartbeat, runID: LoopbackLink.runID), to: PeerIdentity("allowed"))
        #expect(try receiveEnvelope(WireDecoder(receiver: .worker, runID: LoopbackLink.runID), from: allowed)
                .result.get().type == .heartbeat)

        // The stranger's handshake is refused and logged; nothing of it reaches the coordinator.
        #expect(eventually(within: 3) { refusals.lines.contains { $0.contains(stranger.publicKey.z85) } })
        #expect(try !coordinator.waitForInput(timeoutMilliseconds: 300))
        #expect(throws: ClusterError.peerUnreachable(peer: "refused", endpoint: coordinator.endpoint)) {
            try coordinator.send(OutgoingMessage(.heartbeat, runID: LoopbackLink.runID), to: PeerIdentity("refused"))
        }
    }
}

/// Collects log lines from any thread.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    var lines: [String] { lock.withLock { stored } }

    @Sendable func append(_ line: String) { lock.withLock { stored.append(line) } }
}
