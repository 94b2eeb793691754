import Foundation
import Yams

/// Builds the run's `AMPLConfig` from, in this order (later wins):
///   1. the paper defaults;  2. the dataset's row of spec §4.6;  3. a preset;  4. a YAML config file;
///   5. `--set key.path=value` overrides;  6. `--scale s` on the schedule fields.
/// Every layer is a YAML tree merged over the previous one; a key the config does not have is an error that
/// names the key and where it came from, as is a value of the wrong type.
public struct ConfigResolver {
    public var preset: Preset = .paper
    public var configFile: String?
    public var overrides: [String] = []
    public var scale: Double?

    public init() {}

    public func resolve() throws -> AMPLConfig {
        let layers = try loadLayers()
        // The dataset row (layer 2) depends on the dataset the later layers choose: find that first, then put
        // the row under the layers.
        var config = try apply(layers, over: AMPLConfig())
        if let row = DatasetSettings.lookup(config.dataset) {
            var base = AMPLConfig()
            row.apply(to: &base)
            config = try apply(layers, over: base)
        }
        if let scale {
            guard scale > 0 && scale <= 1 else { throw ConfigError.badValue(key: "--scale", detail: "must be in (0, 1], got \(scale)") }
            config.schedule = config.schedule.scaled(by: scale)
        }
        if config.deterministic { config.threads = 1 }
        try config.validate()
        return config
    }

    /// Layers 3–5 as YAML trees with where each came from.
    func loadLayers() throws -> [(tree: [String: Any], source: String)] {
        var layers = [(try ConfigTree.parse(preset.yaml, source: "preset '\(preset.name)'"), "preset '\(preset.name)'")]
        if let configFile {
            let text: String
            do { text = try String(contentsOfFile: configFile, encoding: .utf8) } catch {
                throw ConfigError.unreadable(path: configFile, reason: error.localizedDescription)
            }
            layers.append((try ConfigTree.parse(text, source: configFile), configFile))
        }
        for item in overrides {
            let (path, value) = try ConfigTree.parseOverride(item)
            layers.append((ConfigTree.nested(path, value), "--set \(item)"))
        }
        return layers
    }

    func apply(_ layers: [(tree: [String: Any], source: String)], over base: AMPLConfig) throws -> AMPLConfig {
        let known = try ConfigTree.encode(AMPLConfig())
        var tree = try ConfigTree.encode(base)
        for layer in layers { try merge(layer.tree, into: &tree, known: known, source: layer.source) }
        return try ConfigTree.decode(tree, source: "configuration")
    }

    func merge(_ layer: [String: Any], into tree: inout [String: Any], known: [String: Any], source: String,
               prefix: String = "") throws {
        for (key, value) in layer {
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            guard let knownValue = known[key] else {
                let suggestion = ConfigTree.closest(key, among: Array(known.keys)).map { prefix.isEmpty ? $0 : "\(prefix).\($0)" }
                throw ConfigError.unknownKey(key: path, source: source, suggestion: suggestion)
            }
            if let knownChild = knownValue as? [String: Any] {
                guard let child = value as? [String: Any] else {
                    throw ConfigError.badValue(key: path, detail: "is a section (\(knownChild.keys.sorted().prefix(3).joined(separator: ", ")), …), not a value, in \(source)")
                }
                var current = tree[key] as? [String: Any] ?? [:]
                try merge(child, into: &current, known: knownChild, source: source, prefix: path)
                tree[key] = current
            } else {
                tree[key] = value
            }
        }
    }
}

public enum ConfigError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case syntax(source: String, detail: String)
    case unknownKey(key: String, source: String, suggestion: String?)
    case badValue(key: String, detail: String)
    case badOverride(String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "cannot read config \(path): \(reason)"
        case let .syntax(source, detail): return "\(source) is not valid YAML: \(detail)"
        case let .unknownKey(key, source, suggestion):
            return "unknown config key '\(key)' in \(source)" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
        case let .badValue(key, detail): return "config value '\(key)' \(detail)"
        case let .badOverride(item): return "--set expects key.path=value, got '\(item)'"
        }
    }
}

