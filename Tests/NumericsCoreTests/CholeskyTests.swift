import Foundation
import NumericsCore
import Testing

/// Cholesky factor, triangular solves, inverse and log-determinant against closed forms.
@Suite struct CholeskyTests {
    /// L = [[2, 0, 0], [1, 3, 0], [−1, 2, 4]] and A = L Lᵀ, written out by hand.
    static let l: [Double] = [2, 0, 0, 1, 3, 0, -1, 2, 4]
    static let a: [Double] = [4, 2, -2, 2, 10, 5, -2, 5, 21]

    @Test func factorRecoversAKnownFactor() throws {
        let factor = try Cholesky.lower(Self.a, dimension: 3)
        #expect(isClose(factor, Self.l))
        #expect(isClose(Cholesky.logDeterminant(factor, dimension: 3), 2 * Foundation.log(24.0)))
    }

    @Test func onlyTheLowerTriangleIsRead() throws {
        var a = Self.a
        a[1] = .nan
        a[2] = 1e300
        #expect(isClose(try Cholesky.lower(a, dimension: 3), Self.l))
    }

    @Test func solvesInvertTheFactor() {
        let x: [Double] = [1, -2, 0.5]
        let lx = Cholesky.multiplyLower(Self.l, x)
        #expect(lx == [2, -5, -3])
        #expect(isClose(Cholesky.solveLower(Self.l, lx), x))
        // Lᵀ x = [2·1 + 1·(−2) − 1·0.5, 3·(−2) + 2·0.5, 4·0.5].
        #expect(isClose(Cholesky.solveUpper(Self.l, [-0.5, -5, 2]), x))
        let w = Cholesky.inverseLower(Self.l, dimension: 3)
        for i in 0..<3 {
            for j in 0..<3 {
                var s = 0.0
                for k in 0..<3 { s += w[i * 3 + k] * Self.l[k * 3 + j] }
                #expect(isClose(s, i == j ? 1 : 0), "(W L)[\(i), \(j)] = \(s)")
            }
        }
    }

    /// Random SPD matrices A = B Bᵀ + I: L Lᵀ reproduces A to rounding.
    @Test func randomMatricesAreReproduced() throws {
        var g = TestGenerator(seed: 3)
        for n in [1, 2, 5, 9] {
            let b = (0..<(n * n)).map { _ in g.nextStandardNormal() }
            var a = [Double](repeating: 0, count: n * n)
            for i in 0..<n { for j in 0..<n { for k in 0..<n { a[i * n + j] += b[i * n + k] * b[j * n + k] } } }
            for i in 0..<n { a[i * n + i] += 1 }
            let l = try Cholesky.lower(a, dimension: n)
            var back = [Double](repeating: 0, count: n * n)
            for i in 0..<n { for j in 0..<n { for k in 0..<n { back[i * n + j] += l[i * n + k] * l[j * n + k] } } }
            #expect(isClose(back, a, 1e-13), "n = \(n)")
        }
    }

    @Test func failuresNameThePivot() {
        // [[1, 2], [2, 4]] is singular: the second pivot is 4 − 2² = 0.
        #expect(throws: Cholesky.NotPositiveDefinite(pivot: 1, value: 0)) {
            try Cholesky.lower([1, 2, 2, 4], dimension: 2)
        }
        #expect(throws: Cholesky.NotPositiveDefinite(pivot: 0, value: -1)) {
            try Cholesky.lower([-1, 0, 0, 1], dimension: 2)
        }
        // Positive but rounding noise next to the diagonal: rejected only with a relative tolerance.
        let nearlySingular: [Double] = [1, 1, 1, 1 + 1e-15]
        #expect((try? Cholesky.lower(nearlySingular, dimension: 2)) != nil)
        #expect(throws: Cholesky.NotPositiveDefinite.self) {
            try Cholesky.lower(nearlySingular, dimension: 2, relativePivotTolerance: 1e-14)
        }
    }
}
