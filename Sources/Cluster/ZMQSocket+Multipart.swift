import CZeroMQ
import Foundation

/// Sending and receiving whole multipart messages. A multipart message is delivered all or nothing, which is
/// what lets a header frame describe the frames after it.
extension ZMQSocket {
    /// Whether a call may wait (up to the socket's SNDTIMEO/RCVTIMEO) or must return at once.
    public enum Wait: Sendable {
        case block
        case dontWait

        var flags: Int32 { self == .block ? 0 : ZMQ_DONTWAIT }
    }

    /// Sends `frames` as one multipart message. On a ROUTER, `peer` names the receiver and goes out first as
    /// the routing frame; with ROUTER_MANDATORY an unknown peer fails with `ClusterError.peerUnreachable`.
    /// A `.floats` frame is sent zero-copy: libzmq keeps the blob alive until it has written the bytes.
    public func send(_ frames: [OutgoingFrame], to peer: PeerIdentity? = nil, wait: Wait = .block) throws {
        precondition(!frames.isEmpty, "a message has at least one frame")
        let peerName = peer?.description
        var parts = frames
        if let peer { parts.insert(.bytes(peer.bytes), at: 0) }
        for (index, frame) in parts.enumerated() {
            let more = index < parts.count - 1 ? ZMQ_SNDMORE : 0
            // Once the first part is accepted libzmq takes the rest without blocking (messages are atomic),
            // so only the first part honours `.dontWait`.
            let flags = more | (index == 0 ? wait.flags : 0)
            try sendFrame(frame, flags: flags, peer: peerName)
        }
    }

    private func sendFrame(_ frame: OutgoingFrame, flags: Int32, peer: String?) throws {
        let message = UnsafeMutablePointer<zmq_msg_t>.allocate(capacity: 1)
        defer { message.deallocate() }
        switch frame {
        case .bytes(let bytes):
            guard zmq_msg_init_size(message, bytes.count) == 0 else {
                throw ClusterError.lastZMQError("zmq_msg_init_size", endpoint: endpoint, peer: peer)
            }
            if !bytes.isEmpty {
                bytes.withUnsafeBytes { zmq_msg_data(message).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            }
        case .floats(let blob):
            blob.willSend()
            // The retain travels through libzmq as the callback's `hint` and is released when libzmq frees
            // the message: after the bytes are written, or when the message is closed unsent.
            let retained = Unmanaged.passRetained(blob).toOpaque()
            // The pointer outlives the closure safely: the blob's storage never moves, and the retain keeps it.
            let data = blob.withUnsafeBytes { UnsafeMutableRawPointer(mutating: $0.baseAddress) }
            let rc = zmq_msg_init_data(message, data, blob.byteCount, { _, hint in
                guard let hint else { return }
                Unmanaged<FloatBlob>.fromOpaque(hint).takeRetainedValue().didFinishSend()
            }, retained)
            guard rc == 0 else {
                Unmanaged<FloatBlob>.fromOpaque(retained).takeRetainedValue().didFinishSend()
                throw ClusterError.lastZMQError("zmq_msg_init_data", endpoint: endpoint, peer: peer)
            }
        }
        while zmq_msg_send(message, handle, flags) < 0 {
            if zmq_errno() == EINTR { continue }   // a signal interrupted a blocking send: try again
            let error = ClusterError.lastZMQError("send", endpoint: endpoint, peer: peer)
            zmq_msg_close(message)   // still ours after a failed send; for a blob this runs the free callback
            throw error
        }
    }

    /// Receives one whole multipart message, or returns nil if `wait` is `.dontWait` (or the receive timeout
    /// passes) before one arrives. On a ROUTER the first frame is the sender's routing identity.
    ///
    /// At most `frameLimit` frames are kept: the rest of an oversized message is read and dropped, so a hostile
    /// peer cannot make the receiver hold an unbounded number of frames. The caller sees that the message was
    /// cut through `ReceivedFrames.droppedFrames`.
    public func receive(wait: Wait = .block, frameLimit: Int = Int.max) throws -> ReceivedFrames? {
        var frames: [ZMQFrame] = []
        var dropped = 0
        repeat {
            let message = UnsafeMutablePointer<zmq_msg_t>.allocate(capacity: 1)
            zmq_msg_init(message)
            // Only the first part can be absent; the rest of a multipart message is already here.
            let flags = frames.isEmpty && dropped == 0 ? wait.flags : 0
            while zmq_msg_recv(message, handle, flags) < 0 {
                let code = zmq_errno()
                if code == EINTR { continue }
                zmq_msg_close(message)
                message.deallocate()
                if code == EAGAIN && frames.isEmpty && dropped == 0 { return nil }
                throw ClusterError.lastZMQError("receive", endpoint: endpoint)
            }
            let more = zmq_msg_more(message) != 0
            if frames.count < frameLimit {
                frames.append(ZMQFrame(taking: message))
            } else {
                zmq_msg_close(message)
                message.deallocate()
                dropped += 1
            }
            if !more { break }
        } while true
        return ReceivedFrames(frames: frames, droppedFrames: dropped)
    }

    /// Waits up to `timeoutMilliseconds` (−1 = forever) for a message to be ready to receive.
    public func waitForInput(timeoutMilliseconds: Int) throws -> Bool {
        try Poller.waitForInput([self], timeoutMilliseconds: timeoutMilliseconds).contains(0)
    }
}

/// The frames of one received multipart message.
public struct ReceivedFrames: Sendable {
    public var frames: [ZMQFrame]
    /// Frames beyond the receiver's limit, read and discarded.
    public var droppedFrames: Int

    /// Every frame that arrived, kept or dropped.
    public var totalFrames: Int { frames.count + droppedFrames }
}
