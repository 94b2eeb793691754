import Foundation

/// Runs the real `ampl` binary (built next to the test bundle by `swift build --build-tests`) in a folder, with
/// OpenBLAS choosing its own kernels, and returns its exit status and combined output.
public enum AMPLProcess {
    public static let binary: URL = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundle, bundle.deletingLastPathComponent()]
        where FileManager.default.fileExists(atPath: candidate.appendingPathComponent("ampl").path) {
            return candidate.appendingPathComponent("ampl")
        }
        return bundle.appendingPathComponent("ampl")
    }()

    public struct Result {
        public let status: Int32
        public let output: String
        /// The run passed `deadline` and was killed (with whatever `onTimeout` killed too).
        public let timedOut: Bool
    }

    /// `executable` is another program to run the same way (a launcher script that starts `ampl`).
    /// `environment` is added to this process's own. `killWhen` is polled every 20 ms and kills the process
    /// (SIGKILL) when it returns true; at `deadline` seconds the process is killed and `onTimeout` gets the
    /// output so far (to stop its children by PID).
    public static func run(_ arguments: [String], in folder: URL, deadline: TimeInterval = 300,
                           executable: URL = binary, environment extra: [String: String] = [:],
                           killWhen: ((URL) -> Bool)? = nil, onTimeout: (String) -> Void = { _ in }) throws -> Result {
        let process = Process()
        #if os(Linux)
        // Foundation's Process hands the calling thread's signal mask on, and test threads (libdispatch's) block
        // SIGTERM and more: a child that stops its own children with SIGTERM (a launcher script, ampl train
        // stopping its workers) would wait for nothing. GNU env --default-signal unblocks them, then execs.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["--default-signal", executable.path] + arguments
        #else
        process.executableURL = executable
        process.arguments = arguments
        #endif
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = nil
        environment["OPENBLAS_L2_SIZE"] = nil
        environment.merge(extra) { $1 }
        process.environment = environment
        let log = folder.appendingPathComponent("output-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let output = { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        let end = Date().addingTimeInterval(deadline)
        var timedOut = false
        while process.isRunning {
            if Date() > end {
                kill(process.processIdentifier, SIGKILL)
                onTimeout(output())
                timedOut = true
                break
            }
            if let killWhen, killWhen(folder) { kill(process.processIdentifier, SIGKILL) }
            usleep(20_000)
        }
        process.waitUntilExit()
        try handle.close()
        return Result(status: process.terminationStatus, output: output(), timedOut: timedOut)
    }

    /// A fresh scratch folder for one test, removed first if a killed earlier run left it.
    public static func workFolder(_ name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ampl-test-\(getpid())-\(name)")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
