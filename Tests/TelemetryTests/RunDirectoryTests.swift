import Foundation
import Testing
@testable import Telemetry

@Suite struct RunDirectoryTests {
    @Test func createsTheFolderAndNamesItsFiles() throws {
        let run = RunDirectory(name: "hc-medium-s0", root: try makeTemporaryDirectory())
        try run.create()
        #expect(FileManager.default.fileExists(atPath: run.checkpointsDirectory.path))
        #expect(run.progressFile.lastPathComponent == "progress.csv")
        #expect(run.configFile.lastPathComponent == "config.yaml")
        #expect(run.curveFile.lastPathComponent == "curve.svg")
        #expect(run.runInfoFile.lastPathComponent == "run.json")
        _ = try TensorBoardWriter(directory: run.url)
        #expect(try run.tensorBoardEventFiles().count == 1)
    }

    @Test func refusesANonEmptyFolderAndSaysWhatToDo() throws {
        let run = RunDirectory(name: "taken", root: try makeTemporaryDirectory())
        try run.create()
        let error = #expect(throws: RunDirectoryError.self) { try run.create() }
        let message = error?.description ?? ""
        #expect(message.contains(run.url.relativePath))
        #expect(message.contains("--resume"))
        #expect(message.contains("--run-dir"))
    }

    @Test func replacingExistingEmptiesTheFolder() throws {
        let run = RunDirectory(name: "again", root: try makeTemporaryDirectory())
        try run.create()
        try Data("old".utf8).write(to: run.progressFile)
        try run.create(replacingExisting: true)
        #expect(!FileManager.default.fileExists(atPath: run.progressFile.path))
        #expect(FileManager.default.fileExists(atPath: run.checkpointsDirectory.path))
    }

    @Test func resumingNeedsTheFolder() throws {
        let run = RunDirectory(name: "never-made", root: try makeTemporaryDirectory())
        #expect(throws: RunDirectoryError.missing(run.url.relativePath)) { try run.openForResume() }
    }
}
