import Foundation
import Numerics

/// What every command logs at start-up (to stderr, so that --json output stays clean).
enum StartupReport {
    static func logBLAS() {
        var message = "ampl \(AMPLVersion.string): OpenBLAS core \(BLAS.coreName) (\(BLAS.config))\n"
        if let warning = BLAS.forcedCoreWarning() { message += warning + "\n" }
        FileHandle.standardError.write(Data(message.utf8))
    }
}
