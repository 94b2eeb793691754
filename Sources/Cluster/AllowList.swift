import Foundation

/// The CURVE public keys the coordinator accepts, each with a name (its file's base name) that the ZAP handler
/// reports as the connection's User-Id, so logs say which key a worker used.
public struct AllowList: Sendable, Equatable {
    public let keys: [CurveKey: String]

    /// Keys by name.
    public init(_ named: [String: CurveKey]) {
        keys = Dictionary(named.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every `*.pub` file in `directory`. An empty or missing folder is an error: it would refuse everyone.
    public static func load(directory: String) throws -> AllowList {
        let howToCreate = "ampl keygen --out DIR"   // creates DIR/authorized/worker.pub
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw ClusterError.keyFileMissing(path: directory, howToCreate: howToCreate)
        }
        var named: [String: CurveKey] = [:]
        for file in files.sorted() where file.hasSuffix(".\(KeyFiles.publicExtension)") {
            let name = String(file.dropLast(KeyFiles.publicExtension.count + 1))
            named[name] = try KeyFiles.readKey(at: "\(directory)/\(file)", howToCreate: howToCreate)
        }
        guard !named.isEmpty else {
            throw ClusterError.keyFileInvalid(path: directory, reason: "it holds no *.pub files; copy each worker's "
                                              + "public key there (`\(howToCreate)` makes one)")
        }
        return AllowList(named)
    }

    /// The name of `key` if it is allowed.
    public func name(of key: CurveKey) -> String? { keys[key] }
}
