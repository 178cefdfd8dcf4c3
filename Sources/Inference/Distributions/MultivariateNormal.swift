internal import NumericsCore
internal import SystemLibC

/// The multivariate normal distribution N(μ, Σ) on ℝᵈ, with a full or a diagonal covariance.
///
/// A full covariance is held through its Cholesky factor `Σ = L Lᵀ` (computed once, at creation),
/// a diagonal one as its variances, so scoring costs O(d²) or O(d) and sampling is `μ + L ε`.
public struct MultivariateNormal: Distribution, Hashable, CustomStringConvertible {
    /// How the covariance is stored.
    public enum Covariance: Sendable, Hashable {
        /// A full covariance, by its Cholesky factor.
        case full(CholeskyFactor)
        /// A diagonal covariance, by its variances.
        case diagonal([Double])
    }

    /// The mean vector μ.
    public let mean: [Double]
    /// The covariance Σ.
    public let covariance: Covariance

    /// Creates N(mean, covariance) with a full covariance matrix.
    ///
    /// - Parameters:
    ///   - mean: μ, d finite numbers (d ≥ 1).
    ///   - covariance: Σ, a symmetric positive-definite d×d matrix.
    /// - Throws: `InferenceError` for an empty or non-finite mean, mismatched dimensions, or a
    ///   covariance that is not symmetric positive definite (singular included).
    public init(mean: [Double], covariance: Matrix) throws {
        try Self.checkMean(mean)
        guard covariance.rows == mean.count, covariance.columns == mean.count else {
            throw InferenceError(
                .dimensionMismatch,
                "covariance is \(covariance.rows)×\(covariance.columns) but the mean has dimension \(mean.count)")
        }
        self.mean = mean
        self.covariance = .full(try CholeskyFactor(covariance, name: "covariance"))
    }

    /// Creates N(mean, covariance) from the rows of the covariance matrix.
    ///
    /// - Throws: as `init(mean:covariance:)` with a `Matrix`.
    public init(mean: [Double], covariance: [[Double]]) throws {
        try self.init(mean: mean, covariance: try Matrix(covariance))
    }

    /// Creates N(mean, Σ) from a Cholesky factor of Σ.
    ///
    /// - Throws: `InferenceError(.dimensionMismatch)` when the dimensions differ.
    public init(mean: [Double], choleskyFactor: CholeskyFactor) throws {
        try Self.checkMean(mean)
        try _requireSameDimension(choleskyFactor.dimension, mean.count, "Cholesky factor")
        self.mean = mean
        self.covariance = .full(choleskyFactor)
    }

    /// Creates N(mean, diag(variances)).
    ///
    /// - Throws: `InferenceError` for an empty or non-finite mean, a length mismatch, or a variance
    ///   that is not positive and finite (the message names its index).
    public init(mean: [Double], diagonalVariances variances: [Double]) throws {
        try Self.checkMean(mean)
        try _requireSameDimension(variances.count, mean.count, "diagonal variances")
        for (i, v) in variances.enumerated() where !(v > 0 && v.isFinite) {
            throw InferenceError(.invalidInput, "variance \(i) must be positive and finite, got \(v)")
        }
        self.mean = mean
        self.covariance = .diagonal(variances)
    }

    /// The standard normal N(0, I) in `dimension` dimensions.
    ///
    /// - Throws: `InferenceError(.invalidInput)` when `dimension < 1`.
    public static func standard(dimension: Int) throws -> MultivariateNormal {
        try MultivariateNormal(
            mean: Array(repeating: 0, count: max(dimension, 0)),
            diagonalVariances: Array(repeating: 1, count: max(dimension, 0)))
    }

    private static func checkMean(_ mean: [Double]) throws {
        guard !mean.isEmpty else { throw InferenceError(.invalidInput, "the mean vector is empty") }
        try _requireFinite(mean, "mean")
    }

    /// The dimension d.
    public var dimension: Int { mean.count }

    /// Whether the covariance is stored as a diagonal.
    public var isDiagonal: Bool {
        if case .diagonal = covariance { return true }
        return false
    }

    /// The covariance matrix Σ.
    public var covarianceMatrix: Matrix {
        switch covariance {
        case .full(let chol): return chol.matrix
        case .diagonal(let v): return .diagonal(v)
        }
    }

    /// The diagonal of Σ: the marginal variances.
    public var variances: [Double] {
        switch covariance {
        case .full(let chol): return chol.matrix.diagonalEntries
        case .diagonal(let v): return v
        }
    }

    /// A Cholesky factor of Σ (diagonal for a diagonal covariance).
    public var choleskyFactor: CholeskyFactor {
        switch covariance {
        case .full(let chol): return chol
        case .diagonal(let v): return try! CholeskyFactor(lower: .diagonal(v.map { $0.squareRoot() }))
        }
    }

    /// log det Σ.
    public var logDeterminant: Double {
        switch covariance {
        case .full(let chol): return chol.logDeterminant
        case .diagonal(let v): return v.reduce(0) { $0 + log($1) }
        }
    }

    /// The squared Mahalanobis distance (x − μ)ᵀ Σ⁻¹ (x − μ).
    ///
    /// - Throws: `InferenceError(.dimensionMismatch)` when `x` has the wrong length.
    public func mahalanobisSquared(_ x: [Double]) throws -> Double {
        try _requireSameDimension(x.count, dimension, "point")
        let r = _subtract(x, mean)
        switch covariance {
        case .full(let chol):
            return chol.inverseQuadraticForm(r)
        case .diagonal(let v):
            var s = 0.0
            for i in r.indices { s += r[i] * r[i] / v[i] }
            return s
        }
    }

    /// log N(x; μ, Σ) = −½ (d log 2π + log det Σ + (x − μ)ᵀ Σ⁻¹ (x − μ)).
    ///
    /// - Throws: `InferenceError(.dimensionMismatch)` when `x` has the wrong length.
    public func logDensity(_ x: [Double]) throws -> Double {
        let m = try mahalanobisSquared(x)
        return -0.5 * (Double(dimension) * MathConstants.logTwoPi + logDeterminant + m)
    }

    /// A draw μ + L ε with ε ~ N(0, I).
    public func sample<G: RandomNumberGenerator>(using generator: inout G) -> [Double] {
        var eps = [Double](repeating: 0, count: dimension)
        for i in eps.indices { eps[i] = generator.nextStandardNormal() }
        switch covariance {
        case .full(let chol):
            let l = chol.multiplyLower(eps)
            return zip(mean, l).map { $0 + $1 }
        case .diagonal(let v):
            return (0..<dimension).map { mean[$0] + v[$0].squareRoot() * eps[$0] }
        }
    }

    /// The differential entropy ½ (d log(2πe) + log det Σ).
    public var entropy: Double {
        Double(dimension) * _LogConstants.standardNormalEntropy + 0.5 * logDeterminant
    }

    public var description: String {
        switch covariance {
        case .full: return "N(\(mean), \(covarianceMatrix.rowArrays))"
        case .diagonal(let v): return "N(\(mean), diag(\(v)))"
        }
    }
}
