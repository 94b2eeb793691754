import CKernels
import Foundation
import Numerics

/// Why the elementwise loops live in a C target: the same Adam loop written in Swift vectorises only when the
/// whole target is built with `-Xcc -fno-math-errno` (an `unsafeFlags` setting, which would stop other packages
/// from depending on this one), because Linux's `squareRoot()` keeps errno semantics. The C kernel needs no flag.
/// `ampl bench kernels` times both; build with `-Xswiftc -Xcc -Xswiftc -fno-math-errno` to see the flagged Swift loop.
public enum KernelBenchmarks {
    public struct Timing: Codable, Sendable {
        public let kernel: String
        public let elements: Int
        public let microseconds: Double
    }

    public static func run(elements n: Int = 200_000) -> [Timing] {
        let p = FloatStorage(count: n), g = FloatStorage(count: n), m = FloatStorage(count: n), v = FloatStorage(count: n)
        var rng = RandomStream(seed: 4, purpose: .test)
        rng.fillNormal(p.buffer)
        rng.fillNormal(g.buffer)
        let c = Stopwatch.rate {
            ampl_adam_step(n, p.pointer, g.pointer, m.pointer, v.pointer, 1e-3, 0.9, 0.999, 1e-8, 0, 0.5, 0.5)
        }
        let swift = Stopwatch.rate { swiftAdam(n, p.pointer, g.pointer, m.pointer, v.pointer) }
        return [Timing(kernel: "adam, C kernel (target_clones, no flags)", elements: n, microseconds: 1e6 / c),
                Timing(kernel: "adam, Swift loop over pointers (this build's flags)", elements: n, microseconds: 1e6 / swift)]
    }

    /// The reference Swift loop: the same arithmetic as `ampl_adam_step`.
    @inline(never)
    static func swiftAdam(_ n: Int, _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
                          _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>) {
        let step: Float = 1e-3 / 0.5, inverseRootCorrection2: Float = 1 / Float(0.5).squareRoot()
        for i in 0..<n {
            let grad = g[i]
            let mi = 0.9 * m[i] + 0.1 * grad
            let vi = 0.999 * v[i] + 0.001 * grad * grad
            m[i] = mi
            v[i] = vi
            p[i] -= step * mi / (vi.squareRoot() * inverseRootCorrection2 + 1e-8)
        }
    }
}
