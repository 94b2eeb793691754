import Foundation

/// The project's cache folder: `$AMPL_CACHE`, else `~/.cache/ampl`. MuJoCo models and datasets a worker received
/// from its coordinator live below it.
public enum AMPLCache {
    public static func root(processEnvironment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let configured = processEnvironment["AMPL_CACHE"], !configured.isEmpty { return configured }
        let home = processEnvironment["HOME"] ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".cache/ampl")
    }
}
