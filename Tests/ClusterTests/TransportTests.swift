import Cluster
import Foundation
import Numerics
import Testing

@Suite("ROUTER/DEALER transport over loopback", .timeLimit(.minutes(1)))
struct TransportTests {
    @Test func bindingToAWildcardPortReportsTheRealPort() throws {
        let link = try LoopbackLink()
        #expect(link.coordinator.endpoint.hasPrefix("tcp://127.0.0.1:"))
        #expect(!link.coordinator.endpoint.hasSuffix(":*"))
    }

    @Test func aMultiMegabyteBlobArrivesBitExactZeroCopy() throws {
        let link = try LoopbackLink()
        // Hello first, so the coordinator learns the worker's identity.
        try link.worker.send(try OutgoingMessage(.hello, runID: 0, body: HelloBody(incarnation: .random(), rank: 0)))
        let hello = try receiveEnvelope(link.coordinatorDecoder, from: link.coordinator)
        #expect(hello.peer == link.workerIdentity)
        #expect(try hello.result.get().type == .hello)

        // 4 Mi random bit patterns (16 MiB), NaN payloads and subnormals included: any conversion would show.
        let count = 4 << 20
        var random = RandomStream(seed: 7, purpose: .test)
        let blob = FloatBlob(count: count) { floats in
            for i in 0..<count { floats[i] = Float(bitPattern: UInt32(truncatingIfNeeded: random.next())) }
        }
        let message = OutgoingMessage(.ensemble, runID: LoopbackLink.runID, round: 1, version: 3, payload: [blob])
        try link.coordinator.send(message, to: link.workerIdentity)
        let received = try receiveEnvelope(link.workerDecoder, from: link.worker).result.get()
        #expect(received.header == message.header)
        let arrived = received.floats(0)
        let same = arrived.withUnsafeBytes { a in blob.withUnsafeBytes { b in a.elementsEqual(b) } }
        #expect(same)
        // libzmq releases the blob once the bytes are written; nothing stays retained.
        #expect(eventually(within: 2) { blob.sendsInFlight == 0 })
    }

    @Test func oneBlobBroadcastToSeveralWorkersReachesEach() throws {
        let context = try ZMQContext()
        let coordinator = try ControlChannel.bindCoordinator(context, endpoint: "tcp://127.0.0.1:*", security: .plain)
        let decoder = WireDecoder(receiver: .coordinator, runID: LoopbackLink.runID)
        let identities = (0..<3).map { PeerIdentity.worker(rank: $0, incarnation: .random()) }
        let workers = try identities.map {
            try ControlChannel.connectWorker(context, endpoint: coordinator.endpoint, identity: $0, security: .plain)
        }
        for worker in workers { try worker.send(OutgoingMessage(.heartbeat, runID: LoopbackLink.runID)) }
        var seen = Set<PeerIdentity>()
        for _ in workers { seen.insert(try receiveEnvelope(decoder, from: coordinator).peer!) }
        #expect(seen == Set(identities))

        let blob = FloatBlob((0..<100_000).map { Float($0) * 0.5 })
        let ensemble = OutgoingMessage(.ensemble, runID: LoopbackLink.runID, version: 1, payload: [blob])
        for identity in identities { try coordinator.send(ensemble, to: identity) }
        let workerDecoder = WireDecoder(receiver: .worker, runID: LoopbackLink.runID)
        for worker in workers {
            #expect(try receiveEnvelope(workerDecoder, from: worker).result.get().floats(0) == blob.toArray())
        }
    }

    @Test func sendingToAnUnknownPeerFailsNamingIt() throws {
        let link = try LoopbackLink()
        let ghost = PeerIdentity("w9-ghost")
        #expect(throws: ClusterError.peerUnreachable(peer: "w9-ghost", endpoint: link.coordinator.endpoint)) {
            try link.coordinator.send(OutgoingMessage(.heartbeat, runID: 1), to: ghost)
        }
    }

    @Test func errorsNameTheEndpointAndLibzmqsReason() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context, type: .router, name: "test")
        do {
            try socket.bind("tcp://256.1.1.1:1")
            Issue.record("binding an impossible address must fail")
        } catch let error as ClusterError {
            #expect(error.description.contains("tcp://256.1.1.1:1"))
            guard case .socket(let operation, _, _, let code, let reason) = error else {
                Issue.record("expected a socket error, got \(error)"); return
            }
            #expect(operation == "bind")
            #expect(code != 0 && !reason.isEmpty && error.description.contains(reason))
        }
    }

    @Test func receivingWithoutWaitingReturnsNothingWhenIdle() throws {
        let link = try LoopbackLink()
        #expect(try link.worker.receive(wait: .dontWait) == nil)
        #expect(try Poller.waitForInput([link.coordinator, link.worker], timeoutMilliseconds: 10).isEmpty)
    }

    /// Prints the zero-copy throughput of 16 MiB parameter messages over loopback (a measurement, not a limit).
    @Test func measuresBlobThroughput() throws {
        let link = try LoopbackLink()
        try link.worker.send(OutgoingMessage(.heartbeat, runID: LoopbackLink.runID))
        _ = try receiveEnvelope(link.coordinatorDecoder, from: link.coordinator)
        let blob = FloatBlob(count: 4 << 20) { $0.update(repeating: 0.25) }
        let message = OutgoingMessage(.snapshot, runID: LoopbackLink.runID, payload: [blob])
        let repeats = 20
        let start = Date()
        for _ in 0..<repeats {
            try link.coordinator.send(message, to: link.workerIdentity)
            _ = try receiveEnvelope(link.workerDecoder, from: link.worker).result.get()
        }
        let seconds = Date().timeIntervalSince(start)
        let gigabytes = Double(repeats * blob.byteCount) / 1e9
        print("blob throughput: \(repeats) × 16 MiB in \(String(format: "%.3f", seconds)) s = "
              + "\(String(format: "%.2f", gigabytes / seconds)) GB/s (send, receive, checks incl. CRC)")
        #expect(seconds > 0)
    }
}

@Suite("Socket options")
struct SocketOptionTests {
    @Test func aFailedOptionNamesTheOptionButNeverItsValue() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context, type: .dealer, name: "test")
        let secret = [UInt8](repeating: 0xAB, count: 31)   // one byte short: libzmq refuses it
        do {
            try socket.set(.curveServer(secretKey: secret))
            Issue.record("a 31-byte key must be refused")
        } catch {
            #expect("\(error)".contains("curveServer"))
            #expect(!"\(error)".contains("171"))   // 0xAB
        }
    }
}
