import Environments
import Foundation
import Numerics
import Testing

/// Names, specs, reference scores and model loading.
struct CatalogTests {
    @Test(arguments: [
        ("halfcheetah", EnvironmentKind.halfCheetah), ("halfcheetah-medium-v2", .halfCheetah),
        ("HalfCheetah-v4", .halfCheetah), ("hopper_medium_replay-v2.hdf5", .hopper),
        ("datasets/walker2d-medium-expert.hdf5", .walker2d), ("walker2d", .walker2d), ("pendulum", .pendulum),
    ])
    func namesResolve(name: String, kind: EnvironmentKind) throws {
        #expect(try EnvironmentKind(name: name) == kind)
    }

    @Test func unknownNamesAreRejectedWithTheKnownList() {
        for name in ["ant-medium-v2", "cheetah", ""] {
            #expect(throws: EnvironmentError.unknownEnvironment(name: name)) { try EnvironmentKind(name: name) }
        }
        #expect(EnvironmentError.unknownEnvironment(name: "x").description.contains("halfcheetah, hopper"))
    }

    @Test func specsMatchTheModels() throws {
        for kind in EnvironmentKind.allCases {
            let environment = try kind.makeEnvironment()
            let spec = kind.spec
            #expect(environment.spec == spec)
            #expect(environment.qpos.count == spec.positionCount && environment.qvel.count == spec.velocityCount)
            var rng = RandomStream(seed: 0, purpose: .test)
            #expect(environment.reset(rng: &rng).count == spec.observationDimension)
        }
        #expect(HalfCheetah.spec.observationDimension == 17 && HalfCheetah.spec.actionDimension == 6)
        #expect(Hopper.spec.observationDimension == 11 && Hopper.spec.actionDimension == 3)
        #expect(Walker2d.spec.observationDimension == 17 && Walker2d.spec.actionDimension == 6)
        #expect(EnvironmentKind.allCases.allSatisfy { $0 == .pendulum || $0.spec.maxEpisodeSteps == 1000 })
    }

    @Test func normalizedScoreIsD4RLTimesHundred() {
        #expect(HalfCheetah.spec.normalizedScore(-280.178953) == 0)
        #expect(HalfCheetah.spec.normalizedScore(12135.0) == 100)
        let hopperMidpoint = (-20.272305 + 3234.3) / 2
        #expect(abs(Hopper.spec.normalizedScore(hopperMidpoint) - 50) < 1e-9)
        #expect(abs(Walker2d.spec.normalizedScore(1.629008 + 4590.670992 / 4) - 25) < 1e-9)
        #expect(abs(ReferenceScores.ant.normalizedScore(3879.7 + 4205.3) - 200) < 1e-9)
    }

    @Test func missingModelFileErrorNamesThePathAndTheFix() {
        let directory = "/nonexistent/ampl-models"
        do {
            _ = try makeEnvironment(name: "hopper", modelsDirectory: directory)
            Issue.record("expected an error")
        } catch {
            let message = "\(error)"
            #expect(message.contains("/nonexistent/ampl-models/hopper.xml"))
            #expect(message.contains("scripts/bootstrap.sh"))
        }
    }

    @Test func unreadableModelReportsMuJoCosReason() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ampl-env-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "<mujoco><worldbody>".write(to: directory.appendingPathComponent("walker2d.xml"), atomically: true, encoding: .utf8)
        #expect {
            try makeEnvironment(name: "walker2d", modelsDirectory: directory.path)
        } throws: { error in
            "\(error)".contains(directory.appendingPathComponent("walker2d.xml").path)
        }
    }

    @Test func defaultModelsDirectoryHonoursAMPLCache() {
        #expect(MuJoCoModels.defaultDirectory(processEnvironment: ["AMPL_CACHE": "/data/cache", "HOME": "/home/u"])
            == "/data/cache/mujoco/gymnasium-1.4.0")
        #expect(MuJoCoModels.defaultDirectory(processEnvironment: ["HOME": "/home/u"])
            == "/home/u/.cache/ampl/mujoco/gymnasium-1.4.0")
    }
}
