import Foundation
import Numerics

/// What every command does first: pick the BLAS thread count and log OpenBLAS's kernel choice (to stderr, so
/// that --json output stays clean).
enum StartupReport {
    /// One BLAS thread unless a command asks for more: OpenBLAS's second thread only pays on large products,
    /// and on batch-of-one policy calls (evaluation, dataset making) its wake-ups double the wall time.
    static func begin(threads: Int = 1) {
        BLAS.setThreads(threads)
        var message = "ampl \(AMPLVersion.string): OpenBLAS core \(BLAS.coreName) (\(BLAS.config)), \(threads) thread(s)\n"
        if let warning = BLAS.forcedCoreWarning() { message += warning + "\n" }
        FileHandle.standardError.write(Data(message.utf8))
    }
}
