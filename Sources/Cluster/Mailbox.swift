import Foundation

/// A first-in first-out queue between threads: any thread posts, one thread takes, waiting up to a timeout.
/// The I/O threads (`CoordinatorLink`, `WorkerLink`) post what arrived from the network here for the training
/// thread, which waits on it instead of on a socket.
final class Mailbox<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Item] = []
    private var head = 0

    func post(_ item: Item) {
        condition.lock()
        items.append(item)
        condition.signal()
        condition.unlock()
    }

    /// The oldest item, waiting up to `timeout` seconds for one; nil if none came.
    func take(timeout: Double) -> Item? {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(max(0, timeout))
        while head == items.count {
            guard condition.wait(until: deadline) else { break }
        }
        guard head < items.count else { return nil }
        let item = items[head]
        head += 1
        if head == items.count {   // drained: reuse the storage
            items.removeAll(keepingCapacity: true)
            head = 0
        }
        return item
    }
}
