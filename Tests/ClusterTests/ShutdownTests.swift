import Cluster
import Foundation
import Testing

/// BYE at the end of a run (docs/protocol.md §8): `CoordinatorLink.close` returns once every live worker has
/// answered BYE, so a coordinator that exits right after it (libzmq then drops what it has not sent) cannot
/// leave a worker waiting; a worker that never answers holds it up for `deadAfter` at most.
@Suite("Shutdown", .timeLimit(.minutes(1)))
struct ShutdownTests {
    @Test func closeReturnsOnceEveryWorkerAnsweredBye() throws {
        let link = try CoordinatorLink(context: try ZMQContext(), endpoint: "tcp://127.0.0.1:*", security: .plain,
                                       memberCount: 2, log: { _ in })
        let served = DispatchSemaphore(value: 0)
        for rank in 0..<2 {
            let endpoint = link.endpoint
            Thread {
                let worker = try? EnsembleWorker(context: try ZMQContext(), endpoint: endpoint, rank: rank,
                                                 security: .plain, log: { _ in })
                try? worker?.serve()
                served.signal()
            }.start()
        }
        _ = try link.gatherWorkers(2, timeout: 10)
        let started = MonotonicClock.now()
        link.close()
        #expect(MonotonicClock.now() - started < link.heartbeat.deadAfter, "close waited as if a worker never answered")
        #expect(link.peers.peers.values.map(\.state) == [.departed, .departed])
        for _ in 0..<2 { #expect(served.wait(timeout: .now() + 5) == .success, "a worker did not leave after BYE") }
    }

    @Test func closeGivesUpOnAWorkerThatNeverAnswers() throws {
        let link = try CoordinatorLink(context: try ZMQContext(), endpoint: "tcp://127.0.0.1:*", security: .plain,
                                       memberCount: 1, log: { _ in })
        let silent = try IdleWorker(endpoint: link.endpoint, rank: 0)   // heartbeats, ignores BYE
        defer { silent.stop() }
        _ = try link.gatherWorkers(1, timeout: 10)
        let started = MonotonicClock.now()
        link.close()
        let waited = MonotonicClock.now() - started
        #expect(waited >= link.heartbeat.deadAfter * 0.9 && waited < link.heartbeat.deadAfter + 1, "waited \(waited) s")
    }
}
