internal import SystemLibC
internal import NumericsCore

/// A Gaussian mixture fitted by `GaussianMixture.fit`: its parameters, the EM trace and the usual
/// predictions.
public struct FittedGaussianMixture: Sendable {
    let state: _MixtureState
    let factors: _ComponentFactors

    /// The average log-likelihood per training sample after each number of M-steps: `trace[0]` for the
    /// initial parameters, `trace[iterations]` for the final ones. It never decreases (up to rounding and
    /// the tiny effect of `regularization`).
    public let trace: [Double]
    /// Whether the change of the average log-likelihood fell below the tolerance before `maxIterations`.
    public let converged: Bool
    /// The number of EM iterations (M-steps) done.
    public let iterations: Int
    /// Recorded parameters at the iterations asked for with `snapshotIterations`, in increasing order.
    public let snapshots: [GaussianMixtureSnapshot]
    /// The number of training rows.
    public let trainingRows: Int
    /// The total log-likelihood Σₙ log p(xₙ) of the training data under the final parameters.
    public let logLikelihood: Double
    let parallel: Bool

    init(
        state: _MixtureState, factors: _ComponentFactors, trace: [Double], converged: Bool, iterations: Int,
        snapshots: [GaussianMixtureSnapshot], trainingRows: Int, logLikelihood: Double, parallel: Bool
    ) {
        self.state = state
        self.factors = factors
        self.trace = trace
        self.converged = converged
        self.iterations = iterations
        self.snapshots = snapshots
        self.trainingRows = trainingRows
        self.logLikelihood = logLikelihood
        self.parallel = parallel
    }

    /// A mixture with the given parameters, for scoring and sampling without fitting.
    ///
    /// It has no training data: `trace` and `snapshots` are empty, `iterations` and `trainingRows` are 0,
    /// `logLikelihood` is 0, and the `bic`/`aic` properties mean nothing; use `bic(_:)` and `aic(_:)`.
    /// - Parameters:
    ///   - parameters: weights summing to one, K means of length d, K positive-definite d × d covariances.
    ///   - covariance: how to read the covariances (diagonal keeps the diagonal, spherical its mean,
    ///     tied averages them with the weights).
    /// - Throws: `InferenceError` for weights that are negative or do not sum to one, shapes that do not
    ///   fit, or a covariance that is not symmetric positive definite.
    public init(parameters: GaussianMixtureParameters, covariance: GaussianMixture.CovarianceType = .full) throws {
        guard let d = parameters.means.first?.count, d > 0 else {
            throw InferenceError(.invalidInput, "the parameters have no means (or means of length 0)")
        }
        let config = GaussianMixture(
            components: parameters.weights.count, covariance: covariance, initialization: .parameters(parameters))
        guard config.components >= 1 else { throw InferenceError(.invalidInput, "a mixture needs at least one weight") }
        let state = try config.stateFromParameters(parameters, dimension: d)
        self.init(
            state: state, factors: try _ComponentFactors(state, context: "the given parameters"), trace: [],
            converged: true, iterations: 0, snapshots: [], trainingRows: 0, logLikelihood: 0, parallel: true)
    }

    /// The final parameters.
    public var parameters: GaussianMixtureParameters { state.parameters }
    /// The mixing weights πₖ.
    public var weights: [Double] { state.weights }
    /// The component means μₖ.
    public var means: [[Double]] { parameters.means }
    /// The component covariances Σₖ as full d × d matrices.
    public var covariances: [[[Double]]] { parameters.covariances }
    /// The covariance form the mixture was fitted with.
    public var covarianceType: GaussianMixture.CovarianceType { state.covariance }
    /// The number of components K.
    public var components: Int { state.components }
    /// The data dimension d.
    public var dimension: Int { state.dimension }
    /// The average log-likelihood per training sample (scikit-learn's `score`).
    public var averageLogLikelihood: Double { logLikelihood / Double(trainingRows) }

    /// The number of free parameters: K − 1 weights, K·d means, and the covariance parameters
    /// (full K·d(d+1)/2, diagonal K·d, spherical K, tied d(d+1)/2).
    public var parameterCount: Int {
        let k = state.components, d = state.dimension
        let covarianceParameters: Int
        switch state.covariance {
        case .full: covarianceParameters = k * d * (d + 1) / 2
        case .diagonal: covarianceParameters = k * d
        case .spherical: covarianceParameters = k
        case .tied: covarianceParameters = d * (d + 1) / 2
        }
        return k - 1 + k * d + covarianceParameters
    }

    /// The Bayesian information criterion on the training data, −2 log L + p·log N (lower is better).
    public var bic: Double { -2 * logLikelihood + Double(parameterCount) * log(Double(trainingRows)) }
    /// The Akaike information criterion on the training data, −2 log L + 2p (lower is better).
    public var aic: Double { -2 * logLikelihood + 2 * Double(parameterCount) }

