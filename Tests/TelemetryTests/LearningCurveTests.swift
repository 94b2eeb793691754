import Foundation
import Testing
@testable import Telemetry

@Suite struct LearningCurveTests {
    @Test func meanAndStdAcrossRunsAtSharedSteps() throws {
        let curve = try LearningCurve(runs: [
            [(x: 1, y: 10), (x: 2, y: 20), (x: 3, y: 30)],
            [(x: 1, y: 14), (x: 2, y: 24)],
        ], column: "score")
        #expect(curve.points == [CurvePoint(x: 1, mean: 12, std: 2), CurvePoint(x: 2, mean: 22, std: 2)])
        #expect(curve.final == CurvePoint(x: 2, mean: 22, std: 2))
        #expect(curve.best.x == 2)
    }

    @Test func runsWithoutCommonStepsAreAnError() {
        #expect(throws: LearningCurveError.noCommonSteps(column: "score")) {
            try LearningCurve(runs: [[(x: 1, y: 1)], [(x: 2, y: 1)]], column: "score")
        }
    }

    @Test func groupReadsCSVsAndTheBehaviourScoreFromRunJSON() throws {
        let root = try makeTemporaryDirectory()
        let runs = try (0..<2).map { seed in
            let run = RunDirectory(name: "seed\(seed)", root: root)
            try run.create()
            let logger = try CSVLogger(creating: run.progressFile,
                                       columns: ["step", "eval_normalized_score", "epoch_seconds"])
            for step in 1...4 {
                try logger.append(["step": .int(step * 1000), "eval_normalized_score": .double(Double(step + seed)),
                                   "epoch_seconds": 0.5])
            }
            return run
        }
        try RunInfo(dataset: "hopper-medium", behaviorScore: 44.3).write(to: runs[1].runInfoFile)

        let group = try RunGroup(runs: runs)
        #expect(group.behaviorScore == 44.3)
        #expect(group.dataset == "hopper-medium")
        #expect(group.curve.final == CurvePoint(x: 4000, mean: 4.5, std: 0.5))
        let svg = group.plot().render()
        #expect(svg.contains("behaviour policy (44.3)"))
        #expect(svg.contains("AMPL on hopper-medium"))
    }

    @Test func behaviourScoreMayComeFromTheCSV() throws {
        let run = RunDirectory(name: "run", root: try makeTemporaryDirectory())
        try run.create()
        try Data("step,eval_normalized_score,behavior_score\n100,3.5,31.25\n".utf8).write(to: run.progressFile)
        let group = try RunGroup(runs: [run])
        #expect(group.behaviorScore == 31.25)
        #expect(group.dataset == nil)
    }
}
