internal import SystemLibC
internal import NumericsCore

/// A VAE whose decoder is linear-Gaussian, x = Wz + b + noise with z ~ N(0, I) and noise ~ N(0, σ²I),
/// so that log p(x), the posterior, every ELBO and hence both gaps are available in closed form.
///
/// - log p(x) = log N(x; b, WWᵀ + σ²I).
/// - p(z|x) = N(m, S) with precision S⁻¹ = I + WᵀW/σ² and m = S Wᵀ(x − b)/σ².
/// - For a diagonal q = N(μ, diag s²) the ELBO is
///   −D/2·log 2πσ² − (‖x − b − Wμ‖² + Σⱼ sⱼ²‖Wⱼ‖²)/(2σ²) − (‖μ‖² + Σⱼ sⱼ²)/2 + Σⱼ log sⱼ + L/2.
/// - The best diagonal q (the exact q*) has μ = m and sⱼ² = 1 / (S⁻¹)ⱼⱼ.
///
/// The encoder can be any network from D to 2L outputs; a single identity layer is the natural
/// family (the exact posterior mean is linear in x and its variance constant), so a perfectly
/// trained encoder has no amortization gap and the approximation gap comes from the diagonal q.
public struct LinearGaussianVAE: Sendable, Hashable {
    /// W, D rows of L entries.
    public let weights: [[Double]]
    /// b, length D.
    public let offset: [Double]
    /// σ², the observation noise variance.
    public let noiseVariance: Double
    /// The amortized q(z|x): D inputs → L means and L log standard deviations.
    public var encoder: DenseNetwork

    /// D.
    public var dataDimension: Int { offset.count }
    /// L.
    public var latentDimension: Int { weights[0].count }

    /// Creates the model.
    ///
    /// - Parameters:
    ///   - weights: W as D rows of L numbers.
    ///   - offset: b, D numbers.
    ///   - noiseVariance: σ² > 0.
    ///   - encoder: a D → 2L network; `nil` makes a single affine (identity) layer with random weights.
    ///   - generator: the source of a new encoder's weights.
    /// - Throws: `InferenceError` on mismatched shapes, a non-positive variance or non-finite entries.
    public init(
        weights: [[Double]], offset: [Double], noiseVariance: Double, encoder: DenseNetwork? = nil,
        generator: inout SeededGenerator
    ) throws {
        guard !weights.isEmpty, !weights[0].isEmpty else {
            throw InferenceError(.invalidInput, "W must have at least one row and one column")
        }
        let l = weights[0].count
        for (i, row) in weights.enumerated() { try InputChecks.checkRow(row, width: l, what: "W row \(i)") }
        try InputChecks.checkRow(offset, width: weights.count, what: "b")
        guard noiseVariance > 0, noiseVariance.isFinite else {
            throw InferenceError(.invalidInput, "the noise variance is \(noiseVariance); it must be positive and finite")
        }
        let encoder = try encoder ?? DenseNetwork(sizes: [weights.count, 2 * l], activations: [.identity], generator: &generator)
        guard encoder.inputCount == weights.count, encoder.outputCount == 2 * l else {
            throw InferenceError(
                .dimensionMismatch,
                "the encoder maps \(encoder.inputCount) → \(encoder.outputCount) but the model needs \(weights.count) → \(2 * l)")
        }
        self.weights = weights
        self.offset = offset
        self.noiseVariance = noiseVariance
        self.encoder = encoder
    }

    /// Reads the model back from a VAE whose decoder is one identity layer with a fixed-variance
    /// Gaussian likelihood (for example `vae` of a model after `train`).
    ///
    /// - Parameter vae: the trained VAE.
    /// - Throws: `InferenceError(.invalidInput, …)` when the decoder is not of that form.
    public init(_ vae: VAE) throws {
        guard case .gaussianFixedVariance(let v) = vae.likelihood, vae.decoder.layers.count == 1,
            vae.decoder.layers[0].activation == .identity
        else {
            throw InferenceError(
                .invalidInput, "a linear-Gaussian VAE needs a single identity decoder layer and a fixed-variance Gaussian")
        }
        let d = vae.dataDimension
        let l = vae.latentDimension
        let p = vae.decoder.parameters
        weights = (0..<d).map { i in (0..<l).map { j in p[j * d + i] } }
        offset = Array(p[(l * d)..<(l * d + d)])
        noiseVariance = v
        encoder = vae.encoder
    }

