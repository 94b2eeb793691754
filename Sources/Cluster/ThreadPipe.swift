import Foundation

/// Messages the training thread hands to its I/O thread, which owns the network socket (libzmq sockets belong
/// to one thread). The zguide's "signaling between threads" pattern (ch. 2): an `inproc://` PAIR pipe wakes
/// the I/O thread out of its poll; the messages themselves wait in a locked queue, so their float frames go
/// out zero-copy from the I/O thread exactly as if the training thread had sent them.
final class ThreadPipe: @unchecked Sendable {
    /// What to send, and to whom on a ROUTER (nil on a DEALER).
    typealias Item = (message: OutgoingMessage, peer: PeerIdentity?)

    /// The I/O thread's end: poll it together with the network socket.
    let wakeEnd: ZMQSocket
    /// The posting end, used under `lock` by whichever thread posts.
    private let signalEnd: ZMQSocket
    private let lock = NSLock()
    private var queued: [Item] = []
    private var stopRequested = false

    init(context: ZMQContext, name: String) throws {
        let endpoint = "inproc://ampl-\(name)-\(UUID().uuidString)"
        wakeEnd = try ZMQSocket(context, type: .pair, name: "\(name) wake-up")
        try wakeEnd.bind(endpoint)
        signalEnd = try ZMQSocket(context, type: .pair, name: "\(name) signal")
        try signalEnd.connect(endpoint)
    }

    /// Queues `message` for the I/O thread and wakes it.
    func post(_ message: OutgoingMessage, to peer: PeerIdentity? = nil) {
        lock.lock()
        defer { lock.unlock() }
        queued.append((message, peer))
        wake()
    }

    /// Asks the I/O thread to send what is queued and then stop.
    func requestStop() {
        lock.lock()
        defer { lock.unlock() }
        stopRequested = true
        wake()
    }

    /// I/O thread: consumes the wake-up signals and takes everything queued, in posting order.
    func drain() -> (items: [Item], stop: Bool) {
        while (try? wakeEnd.receive(wait: .dontWait)).flatMap({ $0 }) != nil {}
        lock.lock()
        defer { lock.unlock() }
        let items = queued
        queued.removeAll()
        return (items, stopRequested)
    }

    /// One empty frame; if the pipe is full of them the I/O thread is awake anyway, so a failed send is fine.
    private func wake() { try? signalEnd.send([.bytes([])], wait: .dontWait) }
}
