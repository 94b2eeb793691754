import CZeroMQ
import Foundation

/// `zmq_poll` over several sockets: the one place a loop waits, so that heartbeats go out on time even when
/// no message arrives (zguide ch. 4, Paranoid Pirate: "poll with a timeout of one heartbeat interval").
public enum Poller {
    /// Waits up to `timeoutMilliseconds` (−1 = forever, 0 = just look) for input on any of `sockets`, and
    /// returns the indices of the sockets that have a message ready. A signal ends the wait early with none.
    public static func waitForInput(_ sockets: [ZMQSocket], timeoutMilliseconds: Int) throws -> [Int] {
        var items = sockets.map {
            zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        }
        let ready = zmq_poll(&items, Int32(items.count), timeoutMilliseconds)
        if ready < 0 {
            if zmq_errno() == EINTR { return [] }
            throw ClusterError.lastZMQError("poll", endpoint: sockets.map(\.endpoint).joined(separator: ", "))
        }
        return items.indices.filter { items[$0].revents & Int16(ZMQ_POLLIN) != 0 }
    }
}
