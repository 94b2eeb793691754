// Shows ProgressLine text: on a terminal one line rewritten in place, elsewhere (a log file, a Slurm
// output) one plain line per update so the log reads as a history.
import Foundation

/// Not thread-safe: one trainer loop owns it.
public final class ProgressPrinter {
    private let output: FileHandle
    private let rewritesInPlace: Bool
    private var lineIsOpen = false

    /// Writes to standard error by default, so standard output stays free for results.
    public init(output: FileHandle = .standardError) {
        self.output = output
        rewritesInPlace = isatty(output.fileDescriptor) == 1
    }

    public func show(_ line: ProgressLine) {
        if rewritesInPlace {
            // Carriage return, then erase the old line (ANSI "erase in line"), then the new text.
            write("\r\u{1B}[2K" + line.text)
            lineIsOpen = true
        } else {
            write(line.text + "\n")
        }
    }

    /// Prints a message on its own line (an evaluation result, a warning) without garbling the status.
    public func log(_ message: String) {
        finishLine()
        write(message + "\n")
    }

    /// Ends the rewritten line so whatever prints next starts on a fresh one.
    public func finishLine() {
        if lineIsOpen { write("\n") }
        lineIsOpen = false
    }

    private func write(_ text: String) {
        // A status line that cannot be shown (closed pipe) is not worth stopping training for.
        try? output.write(contentsOf: Data(text.utf8))
    }
}
