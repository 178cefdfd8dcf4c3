import Foundation
import NumericsCore
import Testing

/// The blocked matrix kernels and vectorised elementary functions behind `DenseNetwork` and `VAE`,
/// against plain loops and the C library.
@Suite struct DenseKernelTests {
    static func randomMatrix(_ count: Int, _ g: inout TestGenerator) -> [Double] {
        (0..<count).map { _ in g.nextStandardNormal() }
    }

    /// Largest |a − b| / (1 + |b|).
    static func maxError(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count)
        return zip(a, b).map { abs($0 - $1) / (1 + abs($1)) }.max() ?? 0
    }

    /// Sizes with remainders in every blocking direction (1–3 past a multiple of 4, odd inner sizes).
    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (1, 7, 3), (3, 2, 5), (4, 4, 4), (5, 9, 7), (7, 1, 9), (9, 64, 2), (13, 5, 11), (50, 64, 64), (17, 33, 6),
    ]

    @Test func blockedProductsMatchTripleLoops() {
        var g = TestGenerator(seed: 21)
        for (n, k, m) in Self.shapes {
            let a = Self.randomMatrix(n * k, &g)
            let b = Self.randomMatrix(k * m, &g)
            var naive = [Double](repeating: 0, count: n * m)
            for i in 0..<n { for j in 0..<m { for p in 0..<k { naive[i * m + j] += a[i * k + p] * b[p * m + j] } } }
            #expect(Self.maxError(DenseKernels.matMul(a, b, n: n, k: k, m: m), naive) < 1e-14, "NN \(n)×\(k)×\(m)")
            // Aᵀ·B with A = (k×n): transpose a into k×n.
            var at = [Double](repeating: 0, count: k * n)
            for i in 0..<n { for p in 0..<k { at[p * n + i] = a[i * k + p] } }
            #expect(Self.maxError(DenseKernels.matMulTN(at, b, rows: k, n: n, m: m), naive) < 1e-14, "TN \(n)×\(k)×\(m)")
            // A·Bᵀ with B = (m×k).
            var bt = [Double](repeating: 0, count: m * k)
            for p in 0..<k { for j in 0..<m { bt[j * k + p] = b[p * m + j] } }
            #expect(Self.maxError(DenseKernels.matMulNT(a, bt, n: n, k: k, m: m), naive) < 1e-14, "NT \(n)×\(k)×\(m)")
            var sums = [Double](repeating: 0, count: m)
            for p in 0..<k { for j in 0..<m { sums[j] += b[p * m + j] } }
            #expect(Self.maxError(DenseKernels.columnSums(b, rows: k, columns: m), sums) < 1e-14)
        }
    }

    /// A·Bᵀ does not depend on where a row sits in the blocking: row i alone gives the same bits.
    @Test func productRowsDoNotDependOnBlocking() {
        var g = TestGenerator(seed: 22)
        let (n, k, m) = (11, 37, 9)
        let a = Self.randomMatrix(n * k, &g)
        let b = Self.randomMatrix(m * k, &g)
        let whole = DenseKernels.matMulNT(a, b, n: n, k: k, m: m)
        for i in 0..<n {
            let row = DenseKernels.matMulNT(Array(a[(i * k)..<((i + 1) * k)]), b, n: 1, k: k, m: m)
            #expect(row == Array(whole[(i * m)..<((i + 1) * m)]))
        }
        let bb = Self.randomMatrix(k * m, &g)
        let nn = DenseKernels.matMul(a, bb, n: n, k: k, m: m)
        for i in 0..<n {
            let row = DenseKernels.matMul(Array(a[(i * k)..<((i + 1) * k)]), bb, n: 1, k: k, m: m)
            #expect(row == Array(nn[(i * m)..<((i + 1) * m)]))
        }
    }

    /// tanh within 10⁻¹⁵ relative (a few units in the last place) of the C library from 10⁻³⁰⁰ to beyond saturation, odd,
    /// identical in the vector and scalar paths, and NaN-preserving.
    @Test func tanhIsAccurate() {
        var xs: [Double] = [0, -0.0, 1e-300, 1e-20, 1e-8, 1e-3, 0.1, 0.3465, 0.3466, 0.5, 1, 2, 5, 10, 19.9, 20, 21, 40, 700, 1e10, .infinity]
        var g = TestGenerator(seed: 23)
        for _ in 0..<20_000 { xs.append(g.nextStandardNormal() * 3) }
        for _ in 0..<2_000 { xs.append(exp(-40 * g.nextUniform())) }
        xs += xs.map { -$0 }
        let vector = DenseKernels.tanh(xs)
        var worst = 0.0
        for (x, y) in zip(xs, vector) {
            let reference = Foundation.tanh(x)
            let error = reference == 0 ? abs(y) : abs(y - reference) / abs(reference)
            worst = max(worst, error)
            #expect(y.bitPattern == SIMDMath.tanh(x).bitPattern)
            #expect(y.sign == x.sign)
        }
        #expect(worst < 1e-15, "worst relative error \(worst)")
        #expect(DenseKernels.tanh([.nan, 1, .nan, 2, 3])[0].isNaN)
    }

    @Test func expIsAccurate() {
        var g = TestGenerator(seed: 24)
        var worst = 0.0
        for _ in 0..<20_000 {
            let x = (g.nextUniform() * 2 - 1) * 700
            worst = max(worst, abs(SIMDMath.exp(x) - Foundation.exp(x)) / Foundation.exp(x))
        }
        for x in [-1e-12, 0, 1e-12, 0.5, -0.5, 1, -1] {
            worst = max(worst, abs(SIMDMath.exp(x) - Foundation.exp(x)) / Foundation.exp(x))
        }
        #expect(worst < 4e-16, "worst relative error \(worst)")
        #expect(SIMDMath.exp(-1000) > 0 && SIMDMath.exp(-1000) < 1e-300)
        #expect(SIMDMath.exp(.nan).isNaN)
    }

    /// The Bernoulli row (one logarithm per 512 pixels) against per-pixel log1p, for widths that
    /// leave 0–3 tail pixels and cross the 512-pixel block.
    @Test func bernoulliRowMatchesPerPixelFormula() {
        var g = TestGenerator(seed: 25)
        for d in [1, 2, 3, 4, 5, 7, 64, 65, 511, 512, 513, 1030] {
            let eta = (0..<d).map { _ in 6 * g.nextStandardNormal() }
            let x = (0..<d).map { _ in g.nextUniform() < 0.4 ? 1.0 : 0.0 }
            var reference = 0.0
            var cotangent: [Double] = []
            for i in 0..<d {
                reference += x[i] * eta[i] - (max(eta[i], 0) + log1p(exp(-abs(eta[i]))))
                cotangent.append(-0.25 * (x[i] - 1 / (1 + exp(-eta[i]))))
            }
            let (value, c) = DenseKernels.bernoulliRow(x: x, eta: eta, weight: -0.25)
            #expect(abs(value - reference) <= 1e-14 * max(1, abs(reference)), "d = \(d): \(value) vs \(reference)")
            #expect(Self.maxError(c, cotangent) < 1e-15, "d = \(d)")
        }
        // Saturated logits stay finite and exact to rounding; a NaN logit makes the row NaN.
        let (big, _) = DenseKernels.bernoulliRow(x: [1, 0, 1, 0, 1], eta: [800, -800, -800, 800, 30], weight: 1)
        #expect(abs(big - (-1600 - log1p(exp(-30)))) < 1e-12)
        #expect(DenseKernels.bernoulliRow(x: [1, 0], eta: [.nan, 1], weight: 1).0.isNaN)
    }
}
