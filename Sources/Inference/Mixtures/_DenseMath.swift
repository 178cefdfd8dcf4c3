#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif

// Small dense kernels for the mixture code: Cholesky factors of d × d matrices, triangular inverses and
// log-sum-exp. Matrices are row-major `[Double]` of length d·d. Kept inside `Mixtures/` so that EM's hot
// loop does not depend on the general linear-algebra module.

/// ½·log(2π).
let _halfLogTwoPi = 0.918_938_533_204_672_741_78

/// The lower Cholesky factor L (L·Lᵀ = a) of a symmetric d × d matrix, or nil when `a` is not positive
/// definite (a pivot that is not positive and finite). Only the lower triangle of `a` is read.
func _choleskyLower(_ a: [Double], dimension d: Int) -> [Double]? {
    var l = [Double](repeating: 0, count: d * d)
    for j in 0..<d {
        var pivot = a[j * d + j]
        for k in 0..<j { pivot -= l[j * d + k] * l[j * d + k] }
        guard pivot > 0, pivot.isFinite else { return nil }
        let ljj = pivot.squareRoot()
        l[j * d + j] = ljj
        for i in (j + 1)..<d {
            var s = a[i * d + j]
            for k in 0..<j { s -= l[i * d + k] * l[j * d + k] }
            l[i * d + j] = s / ljj
        }
    }
    return l
}

/// The inverse of a lower-triangular d × d matrix with a positive diagonal (also lower triangular).
func _inverseLower(_ l: [Double], dimension d: Int) -> [Double] {
    var w = [Double](repeating: 0, count: d * d)
    for i in 0..<d {
        w[i * d + i] = 1 / l[i * d + i]
        for j in 0..<i {
            // Row i of W: solve L·W = I column by column, forward substitution.
            var s = 0.0
            for k in j..<i { s += l[i * d + k] * w[k * d + j] }
            w[i * d + j] = -s / l[i * d + i]
        }
    }
    return w
}

/// log Σ exp(values), without overflow or underflow; −∞ for an empty array or all −∞.
func _logSumExp(_ values: [Double]) -> Double {
    guard let m = values.max(), m > -Double.infinity else { return -Double.infinity }
    if m == .infinity { return .infinity }
    var s = 0.0
    for v in values { s += exp(v - m) }
    return m + log(s)
}

/// Checks that every entry of a data matrix is finite, naming the first one that is not.
func _checkFinite(_ data: DataMatrix, what: String = "data") throws {
    let d = data.columnCount
    for (index, v) in data.values.enumerated() where !v.isFinite {
        throw InferenceError(.invalidInput, "\(what) row \(index / max(d, 1)), column \(index % max(d, 1)) is \(v)")
    }
}
