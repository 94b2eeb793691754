/// The coordinator's CURVE material: its own keypair and the workers it lets in.
public struct CoordinatorKeys: Sendable {
    public let server: CurveKeyPair
    public let allowList: AllowList

    public init(server: CurveKeyPair, allowList: AllowList) {
        self.server = server
        self.allowList = allowList
    }

    /// `coordinator.key`, `coordinator.pub` and `authorized/*.pub` from a key directory (see `KeyFiles`).
    public static func load(directory: String) throws -> CoordinatorKeys {
        CoordinatorKeys(server: try KeyFiles.readKeyPair(in: directory, name: KeyFiles.coordinatorName,
                                                         howToCreate: "ampl keygen --out \(directory)"),
                        allowList: try AllowList.load(directory: KeyFiles.authorizedPath(in: directory)))
    }
}

/// A worker's CURVE material: its own keypair and the coordinator's public key.
public struct WorkerKeys: Sendable {
    public let client: CurveKeyPair
    public let coordinator: CurveKey

    public init(client: CurveKeyPair, coordinator: CurveKey) {
        self.client = client
        self.coordinator = coordinator
    }

    /// `NAME.key`/`NAME.pub` (default `worker`) and `coordinator.pub` from a key directory (see `KeyFiles`).
    public static func load(directory: String, name: String = KeyFiles.workerName) throws -> WorkerKeys {
        let howToCreate = "ampl keygen --out \(directory)"
        return WorkerKeys(client: try KeyFiles.readKeyPair(in: directory, name: name, howToCreate: howToCreate),
                          coordinator: try KeyFiles.readKey(
                              at: KeyFiles.publicKeyPath(in: directory, name: KeyFiles.coordinatorName),
                              howToCreate: "copy coordinator.pub from the coordinator's key directory"))
    }
}

/// Whether a connection is encrypted, decided by `TransportSecurity` from the endpoint and the key directory.
public enum Security<Keys: Sendable>: Sendable {
    case plain
    case curve(Keys)
}

/// The CURVE policy (architecture §4): keys given → CURVE; no keys → plain text, allowed only when the
/// endpoint cannot be reached from another machine (loopback, inproc, ipc). Binding or connecting to a network
/// address without keys is an error that says how to make them.
public enum TransportSecurity {
    /// The coordinator binding `endpoint`, with `--keys DIR` if given.
    public static func forCoordinator(binding endpoint: String, keyDirectory: String?) throws -> Security<CoordinatorKeys> {
        try decide(endpoint, keyDirectory) { try CoordinatorKeys.load(directory: $0) }
    }

    /// A worker connecting to `endpoint`, with `--keys DIR` if given.
    public static func forWorker(connectingTo endpoint: String, keyDirectory: String?) throws -> Security<WorkerKeys> {
        try decide(endpoint, keyDirectory) { try WorkerKeys.load(directory: $0) }
    }

    private static func decide<Keys>(_ endpoint: String, _ keyDirectory: String?,
                                     load: (String) throws -> Keys) throws -> Security<Keys> {
        if let keyDirectory {
            guard ZMQContext.hasCurve else { throw ClusterError.curveUnavailable }
            return .curve(try load(keyDirectory))
        }
        guard try EndpointReach.of(endpoint) != .network else { throw ClusterError.curveRequired(endpoint: endpoint) }
        return .plain
    }
}

extension ZMQSocket {
    /// Makes this socket, before it binds, a CURVE server whose clients `authenticator` checks. The socket keeps
    /// the handler alive: libzmq lets clients in unchecked if no handler answers.
    public func makeCurveServer(keys: CurveKeyPair, authenticator: ZAPHandler) throws {
        precondition(authenticator.context === context, "the ZAP handler must run in the socket's context")
        try set(.zapDomain(ZAPHandler.domain))
        try set(.curveServer(secretKey: keys.secretKey.bytes))
        retainedAuthenticator = authenticator
    }

    /// Makes this socket, before it connects, a CURVE client of the server whose public key is `serverKey`.
    public func makeCurveClient(keys: CurveKeyPair, serverKey: CurveKey) throws {
        try set(.curveClient(serverPublicKey: serverKey.bytes, publicKey: keys.publicKey.bytes,
                             secretKey: keys.secretKey.bytes))
    }
}
