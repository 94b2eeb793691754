import Foundation
import Numerics

/// The first thing `ampl` does: when OpenBLAS picked kernels below what this CPU runs and the user did not
/// choose (`BLASKernelSelection.decide`), start the same program again, in the same process (execv keeps the
/// PID, so a launcher or test that holds it is not confused), with `OPENBLAS_CORETYPE` set. OpenBLAS reads the
/// variable only while it loads, so there is no cheaper way. Workers that `ampl train --workers N` starts
/// inherit the choice.
enum BLASKernelRestart {
    static func restartIfNeeded() {
        let environment = ProcessInfo.processInfo.environment
        let pid = getpid()
        guard case .restart(let core, let own) = BLAS.kernelDecision(environment: environment) else { return }
        for (key, value) in BLASKernelSelection.restartEnvironment(core: core, openBLASChoice: own, pid: pid) {
            setenv(key, value, 1)
        }
        fflush(nil)  // nothing buffered may be written twice or lost
        let arguments = CommandLine.arguments
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        execv("/proc/self/exe", &argv)
        // Only reached when exec failed: say so and go on with OpenBLAS's kernels.
        let message = "warning: could not restart with \(BLASKernelSelection.Variable.coreType)=\(core) "
            + "(\(String(cString: strerror(errno)))); running on OpenBLAS's \(own) kernels\n"
        FileHandle.standardError.write(Data(message.utf8))
        unsetenv(BLASKernelSelection.Variable.coreType)
        unsetenv(BLASKernelSelection.Variable.chosen)
    }
}
