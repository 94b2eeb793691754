import Foundation
import Numerics

/// What every command does first: pick the BLAS thread count and log OpenBLAS's kernel choice (to stderr, so
/// that --json output stays clean).
enum StartupReport {
    /// One BLAS thread unless a command asks for more: OpenBLAS's second thread only pays on large products,
    /// and on batch-of-one policy calls (evaluation, dataset making) its wake-ups double the wall time.
    static func begin(threads: Int = 1) {
        BLAS.setThreads(threads)
        let message = "ampl \(AMPLVersion.string): \(BLAS.config), \(threads) thread(s)\n\(BLAS.kernelReport())\n"
        FileHandle.standardError.write(Data(message.utf8))
    }
}
