internal import NumericsCore

/// The Cholesky factorisation `A = L Lᵀ` of a symmetric positive-definite matrix.
///
/// Holds the lower-triangular factor `L`; solves, log-determinants and Mahalanobis distances go
/// through it without ever forming `A⁻¹`.
public struct CholeskyFactor: Sendable, Hashable {
    /// The lower-triangular factor `L` (entries above the diagonal are zero).
    public let lower: Matrix

    /// The dimension `n` of the `n`×`n` matrix.
    public var dimension: Int { lower.rows }

    /// Factorises a symmetric positive-definite matrix.
    ///
    /// - Parameters:
    ///   - matrix: a symmetric positive-definite matrix; only its lower triangle is read, after a
    ///     symmetry check.
    ///   - name: what to call the matrix in error messages (e.g. "covariance").
    /// - Throws: `InferenceError(.dimensionMismatch)` when not square, `.invalidInput` when not
    ///   symmetric or not finite, `.notPositiveDefinite` naming the first failing pivot.
    /// - Complexity: O(n³/3).
    public init(_ matrix: Matrix, name: String = "matrix") throws {
        guard matrix.rows == matrix.columns else {
            throw InferenceError(.dimensionMismatch, "\(name) is \(matrix.rows)×\(matrix.columns), not square")
        }
        try _requireFinite(matrix.entries, name)
        guard matrix.isSymmetric(tolerance: 1e-10) else {
            throw InferenceError(.invalidInput, "\(name) is not symmetric")
        }
        let n = matrix.rows
        do {
            // A relative pivot threshold: a pivot that is rounding noise compared with the diagonal
            // means the matrix is singular to working precision.
            let l = try Cholesky.lower(matrix.entries, dimension: n, relativePivotTolerance: 1e-14)
            self.lower = try! Matrix(rows: n, columns: n, entries: l)
        } catch {
            throw InferenceError(
                .notPositiveDefinite,
                "\(name) is not positive definite (pivot \(error.pivot) is \(error.value)); it is singular or has a negative variance")
        }
    }

    /// Wraps a lower-triangular factor that is already known.
    ///
    /// - Throws: `.invalidInput` when `lower` is not square lower-triangular with a positive diagonal.
    public init(lower: Matrix) throws {
        guard lower.rows == lower.columns else {
            throw InferenceError(.dimensionMismatch, "a Cholesky factor must be square")
        }
        try _requireFinite(lower.entries, "Cholesky factor")
        for i in 0..<lower.rows {
            guard lower[i, i] > 0 else {
                throw InferenceError(.notPositiveDefinite, "Cholesky factor diagonal entry \(i) is not positive")
            }
            for j in (i + 1)..<lower.columns where lower[i, j] != 0 {
                throw InferenceError(.invalidInput, "Cholesky factor entry (\(i), \(j)) is above the diagonal")
            }
        }
        self.lower = lower
    }

    /// log det A = 2 Σ log Lᵢᵢ.
    public var logDeterminant: Double { Cholesky.logDeterminant(lower.entries, dimension: dimension) }

    /// Solves `L y = b` by forward substitution.
    /// - Precondition: `b.count == dimension` (callers check dimensions and throw).
    public func solveLower(_ b: [Double]) -> [Double] { Cholesky.solveLower(lower.entries, b) }

    /// Solves `Lᵀ x = y` by back substitution.
    public func solveUpper(_ y: [Double]) -> [Double] { Cholesky.solveUpper(lower.entries, y) }

    /// Solves `A x = b`.
    ///
    /// - Throws: `.dimensionMismatch` when `b.count != dimension`.
    public func solve(_ b: [Double]) throws -> [Double] {
        try _requireSameDimension(b.count, dimension, "right-hand side")
        return solveUpper(solveLower(b))
    }

    /// The squared Mahalanobis norm `bᵀ A⁻¹ b = |L⁻¹ b|²`.
    public func inverseQuadraticForm(_ b: [Double]) -> Double {
        _squaredNorm(solveLower(b))
    }

    /// `L v`, which maps standard normal draws to draws with covariance `A`.
    public func multiplyLower(_ v: [Double]) -> [Double] { Cholesky.multiplyLower(lower.entries, v) }

    /// The matrix `A = L Lᵀ`.
    public var matrix: Matrix {
        let n = dimension
        var a = Matrix(rows: n, columns: n)
        for i in 0..<n {
            for j in 0...i {
                var s = 0.0
                for k in 0...j { s += lower[i, k] * lower[j, k] }
                a[i, j] = s
                a[j, i] = s
            }
        }
        return a
    }

    /// The inverse `A⁻¹`, formed column by column (use `solve` when a product is all you need).
    public var inverse: Matrix {
        let n = dimension
        var inv = Matrix(rows: n, columns: n)
        for j in 0..<n {
            var e = [Double](repeating: 0, count: n)
            e[j] = 1
            let col = solveUpper(solveLower(e))
            for i in 0..<n { inv[i, j] = col[i] }
        }
        return inv
    }
}
