internal import SystemLibC

/// The Cholesky factorisation `A = L Lᵀ` of a symmetric positive-definite matrix, and the triangular
/// solves that go with it, on row-major `[Double]` of length n·n.
///
/// Every routine here is the one copy in the package: `CholeskyFactor` (the public type of `Inference`),
/// the mixture E-step and the linear-Gaussian VAE call these.
///
/// Error bounds (Higham, *Accuracy and Stability of Numerical Algorithms*, §10.1 and §8.1): the computed
/// factor satisfies `L̂ L̂ᵀ = A + ΔA` with `|ΔA| ≤ γₙ₊₁ |L̂||L̂ᵀ|`, γₙ = n·u/(1 − n·u), u = 2⁻⁵³; a
/// triangular solve gives the exact solution of `(L + ΔL) x = b` with `|ΔL| ≤ γₙ |L|`. Each entry is
/// summed over k in increasing order, so results do not depend on the caller.
public enum Cholesky {
    /// The factorisation failed at a pivot: the matrix is not positive definite to working precision.
    public struct NotPositiveDefinite: Error, Sendable, Hashable {
        /// The index of the first pivot that was not positive (or not finite).
        public var pivot: Int
        /// Its value, `a_jj − Σₖ l_jk²`.
        public var value: Double

        public init(pivot: Int, value: Double) {
            self.pivot = pivot
            self.value = value
        }
    }

    /// The lower factor `L` of a symmetric n×n matrix; only the lower triangle of `a` is read.
    ///
    /// - Parameters:
    ///   - a: the matrix, row-major, `dimension²` entries.
    ///   - dimension: n.
    ///   - relativePivotTolerance: a pivot must exceed this multiple of |a_jj| (0 accepts any positive,
    ///     finite pivot; 10⁻¹⁴ rejects matrices singular to working precision).
    /// - Returns: L, row-major, zero above the diagonal.
    /// - Throws: `NotPositiveDefinite` naming the first failing pivot.
    /// - Complexity: O(n³/3).
    public static func lower(
        _ a: [Double], dimension n: Int, relativePivotTolerance: Double = 0
    ) throws(NotPositiveDefinite) -> [Double] {
        precondition(a.count == n * n, "Cholesky: \(a.count) entries for a \(n)×\(n) matrix")
        var l = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var pivot = a[j * n + j]
            for k in 0..<j { pivot -= l[j * n + k] * l[j * n + k] }
            guard pivot > 0, pivot.isFinite, pivot > relativePivotTolerance * abs(a[j * n + j]) else {
                throw NotPositiveDefinite(pivot: j, value: pivot)
            }
            let ljj = pivot.squareRoot()
            l[j * n + j] = ljj
            for i in (j + 1)..<n {
                var s = a[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = s / ljj
            }
        }
        return l
    }

    /// Solves `L y = b` by forward substitution (L lower triangular with a nonzero diagonal).
    /// - Complexity: O(n²).
    public static func solveLower(_ l: [Double], _ b: [Double]) -> [Double] {
        let n = b.count
        precondition(l.count == n * n, "Cholesky.solveLower: factor and right-hand side differ in size")
        var y = b
        for i in 0..<n {
            var s = y[i]
            for k in 0..<i { s -= l[i * n + k] * y[k] }
            y[i] = s / l[i * n + i]
        }
        return y
    }

    /// Solves `Lᵀ x = y` by back substitution, reading L (lower triangular) by columns.
    /// - Complexity: O(n²).
    public static func solveUpper(_ l: [Double], _ y: [Double]) -> [Double] {
        let n = y.count
        precondition(l.count == n * n, "Cholesky.solveUpper: factor and right-hand side differ in size")
        var x = y
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = x[i]
            for k in (i + 1)..<n { s -= l[k * n + i] * x[k] }
            x[i] = s / l[i * n + i]
        }
        return x
    }

    /// `L v` for lower-triangular L: maps standard normal draws to draws with covariance `L Lᵀ`.
    /// - Complexity: O(n²).
    public static func multiplyLower(_ l: [Double], _ v: [Double]) -> [Double] {
        let n = v.count
        precondition(l.count == n * n, "Cholesky.multiplyLower: factor and vector differ in size")
        var r = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var s = 0.0
            for k in 0...i { s += l[i * n + k] * v[k] }
            r[i] = s
        }
        return r
    }

    /// `L⁻¹` for lower-triangular L with a nonzero diagonal (also lower triangular), row by row.
    /// - Complexity: O(n³/6).
    public static func inverseLower(_ l: [Double], dimension n: Int) -> [Double] {
        precondition(l.count == n * n, "Cholesky.inverseLower: \(l.count) entries for a \(n)×\(n) matrix")
        var w = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            w[i * n + i] = 1 / l[i * n + i]
            for j in 0..<i {
                var s = 0.0
                for k in j..<i { s += l[i * n + k] * w[k * n + j] }
                w[i * n + j] = -s / l[i * n + i]
            }
        }
        return w
    }

    /// `log det(L Lᵀ) = 2 Σ log Lᵢᵢ`; absolute error about 2n·u·max|log Lᵢᵢ|.
    public static func logDeterminant(_ l: [Double], dimension n: Int) -> Double {
        var s = 0.0
        for i in 0..<n { s += log(l[i * n + i]) }
        return 2 * s
    }
}
