/// What an endpoint string says about who can reach it, for the CURVE policy.
public enum EndpointReach: Sendable, Equatable {
    /// inproc:// and ipc://: this machine only, no network.
    case local
    /// tcp:// on 127.0.0.0/8, ::1 or localhost.
    case loopback
    /// Anything else, including the wildcards `*` and 0.0.0.0: other machines can connect.
    case network

    /// Classifies `endpoint`; a string that is not `transport://address` is an error.
    public static func of(_ endpoint: String) throws -> EndpointReach {
        guard let separator = endpoint.range(of: "://") else {
            throw ClusterError.invalidEndpoint(endpoint, reason: "expected transport://address, e.g. tcp://127.0.0.1:5555")
        }
        let transport = endpoint[..<separator.lowerBound], address = endpoint[separator.upperBound...]
        switch transport {
        case "inproc", "ipc": return .local
        case "tcp": return isLoopbackHost(host(of: address)) ? .loopback : .network
        default: return .network
        }
    }

    /// The host part of `host:port`, `[v6]:port`, or of `interface;host:port` (a connect with a source).
    private static func host(of address: Substring) -> Substring {
        let target = address.split(separator: ";").last ?? address
        if target.hasPrefix("["), let close = target.firstIndex(of: "]") {
            return target[target.index(after: target.startIndex)..<close]
        }
        guard let colon = target.lastIndex(of: ":") else { return target }
        return target[..<colon]
    }

    private static func isLoopbackHost(_ host: Substring) -> Bool {
        host == "localhost" || host == "lo" || host == "::1" || host.hasPrefix("127.")
    }
}
