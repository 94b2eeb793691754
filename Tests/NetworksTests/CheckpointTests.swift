import Foundation
import Numerics
import Testing
@testable import Networks

@Suite("Checkpoint files")
struct CheckpointTests {
    func makeNetwork(seed: UInt64) -> (MLP, ParameterBuffer, Adam) {
        var layout = ParameterLayout()
        let mlp = MLP("actor", sizes: [4, 8, 2], hidden: .leakyReLU, layout: &layout)
        let params = ParameterBuffer(name: "actor", layout: layout)
        var rng = RandomStream(seed: seed, purpose: .initialization)
        mlp.initialize(params: params, rng: &rng)
        rng.fillNormal(params.firstMoment.buffer)
        rng.fillNormal(params.secondMoment.buffer)
        var adam = Adam(AdamConfig(learningRate: 2e-4, beta1: 0.4), layout: layout)
        adam.step = 17
        return (mlp, params, adam)
    }

    func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("ampl-ckpt-\(getpid())-\(name)")
    }

    @Test func roundTripIsBitExact() throws {
        let (_, params, adam) = makeNetwork(seed: 1)
        var writer = CheckpointWriter()
        try writer.add(params, optimizer: adam)
        writer.add("extra", bytes: [1, 2, 3])
        let url = temporaryFile("roundtrip")
        defer { try? FileManager.default.removeItem(at: url) }
        try writer.write(to: url)

        let (_, restored, _) = makeNetwork(seed: 2)
        var restoredAdam = Adam(AdamConfig(learningRate: 1), layout: restored.layout)
        let reader = try CheckpointReader(contentsOf: url)
        try reader.restore(restored, optimizer: &restoredAdam)
        // Compare bit patterns, so that −0 vs 0 or NaN payloads would count as differences.
        for (a, b) in [(params.values, restored.values), (params.firstMoment, restored.firstMoment),
                       (params.secondMoment, restored.secondMoment)] {
            #expect(a.toArray().map(\.bitPattern) == b.toArray().map(\.bitPattern))
        }
        #expect(restoredAdam.step == 17 && restoredAdam.config == adam.config)
        #expect(try reader.bytes("extra") == [1, 2, 3])
    }

    @Test func truncatedFileIsRejectedNamingTheFile() throws {
        let (_, params, _) = makeNetwork(seed: 3)
        var writer = CheckpointWriter()
        try writer.add(params)
        let bytes = try writer.encoded()
        let url = temporaryFile("truncated")
        defer { try? FileManager.default.removeItem(at: url) }
        for cut in [3, 20, bytes.count / 2, bytes.count - 1] {
            try Data(bytes[0..<cut]).write(to: url)
            #expect(throws: CheckpointError.self) { try CheckpointReader(contentsOf: url) }
            do { _ = try CheckpointReader(contentsOf: url) } catch {
                #expect("\(error)".contains(url.path) && "\(error)".contains("truncated"), "\(error)")
            }
        }
    }

    @Test func flippedBitsAreRejectedAsCorruption() throws {
        let (_, params, _) = makeNetwork(seed: 4)
        var writer = CheckpointWriter()
        try writer.add(params)
        let bytes = try writer.encoded()
        let url = temporaryFile("corrupt")
        defer { try? FileManager.default.removeItem(at: url) }
        for position in [30, bytes.count - 40] {           // one in the header, one in the payload
            var damaged = bytes
            damaged[position] ^= 0x10
            try Data(damaged).write(to: url)
            do {
                _ = try CheckpointReader(contentsOf: url)
                Issue.record("corruption at byte \(position) was not detected")
            } catch {
                #expect("\(error)".contains(url.path) && "\(error)".contains("corrupted"), "\(error)")
            }
        }
        try Data("not a checkpoint at all".utf8).write(to: url)
        #expect(throws: CheckpointError.notACheckpoint(path: url.path)) { try CheckpointReader(contentsOf: url) }
    }

    @Test func layoutMismatchIsReported() throws {
        let (_, params, _) = makeNetwork(seed: 5)
        var writer = CheckpointWriter()
        try writer.add(params)
        let url = temporaryFile("layout")
        defer { try? FileManager.default.removeItem(at: url) }
        try writer.write(to: url)
        var layout = ParameterLayout()
        _ = MLP("actor", sizes: [4, 9, 2], hidden: .relu, layout: &layout)
        let other = ParameterBuffer(name: "actor", layout: layout)
        do {
            try CheckpointReader(contentsOf: url).restore(other)
            Issue.record("a different layout was accepted")
        } catch { #expect("\(error)".contains("layout")) }
    }
}
