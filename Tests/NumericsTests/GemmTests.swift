import Numerics
import Testing

@Suite("gemm against a naive Float64 product")
struct GemmTests {
    /// Every transpose layout, including the vector shapes (m = 1, n = 1) that go through sgemv, and beta.
    @Test(arguments: [(5, 4, 3), (1, 4, 3), (5, 1, 3), (1, 1, 3), (6, 7, 1)])
    func allLayouts(_ shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        var rng = RandomStream(seed: 1, purpose: .test)
        for transA in [Transpose.none, .transposed] {
            for transB in [Transpose.none, .transposed] {
                let a = FloatStorage(count: m * k), b = FloatStorage(count: k * n), c = FloatStorage(count: m * n)
                rng.fillNormal(a.buffer)
                rng.fillNormal(b.buffer)
                rng.fillNormal(c.buffer)
                let c0 = c.toArray()
                let am = transA == .none ? a.matrix(rows: m, cols: k) : a.matrix(rows: k, cols: m)
                let bm = transB == .none ? b.matrix(rows: k, cols: n) : b.matrix(rows: n, cols: k)
                gemm(am, bm, into: c.matrix(rows: m, cols: n), transA: transA, transB: transB, alpha: 0.5, beta: 2)
                for i in 0..<m {
                    for j in 0..<n {
                        var sum = 0.0
                        for p in 0..<k {
                            let aip = transA == .none ? am[i, p] : am[p, i]
                            let bpj = transB == .none ? bm[p, j] : bm[j, p]
                            sum += Double(aip) * Double(bpj)
                        }
                        let expected = 0.5 * sum + 2 * Double(c0[i * n + j])
                        #expect(abs(Double(c[i * n + j]) - expected) < 1e-4, "\(shape) \(transA) \(transB) [\(i),\(j)]")
                    }
                }
            }
        }
    }
}
