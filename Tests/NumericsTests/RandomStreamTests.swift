import Foundation
import Numerics
import Testing

@Suite("Keyed random streams")
struct RandomStreamTests {
    @Test func sameKeySameNumbersDifferentKeysDiffer() {
        var a = RandomStream(seed: 7, purpose: .modelNoise, 3, 1)
        var b = RandomStream(seed: 7, purpose: .modelNoise, 3, 1)
        var c = RandomStream(seed: 7, purpose: .modelNoise, 3, 2)
        var d = RandomStream(seed: 7, purpose: .eliteChoice, 3, 1)
        let xa = (0..<8).map { _ in a.next() }
        #expect(xa == (0..<8).map { _ in b.next() })
        #expect(xa != (0..<8).map { _ in c.next() })
        #expect(xa != (0..<8).map { _ in d.next() })
    }

    @Test func stateRoundTripContinuesTheSequence() throws {
        var a = RandomStream(seed: 1, purpose: .batchSampling)
        for _ in 0..<10 { _ = a.next() }
        let saved = try JSONEncoder().encode(a)
        var b = try JSONDecoder().decode(RandomStream.self, from: saved)
        #expect((0..<5).map { _ in a.next() } == (0..<5).map { _ in b.next() })
    }

    @Test func distributions() {
        var rng = RandomStream(seed: 2, purpose: .test)
        let n = 200_000
        let normals = FloatStorage(count: n)
        rng.fillNormal(normals.buffer, mean: 1, std: 2)
        let mean = normals.buffer.reduce(0.0) { $0 + Double($1) } / Double(n)
        let variance = normals.buffer.reduce(0.0) { $0 + pow(Double($1) - mean, 2) } / Double(n)
        #expect(abs(mean - 1) < 0.02 && abs(variance - 4) < 0.05)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[rng.int(below: 7)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 400 })
        let u = (0..<10_000).map { _ in rng.uniform(-3, 3) }
        #expect(u.allSatisfy { $0 >= -3 && $0 < 3 })
        #expect(Set(rng.permutation(50)) == Set(0..<50))
    }

    @Test func crc32cKnownValue() {
        // The CRC-32C check value of "123456789" (RFC 3720, appendix B.4).
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum(Array("56789".utf8), continuing: CRC32C.checksum(Array("1234".utf8))) == 0xE306_9283)
    }
}