/// YAML/JSON trees of the config: `[String: Any]` dictionaries with scalars and arrays as leaves.
enum ConfigTree {
    static func encode(_ config: AMPLConfig) throws -> [String: Any] {
        let data = try JSONEncoder().encode(config)
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    static func decode(_ tree: [String: Any], source: String) throws -> AMPLConfig {
        let data = try JSONSerialization.data(withJSONObject: tree)
        do { return try JSONDecoder().decode(AMPLConfig.self, from: data) } catch let error as DecodingError {
            throw ConfigError.badValue(key: path(of: error), detail: describe(error))
        }
    }

    static func parse(_ yaml: String, source: String) throws -> [String: Any] {
        let loaded: Any?
        do { loaded = try Yams.load(yaml: yaml) } catch { throw ConfigError.syntax(source: source, detail: "\(error)") }
        guard let loaded else { return [:] }
        guard let tree = normalize(loaded) as? [String: Any] else {
            throw ConfigError.syntax(source: source, detail: "the top level must be a mapping of keys to values")
        }
        return tree
    }

    /// Yams gives `[AnyHashable: Any]` mappings; the tree uses String keys throughout.
    static func normalize(_ value: Any) -> Any {
        if let map = value as? [AnyHashable: Any] {
            return Dictionary(uniqueKeysWithValues: map.map { ("\($0.key)", normalize($0.value)) })
        }
        if let map = value as? [String: Any] { return map.mapValues(normalize) }
        if let list = value as? [Any] { return list.map(normalize) }
        return value
    }

    /// "a.b.c=value" with the value read as YAML ("1e-4" is a number, "[32, 32]" a list, "perStep" a string).
    static func parseOverride(_ item: String) throws -> (path: [String], value: Any) {
        guard let equals = item.firstIndex(of: "=") else { throw ConfigError.badOverride(item) }
        let path = item[..<equals].split(separator: ".").map(String.init)
        guard !path.isEmpty, !path.contains(where: \.isEmpty) else { throw ConfigError.badOverride(item) }
        let text = String(item[item.index(after: equals)...])
        let value = (try? Yams.load(yaml: text)).flatMap { $0 }.map(normalize) ?? text
        return (path, value)
    }

    static func nested(_ path: [String], _ value: Any) -> [String: Any] {
        path.reversed().reduce(value) { inner, key in [key: inner] } as? [String: Any] ?? [:]
    }

    static func path(of error: DecodingError) -> String {
        let context: DecodingError.Context
        switch error {
        case let .typeMismatch(_, c), let .valueNotFound(_, c), let .keyNotFound(_, c), let .dataCorrupted(c): context = c
        @unknown default: return "?"
        }
        return context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .typeMismatch(type, _): return "must be \(typeName(type))"
        case let .valueNotFound(type, _): return "must be \(typeName(type)), not empty"
        case let .keyNotFound(key, _): return "is missing '\(key.stringValue)'"
        case let .dataCorrupted(context): return "is invalid: \(context.debugDescription)"
        @unknown default: return "is invalid"
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is UInt64.Type: return "an integer"
        case is Float.Type, is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is String.Type: return "a string"
        default: return "a \(type)"
        }
    }

    /// The known key nearest to `key` by edit distance, if it is close enough to be a likely typo.
    static func closest(_ key: String, among keys: [String]) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var row = Array(0...b.count)
            for i in 1...max(a.count, 1) where !a.isEmpty {
                var previous = row[0]
                row[0] = i
                for j in 1...max(b.count, 1) where !b.isEmpty {
                    let current = row[j]
                    row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                    previous = current
                }
            }
            return row[b.count]
        }
        let scored = keys.map { ($0, distance(Array(key.lowercased()), Array($0.lowercased()))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, key.count / 3) else { return nil }
        return best.0
    }
}
