import Foundation
import NumericsCore
import Testing

/// The run-time choice between the portable Swift kernels and the AVX2 / AVX-512 ones: every path
/// must give the same bits on every shape (each multiplies then adds in the same order, no FMA),
/// so a notebook's numbers do not depend on the student's CPU.
@Suite struct KernelDispatchTests {
    /// Every remainder of the 16-, 8-, 4- and 1-wide column blockings and of the 4-row blocking,
    /// odd inner sizes, and the shapes of the VAE benchmark's layers.
    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (2, 3, 2), (3, 7, 5), (4, 4, 4), (5, 9, 7), (6, 2, 8), (7, 1, 9), (8, 8, 8), (9, 64, 2),
        (11, 13, 15), (13, 5, 11), (16, 64, 64), (17, 33, 6), (50, 64, 64), (50, 64, 16), (50, 128, 64),
        (3, 1, 12), (5, 3, 20), (6, 4, 28), (9, 2, 31), (4, 64, 4), (16, 2, 64),
    ]

    /// The wide paths this CPU can run (possibly none).
    static let widePaths = KernelPath.allCases.filter { $0 != .portable && $0.isSupported }

    static func randomMatrix(_ count: Int, _ g: inout TestGenerator) -> [Double] {
        (0..<count).map { _ in g.nextStandardNormal() }
    }

    static func bits(_ x: [Double]) -> [UInt64] { x.map(\.bitPattern) }

    @Test func dispatchPicksTheWidestSupportedPath() {
        let path = KernelPath.current
        #expect(!path.name.isEmpty)
        #expect(path.isSupported)
        #expect(KernelPath.portable.isSupported)
        switch ProcessInfo.processInfo.environment["SWIFT_INFERENCE_KERNELS"] {
        case "portable": #expect(path == .portable)
        case "avx2": #expect(path.rawValue <= KernelPath.avx2.rawValue)
        default: #expect(path == KernelPath.widestSupported)
        }
        // Forcing a path is seen by the dispatch and undone afterwards.
        for forced in KernelPath.allCases where forced.isSupported {
            #expect(KernelPath.withForced(forced) { KernelPath.current } == forced)
        }
        #expect(KernelPath.current == path)
    }

    @Test func everyWidePathMatchesThePortableBitsOnOddSizes() throws {
        try #require(!Self.widePaths.isEmpty, "this CPU has neither AVX2 nor AVX-512F; only the portable path runs")
        var g = TestGenerator(seed: 31)
        for (n, k, m) in Self.shapes {
            let a = Self.randomMatrix(n * k, &g)
            let b = Self.randomMatrix(k * m, &g)
            let c0 = Self.randomMatrix(n * m, &g)
            let nn = DenseKernels.matMul(a, b, n: n, k: k, m: m, path: .portable)
            let nnAccumulated = DenseKernels.matMul(a, b, n: n, k: k, m: m, path: .portable, accumulateInto: c0)
            // Aᵀ·B with A (k×n) = a read as k×n, B (k×m).
            let tn = DenseKernels.matMulTN(a, b, rows: k, n: n, m: m, path: .portable)
            // A (n×k) · Bᵀ with B (m×k) = b read as m×k.
            let nt = DenseKernels.matMulNT(a, b, n: n, k: k, m: m, path: .portable)
            for path in Self.widePaths {
                let label = "\(path) \(n)×\(k)×\(m)"
                #expect(Self.bits(DenseKernels.matMul(a, b, n: n, k: k, m: m, path: path)) == Self.bits(nn), "NN \(label)")
                #expect(
                    Self.bits(DenseKernels.matMul(a, b, n: n, k: k, m: m, path: path, accumulateInto: c0))
                        == Self.bits(nnAccumulated), "NN+= \(label)")
                #expect(
                    Self.bits(DenseKernels.matMulTN(a, b, rows: k, n: n, m: m, path: path)) == Self.bits(tn), "TN \(label)")
                #expect(
                    Self.bits(DenseKernels.matMulNT(a, b, n: n, k: k, m: m, path: path)) == Self.bits(nt), "NT \(label)")
            }
        }
    }

    /// tanh and the Bernoulli row on every length up to 2 × 512 + 9 (all tails, two log blocks),
    /// with saturated, tiny, zero, negative-zero and NaN inputs among ordinary ones.
    @Test func elementwiseKernelsMatchThePortableBits() throws {
        try #require(!Self.widePaths.isEmpty, "this CPU has neither AVX2 nor AVX-512F; only the portable path runs")
        var g = TestGenerator(seed: 8)
        let specials: [Double] = [0, -0.0, 1e-300, -1e-12, 19.99, -20.5, 400, -800, .nan, .infinity, -.infinity]
        for count in Array(0...40) + [63, 64, 65, 511, 512, 513, 1033] {
            var x = (0..<count).map { _ in 3 * g.nextStandardNormal() }
            for (i, s) in specials.enumerated() where i < count && count % 3 == 0 { x[(i * 7) % count] = s }
            let eta = (0..<count).map { _ in 6 * g.nextStandardNormal() }
            let pixels = (0..<count).map { _ in g.nextUniform() < 0.4 ? 1.0 : 0.0 }
            let tanh = DenseKernels.tanh(x, path: .portable)
            let row = DenseKernels.bernoulliRow(x: pixels, eta: eta, weight: -0.03, path: .portable)
            for path in Self.widePaths {
                #expect(Self.bits(DenseKernels.tanh(x, path: path)) == Self.bits(tanh), "tanh \(path) length \(count)")
                let wide = DenseKernels.bernoulliRow(x: pixels, eta: eta, weight: -0.03, path: path)
                #expect(wide.0.bitPattern == row.0.bitPattern, "Bernoulli value \(path) length \(count)")
                #expect(Self.bits(wide.1) == Self.bits(row.1), "Bernoulli cotangent \(path) length \(count)")
            }
        }
    }
}