    /// The same model as a general `VAE` (decoder: one identity layer holding Wᵀ and b), for
    /// training, refinement, IWAE and the estimated gap report.
    public var vae: VAE {
        let d = dataDimension
        let l = latentDimension
        var p = [Double](repeating: 0, count: l * d + d)
        for i in 0..<d {
            for j in 0..<l { p[j * d + i] = weights[i][j] }
            p[l * d + i] = offset[i]
        }
        // The shapes were checked on creation, so these cannot fail.
        let decoder = try! DenseNetwork(sizes: [l, d], activations: [.identity], parameters: p)
        return try! VAE(encoder: encoder, decoder: decoder, likelihood: .gaussianFixedVariance(noiseVariance))
    }

    /// Draws data from the model.
    ///
    /// - Parameters:
    ///   - count: number of rows.
    ///   - generator: the source of the draws.
    /// - Returns: `count` rows x = Wz + b + σε.
    public func sample(count: Int, generator: inout SeededGenerator) -> [[Double]] {
        let sd = noiseVariance.squareRoot()
        return (0..<max(count, 0)).map { _ in
            let z = (0..<latentDimension).map { _ in generator.nextStandardNormal() }
            return (0..<dataDimension).map { i in
                var s = offset[i]
                for j in 0..<latentDimension { s += weights[i][j] * z[j] }
                return s + sd * generator.nextStandardNormal()
            }
        }
    }

