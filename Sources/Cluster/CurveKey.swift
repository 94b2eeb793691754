import CZeroMQ

/// A 32-byte CURVE key (public or secret), written as 40 characters of Z85 in files and on the command line.
public struct CurveKey: Hashable, Sendable, CustomStringConvertible {
    public static let byteCount = 32
    public static let z85Count = 40

    public let bytes: [UInt8]

    /// Parses 40 Z85 characters; nil for anything else.
    public init?(z85: String) {
        let text = Array(z85.utf8CString)   // with its NUL, as zmq_z85_decode reads it
        guard text.count == Self.z85Count + 1 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Self.byteCount)
        guard zmq_z85_decode(&bytes, text) != nil else { return nil }
        self.bytes = bytes
    }

    init(bytes: [UInt8]) {
        precondition(bytes.count == Self.byteCount, "a CURVE key is \(Self.byteCount) bytes")
        self.bytes = bytes
    }

    /// The key as 40 Z85 characters.
    public var z85: String {
        var text = [CChar](repeating: 0, count: Self.z85Count + 1)
        _ = zmq_z85_encode(&text, bytes, bytes.count)
        return text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    public var description: String { z85 }
}

/// A CURVE keypair: the public half is shared, the secret half never leaves its host.
public struct CurveKeyPair: Sendable, Equatable {
    public let publicKey: CurveKey
    public let secretKey: CurveKey

    /// A fresh keypair from libsodium (via `zmq_curve_keypair`).
    public static func generate() throws -> CurveKeyPair {
        guard ZMQContext.hasCurve else { throw ClusterError.curveUnavailable }
        var publicText = [CChar](repeating: 0, count: CurveKey.z85Count + 1)
        var secretText = [CChar](repeating: 0, count: CurveKey.z85Count + 1)
        guard zmq_curve_keypair(&publicText, &secretText) == 0 else {
            throw ClusterError.lastZMQError("zmq_curve_keypair", endpoint: "(key generation)")
        }
        let publicKey = publicText.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let secretKey = secretText.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return CurveKeyPair(publicKey: CurveKey(z85: publicKey)!, secretKey: CurveKey(z85: secretKey)!)
    }

    public init(publicKey: CurveKey, secretKey: CurveKey) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// The public key that belongs to `secretKey` (`zmq_curve_public`), to check that two key files match.
    public static func publicKey(for secretKey: CurveKey) throws -> CurveKey {
        var publicText = [CChar](repeating: 0, count: CurveKey.z85Count + 1)
        guard zmq_curve_public(&publicText, secretKey.z85) == 0 else {
            throw ClusterError.lastZMQError("zmq_curve_public", endpoint: "(key check)")
        }
        return CurveKey(z85: publicText.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })!
    }
}
