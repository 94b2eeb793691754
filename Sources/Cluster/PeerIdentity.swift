/// The routing identity a ROUTER socket sees for a connected DEALER: the first frame of everything it
/// receives from that peer and the address of everything it sends back.
///
/// Workers set it themselves (`SocketOption.routingID`) from their rank and incarnation, so that a worker
/// that reconnects after a network blip keeps its identity and the coordinator recognises it.
public struct PeerIdentity: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public init(_ text: String) { self.bytes = Array(text.utf8) }

    /// The identity a worker uses: rank and incarnation, e.g. "w3-00c0ffee00c0ffee".
    public static func worker(rank: Int, incarnation: Incarnation) -> PeerIdentity {
        PeerIdentity("w\(rank)-\(incarnation)")
    }

    /// Printable identities as text, others (libzmq's generated ones) as hex.
    public var description: String {
        if !bytes.isEmpty, bytes.allSatisfy({ $0 >= 0x21 && $0 < 0x7F }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        return "0x" + bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

/// A random number a worker process draws once at start and sends in its HELLO. It tells a restarted worker
/// (new incarnation) from the same process coming back after a partition (same incarnation), which TCP and
/// ZeroMQ cannot tell apart (distributed-and-ecosystem.md §1b, link-down test).
public struct Incarnation: Hashable, Sendable, Codable, CustomStringConvertible {
    public let value: UInt64

    public init(_ value: UInt64) { self.value = value }

    /// A fresh incarnation from the system's secure random source.
    public static func random() -> Incarnation {
        var generator = SystemRandomNumberGenerator()
        return Incarnation(generator.next())
    }

    /// 16 hex digits.
    public var description: String { String(value, radix: 16).leftPadded(to: 16) }

    /// Parses the 16-hex-digit form.
    public init?(hex: String) {
        guard hex.count == 16, let value = UInt64(hex, radix: 16) else { return nil }
        self.value = value
    }

    // Encoded as hex text: JSON numbers above 2^53 lose precision in many readers.
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = Incarnation(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "incarnation must be 16 hex digits"))
        }
        self = parsed
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
