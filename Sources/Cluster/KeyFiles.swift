import Foundation

/// Reading and writing CURVE keys as files, and the layout of a key directory (`--keys DIR`):
///
/// ```
/// DIR/coordinator.pub   coordinator.key    the coordinator's keypair; workers need only coordinator.pub
/// DIR/worker.pub        worker.key         this worker's keypair
/// DIR/authorized/*.pub                     public keys the coordinator lets in (its ZAP allow-list)
/// ```
/// A `.pub` file holds one Z85 public key, a `.key` file one Z85 secret key (mode 0600), each on one line.
/// `ampl keygen --out DIR` creates the whole layout, with one worker keypair that every worker may share;
/// `ampl keygen --out DIR --name NAME` adds a keypair `NAME.pub`/`NAME.key` for a worker of its own (copy
/// its `.pub` into the coordinator's `authorized/`).
public enum KeyFiles {
    public static let coordinatorName = "coordinator"
    public static let workerName = "worker"
    public static let authorizedFolder = "authorized"
    public static let publicExtension = "pub"
    public static let secretExtension = "key"
    /// Owner read/write only: a secret key readable by others is no secret.
    public static let secretFileMode: mode_t = 0o600
    public static let publicFileMode: mode_t = 0o644

    public static func publicKeyPath(in directory: String, name: String) -> String {
        "\(directory)/\(name).\(publicExtension)"
    }

    public static func secretKeyPath(in directory: String, name: String) -> String {
        "\(directory)/\(name).\(secretExtension)"
    }

    public static func authorizedPath(in directory: String) -> String { "\(directory)/\(authorizedFolder)" }

    /// Creates the standard layout in `directory` and returns the files written. Refuses to overwrite.
    @discardableResult
    public static func createStandardSet(in directory: String) throws -> [String] {
        let allowedWorker = "\(authorizedPath(in: directory))/\(workerName).\(publicExtension)"
        let targets = [coordinatorName, workerName].flatMap {
            [secretKeyPath(in: directory, name: $0), publicKeyPath(in: directory, name: $0)]
        } + [allowedWorker]
        // Check every file first, so that a refusal never leaves half a set behind.
        if let existing = targets.first(where: { FileManager.default.fileExists(atPath: $0) }) {
            throw ClusterError.keyFileExists(path: existing)
        }
        let coordinator = try CurveKeyPair.generate(), worker = try CurveKeyPair.generate()
        try FileManager.default.createDirectory(atPath: authorizedPath(in: directory),
                                                withIntermediateDirectories: true)
        return try writeKeyPair(coordinator, in: directory, name: coordinatorName)
            + writeKeyPair(worker, in: directory, name: workerName)
            + [try writeFile(worker.publicKey.z85, to: allowedWorker, mode: publicFileMode)]
    }

    /// Writes `NAME.pub` and `NAME.key` (mode 0600) in `directory` and returns their paths. Refuses to overwrite.
    @discardableResult
    public static func writeKeyPair(_ pair: CurveKeyPair, in directory: String, name: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Secret first: if it cannot be written, no orphan public key is left behind.
        let secret = try writeFile(pair.secretKey.z85, to: secretKeyPath(in: directory, name: name), mode: secretFileMode)
        let publicPath = try writeFile(pair.publicKey.z85, to: publicKeyPath(in: directory, name: name),
                                       mode: publicFileMode)
        return [publicPath, secret]
    }

    /// Reads `NAME.key` and `NAME.pub` from `directory` and checks that they belong together.
    public static func readKeyPair(in directory: String, name: String, howToCreate: String) throws -> CurveKeyPair {
        let secretPath = secretKeyPath(in: directory, name: name)
        let secret = try readKey(at: secretPath, howToCreate: howToCreate)
        let publicPath = publicKeyPath(in: directory, name: name)
        let publicKey = try readKey(at: publicPath, howToCreate: howToCreate)
        guard try CurveKeyPair.publicKey(for: secret) == publicKey else {
            throw ClusterError.keyFileInvalid(path: publicPath, reason: "it does not belong to the secret key \(secretPath)")
        }
        return CurveKeyPair(publicKey: publicKey, secretKey: secret)
    }

    /// Reads one Z85 key (public or secret) from a file.
    public static func readKey(at path: String, howToCreate: String) throws -> CurveKey {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ClusterError.keyFileMissing(path: path, howToCreate: howToCreate)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ClusterError.keyFileInvalid(path: path, reason: "cannot read it")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let key = CurveKey(z85: text) else {
            throw ClusterError.keyFileInvalid(path: path, reason: "expected one Z85 key of \(CurveKey.z85Count) characters")
        }
        return key
    }

    /// Creates `path` with `mode` from the start (never briefly readable by others) and fails if it exists.
    private static func writeFile(_ line: String, to path: String, mode: mode_t) throws -> String {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else {
            if errno == EEXIST { throw ClusterError.keyFileExists(path: path) }
            throw ClusterError.keyFileInvalid(path: path, reason: "cannot create it: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let bytes = Array((line + "\n").utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else {
            throw ClusterError.keyFileInvalid(path: path, reason: "cannot write it: \(String(cString: strerror(errno)))")
        }
        return path
    }
}
