import Foundation

/// Why an environment could not be built.
public enum EnvironmentError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The name is not one of `EnvironmentKind`'s, even after stripping a dataset suffix.
    case unknownEnvironment(name: String)
    /// The MuJoCo XML is not where the models are expected (usually: the setup script has not run).
    case modelFileMissing(path: String)
    /// MuJoCo refused the XML, or it describes a different model than the environment expects.
    case modelInvalid(path: String, reason: String)

    public var description: String {
        switch self {
        case .unknownEnvironment(let name):
            let known = EnvironmentKind.allCases.map(\.rawValue).joined(separator: ", ")
            return "unknown environment '\(name)'; known: \(known) (dataset names like halfcheetah-medium-v2 also work)"
        case .modelFileMissing(let path):
            return "MuJoCo model file \(path) is missing or unreadable; run scripts/bootstrap.sh to fetch the "
                + "gymnasium \(MuJoCoModels.gymnasiumVersion) models (or set AMPL_CACHE / pass a models directory)"
        case .modelInvalid(let path, let reason):
            return "MuJoCo model file \(path) is not usable: \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
