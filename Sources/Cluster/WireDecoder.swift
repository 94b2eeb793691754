import Foundation
import Numerics

/// Checks every received message against the wire format before anything in it is used. It never traps and
/// never trusts input: each failure is a `Rejection` naming the reason. The checks run cheapest first, and
/// the CRC over the payload runs last, once the sizes are known to add up.
public struct WireDecoder: Sendable {
    /// Largest control frame accepted: control fields are small JSON objects, so anything bigger is an error.
    public static let maxControlBytes = 1 << 20
    /// Most Float32 frames one message may carry; bounds what a hostile peer can make the receiver hold.
    public static let maxFloatFrames = 64

    /// The role of the process decoding, which decides which message types it may receive and whether
    /// messages start with a routing identity (the coordinator's ROUTER socket adds one).
    public let receiver: Sender
    /// This run's id, or nil while it is not known yet (a worker before its first ASSIGN).
    public var runID: UInt64?

    public init(receiver: Sender, runID: UInt64?) {
        precondition(receiver != .either, "a decoder belongs to the coordinator or to a worker")
        self.receiver = receiver
        self.runID = runID
    }

    /// Most frames worth reading from one message: routing identity, header, control, float frames.
    public var frameLimit: Int { (receiver == .coordinator ? 1 : 0) + 2 + Self.maxFloatFrames }

    /// Receives the next message from `socket` (nil if none arrived in time) and checks it.
    public func receive(from socket: ZMQSocket, wait: ZMQSocket.Wait = .block) throws -> Envelope? {
        guard let received = try socket.receive(wait: wait, frameLimit: frameLimit) else { return nil }
        let envelope = decode(received)
        if let observer = socket.context.observer {
            let bytes = received.frames.dropFirst(receiver == .coordinator ? 1 : 0).reduce(0) { $0 + $1.count }
            observer.received(try? envelope.result.get().header, bytes: bytes, from: envelope.peer)
        }
        return envelope
    }

    /// Splits off the routing identity (on the coordinator) and checks the rest.
    public func decode(_ received: ReceivedFrames) -> Envelope {
        var frames = received.frames[...]
        var peer: PeerIdentity?
        if receiver == .coordinator, let first = frames.first {
            peer = PeerIdentity(first.array)
            frames = frames.dropFirst()
        }
        return Envelope(peer: peer, result: decode(Array(frames), droppedFrames: received.droppedFrames))
    }

    /// Checks the frames of one message (without a routing identity). `droppedFrames` counts frames the
    /// receive already discarded for being over the limit; they make the frame count wrong.
    public func decode(_ frames: [ZMQFrame], droppedFrames: Int = 0) -> Result<ReceivedMessage, Rejection> {
        let totalFrames = frames.count + droppedFrames
        guard let headerFrame = frames.first else { return .failure(.wrongFrameCount(expected: 2, actual: 0)) }
        let header: WireHeader
        switch WireHeader.decode(headerFrame.bytes) {
        case .success(let parsed): header = parsed
        case .failure(let rejection): return .failure(rejection)
        }
        let floatFrames = Int(header.floatFrameCount)
        guard floatFrames <= Self.maxFloatFrames else { return .failure(.tooManyFloatFrames(floatFrames)) }
        guard header.type.carriesFloats || floatFrames == 0 else {
            return .failure(.unexpectedFloats(header.type, frames: floatFrames))
        }
        guard header.type.sender == .either || header.type.sender != receiver else {
            return .failure(.wrongSender(header.type))
        }
        if header.type.requiresRunID, let runID, header.runID != runID {
            return .failure(.staleRunID(expected: runID, received: header.runID))
        }
        guard totalFrames == 2 + floatFrames, droppedFrames == 0 else {
            return .failure(.wrongFrameCount(expected: 2 + floatFrames, actual: totalFrames))
        }
        let control = frames[1]
        guard control.count <= Self.maxControlBytes else { return .failure(.controlTooLarge(control.count)) }
        let payload = Array(frames[2...])
        var payloadBytes = 0
        for (index, frame) in payload.enumerated() {
            guard frame.count % MemoryLayout<Float>.stride == 0 else {
                return .failure(.partialFloat(frame: index, bytes: frame.count))
            }
            payloadBytes += frame.count
        }
        // Compare in bytes without multiplying the untrusted count, which could overflow.
        guard header.elementCount == UInt64(payloadBytes / MemoryLayout<Float>.stride) else {
            return .failure(.elementCountMismatch(announced: header.elementCount, payloadBytes: payloadBytes))
        }
        var crc = CRC32C.checksum(control.bytes)
        for frame in payload { crc = CRC32C.checksum(frame.bytes, continuing: crc) }
        guard crc == header.payloadCRC else { return .failure(.crcMismatch(announced: header.payloadCRC, computed: crc)) }
        return .success(ReceivedMessage(header: header, control: control, payload: payload))
    }
}

/// One received message with its sender: the routing identity on the coordinator, nil on a worker.
public struct Envelope: Sendable {
    public let peer: PeerIdentity?
    public let result: Result<ReceivedMessage, Rejection>
}

/// A message that passed every check of `WireDecoder`. Its frames stay owned by libzmq until it is dropped.
public struct ReceivedMessage: Sendable {
    public let header: WireHeader
    public let control: ZMQFrame
    public let payload: [ZMQFrame]

    public var type: MessageType { header.type }

    /// The control frame decoded as `Body`; a failure is a `Rejection` like any other bad input.
    public func body<Body: Decodable>(as: Body.Type) throws(Rejection) -> Body {
        do {
            return try JSONDecoder().decode(Body.self, from: Data(control.bytes))
        } catch {
            throw .badControl(header.type, reason: "\(error)")
        }
    }

    /// Float frame `index` as a new array.
    public func floats(_ index: Int) -> [Float] { payload[index].floats() }

    /// The name of the CURVE key the sender authenticated with (the ZAP handler's User-Id), if any.
    public var authenticatedKeyName: String? {
        control.property("User-Id").flatMap { $0.isEmpty ? nil : $0 }
    }
}
