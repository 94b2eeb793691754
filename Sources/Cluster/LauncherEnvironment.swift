/// Where a worker learns its rank and its coordinator when a launcher starts it (architecture §4): the
/// command line first, then the variables SLURM, Open MPI, torchrun-style launchers and Kubernetes indexed
/// jobs set. Pure lookup over a dictionary, so tests pass their own environment.
public enum LauncherEnvironment {
    /// Rank variables in the order they are consulted: the first one set wins.
    public static let rankVariables = ["SLURM_PROCID", "OMPI_COMM_WORLD_RANK", "RANK", "JOB_COMPLETION_INDEX"]
    /// A full endpoint, e.g. tcp://10.0.0.1:5555.
    public static let coordinatorVariable = "AMPL_COORDINATOR"
    /// torchrun's pair, used when `AMPL_COORDINATOR` is not set: tcp://MASTER_ADDR:MASTER_PORT.
    public static let hostVariable = "MASTER_ADDR"
    public static let portVariable = "MASTER_PORT"
    /// The CURVE key directory, for launchers that set one variable for every process (a Kubernetes Secret
    /// mounted at a path, a shared directory under Slurm).
    public static let keysVariable = "AMPL_KEYS"

    public enum LookupError: Error, Equatable, CustomStringConvertible {
        case invalidRank(variable: String, value: String)
        case noCoordinator

        public var description: String {
            switch self {
            case let .invalidRank(variable, value):
                return "\(variable)=\(value) is not a rank (a whole number ≥ 0)"
            case .noCoordinator:
                return "no coordinator address: pass --coordinator tcp://HOST:PORT or set \(coordinatorVariable) "
                    + "(or \(hostVariable) and \(portVariable))"
            }
        }
    }

    /// `explicit` (--rank) if given, else the first rank variable set, else nil (the coordinator then orders
    /// the worker by arrival).
    public static func rank(explicit: Int?, environment: [String: String]) throws -> Int? {
        if let explicit { return explicit }
        for variable in rankVariables {
            guard let text = environment[variable] else { continue }
            guard let rank = Int(text), rank >= 0 else { throw LookupError.invalidRank(variable: variable, value: text) }
            return rank
        }
        return nil
    }

    /// `explicit` (--coordinator) if given, else `AMPL_COORDINATOR`, else tcp://MASTER_ADDR:MASTER_PORT.
    public static func coordinator(explicit: String?, environment: [String: String]) throws -> String {
        if let explicit { return explicit }
        if let endpoint = environment[coordinatorVariable], !endpoint.isEmpty { return endpoint }
        if let host = environment[hostVariable], let port = environment[portVariable], !host.isEmpty, !port.isEmpty {
            return "tcp://\(host):\(port)"
        }
        throw LookupError.noCoordinator
    }

    /// `explicit` (--keys) if given, else `AMPL_KEYS`, else nil: no keys, which `TransportSecurity` allows on
    /// loopback only.
    public static func keyDirectory(explicit: String?, environment: [String: String]) -> String? {
        if let explicit { return explicit }
        guard let directory = environment[keysVariable], !directory.isEmpty else { return nil }
        return directory
    }
}