    /// The exact log p(x) = log N(x; b, WWᵀ + σ²I).
    ///
    /// - Parameter x: a data vector of dimension D.
    /// - Returns: the log density.
    /// - Throws: `InferenceError` on a wrong length or non-finite entry.
    public func logEvidence(_ x: [Double]) throws -> Double {
        try InputChecks.checkRow(x, width: dataDimension, what: "x")
        let d = dataDimension
        var c = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for k in 0..<d {
                var s = i == k ? noiseVariance : 0
                for j in 0..<latentDimension { s += weights[i][j] * weights[k][j] }
                c[i * d + k] = s
            }
        }
        guard let chol = try? Cholesky.lower(c, dimension: d) else {
            throw InferenceError(.notPositiveDefinite, "WWᵀ + σ²I is not positive definite")
        }
        let y = Cholesky.solveLower(chol, (0..<d).map { x[$0] - offset[$0] })
        var logDet = 0.0
        for i in 0..<d { logDet += 2 * log(chol[i * d + i]) }
        let quad = y.reduce(0) { $0 + $1 * $1 }
        return -0.5 * (Double(d) * MathConstants.logTwoPi + logDet + quad)
    }

    /// The exact posterior p(z|x) = N(mean, covariance).
    ///
    /// - Parameter x: a data vector of dimension D.
    /// - Returns: the posterior mean (length L) and covariance (L × L).
    /// - Throws: `InferenceError` on a wrong length or non-finite entry.
    public func posterior(_ x: [Double]) throws -> (mean: [Double], covariance: [[Double]]) {
        try InputChecks.checkRow(x, width: dataDimension, what: "x")
        let l = latentDimension
        let precision = posteriorPrecision
        guard let chol = try? Cholesky.lower(precision, dimension: l) else {
            throw InferenceError(.notPositiveDefinite, "the posterior precision is not positive definite")
        }
        var rhs = [Double](repeating: 0, count: l)
        for j in 0..<l {
            for i in 0..<dataDimension { rhs[j] += weights[i][j] * (x[i] - offset[i]) / noiseVariance }
        }
        let mean = Cholesky.solveUpper(chol, Cholesky.solveLower(chol, rhs))
        var covariance: [[Double]] = Array(repeating: Array(repeating: 0, count: l), count: l)
        for j in 0..<l {
            var e = [Double](repeating: 0, count: l)
            e[j] = 1
            let column = Cholesky.solveUpper(chol, Cholesky.solveLower(chol, e))
            for i in 0..<l { covariance[i][j] = column[i] }
        }
        return (mean, covariance)
    }

    /// I + WᵀW/σ², row-major L × L.
    var posteriorPrecision: [Double] {
        let l = latentDimension
        var p = [Double](repeating: 0, count: l * l)
        for a in 0..<l {
            for c in 0..<l {
                var s = a == c ? 1.0 : 0.0
                for i in 0..<dataDimension { s += weights[i][a] * weights[i][c] / noiseVariance }
                p[a * l + c] = s
            }
        }
        return p
    }

    /// The exact ELBO L[q] of a diagonal Gaussian q for one x.
    ///
    /// - Parameters:
    ///   - x: a data vector of dimension D.
    ///   - q: the variational distribution.
    /// - Returns: L[q] = log p(x) − KL(q ‖ p(z|x)).
    /// - Throws: `InferenceError` on mismatched shapes or non-finite input.
    public func elbo(_ x: [Double], q: VariationalParameters) throws -> Double {
        try InputChecks.checkRow(x, width: dataDimension, what: "x")
        try InputChecks.checkVariational(q, latentDimension: latentDimension)
        let d = Double(dataDimension)
        let v = noiseVariance
        let s2 = q.logStandardDeviation.map { exp(2 * $0) }
        var residual = 0.0
        for i in 0..<dataDimension {
            var r = x[i] - offset[i]
            for j in 0..<latentDimension { r -= weights[i][j] * q.mean[j] }
            residual += r * r
        }
        var spread = 0.0
        var prior = 0.0
        var entropy = 0.0
        for j in 0..<latentDimension {
            var norm = 0.0
            for i in 0..<dataDimension { norm += weights[i][j] * weights[i][j] }
            spread += s2[j] * norm
            prior += q.mean[j] * q.mean[j] + s2[j]
            entropy += q.logStandardDeviation[j]
        }
        return -0.5 * d * log(2 * Double.pi * v) - (residual + spread) / (2 * v) - 0.5 * prior + entropy
            + 0.5 * Double(latentDimension)
    }

    /// The exact gradient of L[q] with respect to (μ, log σ).
    ///
    /// ∂/∂μ = Wᵀ(x − b − Wμ)/σ² − μ and ∂/∂log sⱼ = 1 − sⱼ²(S⁻¹)ⱼⱼ.
    ///
    /// - Parameters:
    ///   - x: a data vector of dimension D.
    ///   - q: the variational distribution.
    /// - Returns: the gradient, means first.
    /// - Throws: `InferenceError` on mismatched shapes or non-finite input.
    public func elboGradient(_ x: [Double], q: VariationalParameters) throws -> [Double] {
        try InputChecks.checkRow(x, width: dataDimension, what: "x")
        try InputChecks.checkVariational(q, latentDimension: latentDimension)
        let l = latentDimension
        var residual = [Double](repeating: 0, count: dataDimension)
        for i in 0..<dataDimension {
            residual[i] = x[i] - offset[i]
            for j in 0..<l { residual[i] -= weights[i][j] * q.mean[j] }
        }
        let precision = posteriorPrecision
        var gradient = [Double](repeating: 0, count: 2 * l)
        for j in 0..<l {
            var s = -q.mean[j]
            for i in 0..<dataDimension { s += weights[i][j] * residual[i] / noiseVariance }
            gradient[j] = s
            gradient[l + j] = 1 - exp(2 * q.logStandardDeviation[j]) * precision[j * l + j]
        }
        return gradient
    }

    /// The best diagonal Gaussian for one x: mean m and variances 1/(S⁻¹)ⱼⱼ.
    ///
    /// - Parameter x: a data vector of dimension D.
    /// - Returns: the exact q*.
    /// - Throws: `InferenceError` on a wrong length or non-finite entry.
    public func optimalMeanField(_ x: [Double]) throws -> VariationalParameters {
        let m = try posterior(x).mean
        let precision = posteriorPrecision
        let l = latentDimension
        return VariationalParameters(_unchecked: m, (0..<l).map { -0.5 * log(precision[$0 * l + $0]) })
    }

    /// The encoder's q(z|x).
    ///
    /// - Throws: `InferenceError` on a wrong length or non-finite entry.
    public func encode(_ x: [Double]) throws -> VariationalParameters {
        try vae.encode(x)
    }

    /// The exact gap report: log p(x), L[q*] with the exact best diagonal q*, and L[q] with the
    /// encoder's q, for every example.
    ///
    /// - Parameter data: rows of D finite numbers.
    /// - Returns: a report with `isExact` set; its standard errors are across examples only.
    /// - Throws: `InferenceError` for empty data, wrong widths or non-finite values.
    public func exactAmortizationGapReport(on data: [[Double]]) throws -> AmortizationGapReport {
        guard !data.isEmpty else { throw InferenceError(.invalidInput, "the data set for the gap report is empty") }
        let model = vae
        var examples: [AmortizationGapReport.Example] = []
        for (r, x) in data.enumerated() {
            try InputChecks.checkRow(x, width: dataDimension, what: "data row \(r)")
            let q = try model.encode(x)
            examples.append(
                .init(logEvidence: try logEvidence(x), refinedELBO: try elbo(x, q: optimalMeanField(x)),
                      amortizedELBO: try elbo(x, q: q)))
        }
        return AmortizationGapReport(examples: examples, isExact: true)
    }
}
