import Foundation

/// Where the MuJoCo XML models live.
///
/// The models are not in the repository: `scripts/bootstrap.sh` unpacks `gymnasium/envs/mujoco/assets/*.xml`
/// from the gymnasium 1.4.0 wheel on PyPI into `$AMPL_CACHE/mujoco/gymnasium-1.4.0/` (AMPL_CACHE defaults to
/// `~/.cache/ampl`). half_cheetah.xml, hopper.xml and walker2d.xml are byte-identical in gymnasium 0.29.1 and
/// 1.4.0, i.e. the models of the v2–v4 environments.
public enum MuJoCoModels {
    /// The gymnasium wheel the XML files come from.
    public static let gymnasiumVersion = "1.4.0"

    /// The models folder for a process environment: `$AMPL_CACHE/mujoco/gymnasium-1.4.0`, with AMPL_CACHE
    /// defaulting to `~/.cache/ampl`.
    public static func defaultDirectory(
        processEnvironment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        (AMPLCache.root(processEnvironment: processEnvironment) as NSString).appendingPathComponent("mujoco/gymnasium-\(gymnasiumVersion)")
    }

    /// The full path of one model file in `directory` (or in the default directory when nil).
    public static func path(of fileName: String, in directory: String? = nil) -> String {
        ((directory ?? defaultDirectory()) as NSString).appendingPathComponent(fileName)
    }
}
