import Foundation

/// The Python interpreter tests use to read our files with the real tools (h5py, tensorboard):
/// $AMPL_TEST_PYTHON, else the venv made by `scripts/bootstrap.sh --with-test-deps`.
public func testPythonPath() -> String {
    let environment = ProcessInfo.processInfo.environment
    if let python = environment["AMPL_TEST_PYTHON"], !python.isEmpty { return python }
    let cache = environment["AMPL_CACHE"] ?? (NSHomeDirectory() + "/.cache/ampl")
    return cache + "/venv/bin/python"
}

/// Runs a Python snippet and returns its standard output. A missing interpreter or a failing script throws,
/// so the test fails with the reason instead of passing silently.
public func runTestPython(_ script: String, arguments: [String] = []) throws -> String {
    let python = testPythonPath()
    guard FileManager.default.isExecutableFile(atPath: python) else {
        throw TestPythonError(description: "no Python interpreter at \(python): run scripts/bootstrap.sh "
                              + "--with-test-deps, or set AMPL_TEST_PYTHON to a python with h5py and tensorboard")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = ["-c", script] + arguments
    let stdout = Pipe()
    process.standardOutput = stdout
    // Standard error goes to a file, so a chatty interpreter cannot fill a pipe nobody is reading yet.
    let errorFile = FileManager.default.temporaryDirectory
        .appendingPathComponent("ampl-python-\(getpid())-\(UUID().uuidString).txt")
    try Data().write(to: errorFile)
    defer { try? FileManager.default.removeItem(at: errorFile) }
    process.standardError = try FileHandle(forWritingTo: errorFile)
    try process.run()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw TestPythonError(description: "\(python) failed (status \(process.terminationStatus)):\n"
                              + ((try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""))
    }
    return String(decoding: output, as: UTF8.self)
}

public struct TestPythonError: Error, CustomStringConvertible {
    public let description: String
}