    /// The Bayesian information criterion on other data, −2 Σ log p(xₙ) + p·log N.
    /// - Parameter data: N rows of d numbers.
    /// - Returns: the BIC.
    /// - Throws: `InferenceError` for empty data, NaN or infinity, or the wrong number of columns.
    public func bic(_ data: DataMatrix) throws -> Double {
        -2 * (try logLikelihood(data)) + Double(parameterCount) * log(Double(data.rowCount))
    }

    /// The Akaike information criterion on other data, −2 Σ log p(xₙ) + 2p.
    /// - Parameter data: N rows of d numbers.
    /// - Returns: the AIC.
    /// - Throws: `InferenceError` for empty data, NaN or infinity, or the wrong number of columns.
    public func aic(_ data: DataMatrix) throws -> Double {
        -2 * (try logLikelihood(data)) + 2 * Double(parameterCount)
    }

    /// The total log-likelihood Σₙ log p(xₙ) of other data.
    /// - Parameter data: N rows of d numbers.
    /// - Returns: the sum of the per-row log densities.
    /// - Throws: `InferenceError` for empty data, NaN or infinity, or the wrong number of columns.
    public func logLikelihood(_ data: DataMatrix) throws -> Double {
        try scoreSamples(data).reduce(0, +)
    }

    /// The log density log p(x) of every row under the mixture.
    /// - Parameter data: N rows of d numbers.
    /// - Returns: N log densities.
    /// - Throws: `InferenceError` for empty data, NaN or infinity, or the wrong number of columns.
    public func scoreSamples(_ data: DataMatrix) throws -> [Double] {
        try check(data)
        return _mixturePass(_BlockedRows(data), factors, output: .scores, parallel: parallel)
    }

    /// The posterior probabilities p(z = k | x) of the components for every row.
    /// - Parameter data: N rows of d numbers.
    /// - Returns: N arrays of K probabilities, each summing to one.
    /// - Throws: `InferenceError` for empty data, NaN or infinity, or the wrong number of columns.
    public func predictProbabilities(_ data: DataMatrix) throws -> [[Double]] {
        try check(data)
        let k = state.components
        let flat = _mixturePass(_BlockedRows(data), factors, output: .responsibilities, parallel: parallel)
        return (0..<data.rowCount).map { Array(flat[($0 * k)..<(($0 + 1) * k)]) }
    }

    /// The most probable component of every row.
    /// - Parameter data: N rows of d numbers.
    /// - Returns: N component indices in 0..<K.
    /// - Throws: `InferenceError` for empty data, NaN or infinity, or the wrong number of columns.
    public func predict(_ data: DataMatrix) throws -> [Int] {
        try check(data)
        let k = state.components
        let flat = _mixturePass(_BlockedRows(data), factors, output: .responsibilities, parallel: parallel)
        return (0..<data.rowCount).map { i in
            var best = 0
            for c in 1..<max(k, 1) where flat[i * k + c] > flat[i * k + best] { best = c }
            return best
        }
    }

    /// Draws samples from the fitted mixture: a component from the weights, then x = μₖ + Lₖ·ε with
    /// ε ~ N(0, I) and Lₖ the Cholesky factor of Σₖ.
    /// - Parameters:
    ///   - count: the number of samples.
    ///   - generator: the source of randomness.
    /// - Returns: the samples as a `count × d` matrix and the component each came from.
    /// - Throws: `InferenceError` (.invalidInput) for a negative count.
    public func sample(_ count: Int, generator: inout SeededGenerator) throws -> (samples: DataMatrix, components: [Int]) {
        guard count >= 0 else { throw InferenceError(.invalidInput, "cannot draw \(count) samples") }
        let k = state.components, d = state.dimension
        // The factors are positive definite: they were factored when the fit finished.
        let lowers = (0..<k).map { c in
            (try? Cholesky.lower(Array(state.covariances[(c * d * d)..<((c + 1) * d * d)]), dimension: d))
                ?? [Double](repeating: 0, count: d * d)
        }
        var values: [Double] = []
        values.reserveCapacity(count * d)
        var labels: [Int] = []
        labels.reserveCapacity(count)
        var epsilon = [Double](repeating: 0, count: d)
        for _ in 0..<count {
            let u = generator.nextUniform()
            var c = k - 1
            var cumulative = 0.0
            for j in 0..<k {
                cumulative += state.weights[j]
                if u < cumulative {
                    c = j
                    break
                }
            }
            labels.append(c)
            for j in 0..<d { epsilon[j] = generator.nextStandardNormal() }
            for i in 0..<d {
                var v = state.means[c * d + i]
                for j in 0...i { v += lowers[c][i * d + j] * epsilon[j] }
                values.append(v)
            }
        }
        return (try DataMatrix(rowCount: count, columnCount: d, values: values), labels)
    }

    private func check(_ data: DataMatrix) throws {
        guard data.rowCount > 0 else { throw InferenceError(.invalidInput, "the data is empty") }
        guard data.columnCount == state.dimension else {
            throw InferenceError(
                .dimensionMismatch, "the data has \(data.columnCount) columns, the mixture \(state.dimension) dimensions")
        }
        try _checkFinite(data)
    }
}
