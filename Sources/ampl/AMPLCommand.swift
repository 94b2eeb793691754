import ArgumentParser
import Numerics

/// The `ampl` command line: one subcommand per verb; each lives in its own file and holds no training logic.
@main
struct AMPLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ampl",
        abstract: "Offline Alternating Model-Policy Learning: train, evaluate, make datasets, benchmark.",
        version: AMPLVersion.string,
        subcommands: [
            TrainCommand.self,
            WorkerCommand.self,
            BenchCommand.self,
            BehaviorCommand.self,
            PlotCommand.self,
            EvaluateCommand.self,
            KeygenCommand.self,
            DatasetCommand.self,
            SystemCommand.self,
        ]
    )

    /// Chooses the BLAS kernels (which may start the program again) before parsing anything.
    static func main() {
        BLASKernelRestart.restartIfNeeded()
        main(nil)
    }
}

enum AMPLVersion {
    static let string = "0.1.0"
}
