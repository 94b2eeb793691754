import Cluster
import Foundation
import TestSupport
import Testing
import Yams

/// cluster/k8s parsed as YAML (no cluster here to apply it to): the fields a run depends on are present and
/// agree with each other, with the key layout `ampl keygen` writes and with the commands' flags.
@Suite("Kubernetes manifests")
struct KubernetesManifestTests {
    static let folder = repositoryRoot.appendingPathComponent("cluster/k8s")

    /// A parsed YAML mapping with lookups by dotted path ("spec.template.spec").
    struct Node {
        let value: Any

        subscript(_ path: String) -> Node? {
            var current: Any = value
            for key in path.split(separator: ".") {
                guard let mapping = current as? [String: Any], let next = mapping[String(key)] else { return nil }
                current = next
            }
            return Node(value: current)
        }

        var string: String? { value as? String ?? (value as? Int).map(String.init) }
        var int: Int? { value as? Int }
        var list: [Node] { (value as? [Any] ?? []).map(Node.init) }
        var strings: [String] { list.compactMap(\.string) }
        var mapping: [String: String] { (value as? [String: Any] ?? [:]).compactMapValues { Node(value: $0).string } }
    }

    /// Every document of every manifest the kustomization lists, by kind and name.
    static func resources() throws -> (kustomization: Node, objects: [String: Node]) {
        let kustomization = Node(value: try Yams.load(yaml: try text("kustomization.yaml")) as Any)
        var objects: [String: Node] = [:]
        for file in kustomization["resources"]?.strings ?? [] {
            for document in try Yams.load_all(yaml: try text(file)) {
                let object = Node(value: document as Any)
                objects["\(object["kind"]?.string ?? "?")/\(object["metadata.name"]?.string ?? "?")"] = object
            }
        }
        return (kustomization, objects)
    }

    static func text(_ file: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
    }

    /// The value after `flag` in an argument list.
    static func argument(_ flag: String, in arguments: [String]) -> String? {
        guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return nil }
        return arguments[index + 1]
    }

    /// The pod spec's only container, and the key files its Secret volume puts at the AMPL_KEYS mount.
    static func keyFiles(of pod: Node, secret: String) throws -> (container: Node, files: Set<String>) {
        let container = try #require(pod["containers"]?.list.first)
        let environment = Dictionary(uniqueKeysWithValues: container["env"]!.list.map { ($0["name"]!.string!, $0["value"]?.string ?? "") })
        let keysPath = try #require(environment["AMPL_KEYS"])
        let mount = try #require(container["volumeMounts"]?.list.first { $0["mountPath"]?.string == keysPath })
        let volume = try #require(pod["volumes"]?.list.first { $0["name"]?.string == mount["name"]?.string })
        #expect(volume["secret.secretName"]?.string == secret)
        return (container, Set(volume["secret.items"]!.list.compactMap { $0["path"]?.string }))
    }

    @Test func theSecretIsMadeFromTheFilesKeygenWrites() throws {
        let (kustomization, _) = try Self.resources()
        let generator = try #require(kustomization["secretGenerator"]?.list.first)
        let keys = FileManager.default.temporaryDirectory.appendingPathComponent("ampl-k8s-keys-\(getpid())").path
        try? FileManager.default.removeItem(atPath: keys)
        defer { try? FileManager.default.removeItem(atPath: keys) }
        try KeyFiles.createStandardSet(in: keys)
        for entry in generator["files"]!.strings {
            let source = try #require(entry.split(separator: "=").last).replacingOccurrences(of: "keys/", with: "")
            #expect(FileManager.default.fileExists(atPath: "\(keys)/\(source)"), "\(entry) is not a file keygen writes")
        }
        #expect(kustomization["generatorOptions.disableNameSuffixHash"]?.value as? Bool == true,
                "the Jobs name the Secret without a hash suffix")
    }

    @Test func workersAreAnIndexedJobBehindAHeadlessServiceAndFindTheCoordinator() throws {
        let (kustomization, objects) = try Self.resources()
        let secret = try #require(kustomization["secretGenerator"]?.list.first?["name"]?.string)
        let job = try #require(objects["Job/ampl-worker"])
        let headless = try #require(objects["Service/ampl-workers"])
        let coordinatorService = try #require(objects["Service/ampl-coordinator"])
        #expect(job["spec.completionMode"]?.string == "Indexed")
        #expect(job["spec.completions"]?.int == job["spec.parallelism"]?.int)
        #expect(headless["spec.clusterIP"]?.string == "None")
        let pod = try #require(job["spec.template.spec"])
        #expect(pod["subdomain"]?.string == "ampl-workers")
        let labels = try #require(job["spec.template.metadata.labels"]).mapping
        #expect(headless["spec.selector"]!.mapping.allSatisfy { labels[$0.key] == $0.value })

        let (container, files) = try Self.keyFiles(of: pod, secret: secret)
        #expect(container["command"]?.strings == ["ampl", "worker"])
        #expect(files == ["worker.pub", "worker.key", "coordinator.pub"])
        let environment = container["env"]!.list.reduce(into: [String: String]()) { $0[$1["name"]!.string!] = $1["value"]?.string }
        let controlPort = try #require(coordinatorService["spec.ports"]?.list.first { $0["name"]?.string == "control" }?["port"]?.int)
        #expect(environment[LauncherEnvironment.coordinatorVariable] == "tcp://ampl-coordinator:\(controlPort)")
    }

    @Test func theCoordinatorListensOnItsServiceAndExpectsEveryWorker() throws {
        let (kustomization, objects) = try Self.resources()
        let secret = try #require(kustomization["secretGenerator"]?.list.first?["name"]?.string)
        let job = try #require(objects["Job/ampl-coordinator"])
        let workers = try #require(objects["Job/ampl-worker"])
        let service = try #require(objects["Service/ampl-coordinator"])
        let labels = try #require(job["spec.template.metadata.labels"]).mapping
        #expect(service["spec.selector"]!.mapping.allSatisfy { labels[$0.key] == $0.value })

        let (container, files) = try Self.keyFiles(of: try #require(job["spec.template.spec"]), secret: secret)
        #expect(files == ["coordinator.pub", "coordinator.key", "authorized/worker.pub"])
        let arguments = container["args"]!.strings
        #expect(container["command"]?.strings == ["ampl", "train"])
        let ports = Dictionary(uniqueKeysWithValues: service["spec.ports"]!.list.map { ($0["name"]!.string!, $0["port"]!.int!) })
        #expect(Self.argument("--listen", in: arguments) == "tcp://0.0.0.0:\(ports["control"]!)")
        #expect(Self.argument("--metrics-port", in: arguments) == "\(ports["metrics"]!)")
        #expect(Self.argument("--expect-workers", in: arguments) == workers["spec.completions"]?.string)

        // Both Jobs mount the same data volume: the workers read the dataset at the coordinator's path.
        let claims = [job, workers].map { object in
            object["spec.template.spec.volumes"]!.list.compactMap { $0["persistentVolumeClaim.claimName"]?.string }
        }
        #expect(claims[0] == claims[1] && !claims[0].isEmpty)
        #expect(objects["PersistentVolumeClaim/\(claims[0][0])"] != nil)
    }
}
