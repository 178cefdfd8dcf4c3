internal import SystemLibC
internal import NumericsCore

/// Coordinate-ascent variational inference (CAVI) for the Bayesian mixture of Gaussians of the lecture:
/// μₖ ~ N(0, τ²·I) for k = 1…K, zᵢ ~ Cat(π), xᵢ | zᵢ, μ ~ N(μ_zᵢ, σ²·I), with d-dimensional xᵢ (d = 1 in
/// the lecture).
///
/// The mean-field family is q(μₖ) = N(mₖ, sₖ²·I) and q(zᵢ) = Cat(φᵢ). One CAVI sweep sets
/// - φᵢₖ ∝ πₖ · exp((xᵢ·mₖ − ½(‖mₖ‖² + d·sₖ²)) / σ²),
/// - sₖ² = 1 / (1/τ² + nₖ/σ²) with nₖ = Σᵢ φᵢₖ, and mₖ = sₖ² · Σᵢ φᵢₖ xᵢ / σ²;
/// each is the exact maximiser of the ELBO in its coordinate, so the ELBO never decreases. With
/// `estimateHyperparameters`, variational EM also sets π and σ² to their ELBO-maximising values after
/// each sweep: πₖ = nₖ / n and σ² = Σᵢₖ φᵢₖ (‖xᵢ − mₖ‖² + d·sₖ²) / (n·d).
public struct BayesianGaussianMixtureCAVI: Sendable {
    /// The number of components K.
    public var components: Int
    /// The prior variance τ² of each component mean.
    public var priorVariance: Double
    /// The observation noise variance σ² (the starting value when it is re-estimated).
    public var noiseVariance: Double
    /// The mixing weights π (the starting value when re-estimated); nil means uniform.
    public var weights: [Double]?
    /// Variational EM: also re-estimate π and σ² after each sweep.
    public var estimateHyperparameters: Bool
    /// The sweep cap.
    public var maxIterations: Int
    /// Stop when the ELBO gains less than this in a sweep.
    public var tolerance: Double

    /// Configures CAVI (or variational EM) for the Bayesian Gaussian mixture.
    /// - Parameters:
    ///   - components: K ≥ 1.
    ///   - priorVariance: τ² > 0.
    ///   - noiseVariance: σ² > 0.
    ///   - weights: π, K non-negative numbers summing to one (nil: uniform).
    ///   - estimateHyperparameters: re-estimate π and σ² (variational EM).
    ///   - maxIterations: the sweep cap (default 500).
    ///   - tolerance: the ELBO gain below which to stop (default 1e-10).
    public init(
        components: Int, priorVariance: Double, noiseVariance: Double = 1, weights: [Double]? = nil,
        estimateHyperparameters: Bool = false, maxIterations: Int = 500, tolerance: Double = 1e-10
    ) {
        self.components = components
        self.priorVariance = priorVariance
        self.noiseVariance = noiseVariance
        self.weights = weights
        self.estimateHyperparameters = estimateHyperparameters
        self.maxIterations = maxIterations
        self.tolerance = tolerance
    }

    /// Runs CAVI from means at randomly chosen data rows (or the given means), with sₖ² = τ².
    ///
    /// Estimates the mean-field approximation q(μ, z) to the posterior p(μ, z | x), by maximising the
    /// ELBO = E_q[log p(x, z, μ)] − E_q[log q(z, μ)] ≤ log p(x). CAVI reaches a local optimum.
    /// - Parameters:
    ///   - data: n rows of d numbers.
    ///   - initialMeans: K starting values of mₖ (nil: K distinct data rows chosen with `generator`).
    ///   - generator: the source of the random initial means.
    /// - Returns: the variational parameters, the ELBO after each sweep, and the hyperparameters.
    /// - Throws: `InferenceError` for empty data, NaN or infinity, K < 1 or K > n, non-positive variances,
    ///   weights that do not sum to one, or initial means of the wrong shape.
    public func fit(_ data: DataMatrix, initialMeans: [[Double]]? = nil, generator: inout SeededGenerator) throws
        -> BayesianGaussianMixtureFit
    {
        let n = data.rowCount, d = data.columnCount, k = components
        guard n > 0, d > 0 else { throw InferenceError(.invalidInput, "the data is empty") }
        try _checkFinite(data)
        guard k >= 1, k <= n else {
            throw InferenceError(.invalidInput, "the number of components must be in 1…\(n) (the number of rows), got \(k)")
        }
        guard priorVariance > 0, priorVariance.isFinite else {
            throw InferenceError(.invalidInput, "the prior variance τ² must be positive and finite, got \(priorVariance)")
        }
        guard noiseVariance > 0, noiseVariance.isFinite else {
            throw InferenceError(.invalidInput, "the noise variance σ² must be positive and finite, got \(noiseVariance)")
        }
        guard maxIterations >= 1 else { throw InferenceError(.invalidInput, "maxIterations must be at least 1") }
        let pi = try _checkedWeights(weights, components: k)
        var means: [Double]
        if let initialMeans {
            guard initialMeans.count == k, initialMeans.allSatisfy({ $0.count == d }) else {
                throw InferenceError(.dimensionMismatch, "initial means must be \(k) arrays of \(d) numbers")
            }
            guard initialMeans.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
                throw InferenceError(.invalidInput, "an initial mean is NaN or infinite")
            }
            means = initialMeans.flatMap { $0 }
        } else {
            means = _distinctIndices(count: k, from: n, generator: &generator).flatMap { data.row($0) }
        }
        var state = BayesianGaussianMixtureFit(
            means: (0..<k).map { Array(means[($0 * d)..<(($0 + 1) * d)]) },
            meanVariances: [Double](repeating: priorVariance, count: k),
            responsibilities: [], weights: pi, noiseVariance: noiseVariance, priorVariance: priorVariance,
            elboTrace: [], iterations: 0, converged: false)
        var previous = -Double.infinity
        for t in 1...maxIterations {
            state.updateResponsibilities(data)
            state.updateMeans(data)
            if estimateHyperparameters { state.updateHyperparameters(data) }
            let elbo = state.elbo(data)
            guard elbo.isFinite else {
                throw InferenceError(.numericalFailure, "CAVI sweep \(t): the ELBO is \(elbo)")
            }
            state.elboTrace.append(elbo)
            state.iterations = t
            if elbo - previous < tolerance {
                state.converged = true
                break
            }
            previous = elbo
        }
        return state
    }

    /// The exact log evidence log p(x) = log Σ_z ∫ p(x, z, μ) dμ of the Bayesian mixture, by enumerating
    /// all Kⁿ assignments (the μ integral is Gaussian in closed form); for small data sets, to compare
    /// with the ELBO.
    /// - Parameters:
    ///   - data: n rows of d numbers, with Kⁿ ≤ 2²⁰.
    ///   - components: K.
    ///   - priorVariance: τ².
    ///   - noiseVariance: σ².
    ///   - weights: π (nil: uniform).
    /// - Returns: log p(x).
    /// - Throws: `InferenceError` for bad input or when Kⁿ exceeds 2²⁰ terms.
    public static func exactLogEvidence(
        _ data: DataMatrix, components k: Int, priorVariance tau2: Double, noiseVariance sigma2: Double,
        weights: [Double]? = nil
    ) throws -> Double {
        let n = data.rowCount, d = data.columnCount
        guard n > 0, d > 0 else { throw InferenceError(.invalidInput, "the data is empty") }
        try _checkFinite(data)
        guard k >= 1 else { throw InferenceError(.invalidInput, "the number of components must be at least 1") }
        guard tau2 > 0, sigma2 > 0, tau2.isFinite, sigma2.isFinite else {
            throw InferenceError(.invalidInput, "variances must be positive and finite, got τ² = \(tau2), σ² = \(sigma2)")
        }
        let pi = try _checkedWeights(weights, components: k)
        guard Double(n) * log(Double(k)) <= 20 * log(2.0) + 1e-9 else {
            throw InferenceError(.invalidInput, "exact enumeration of \(k)^\(n) assignments is too large (limit 2^20)")
        }
        let logPi = pi.map { log($0) }
        var z = [Int](repeating: 0, count: n)
        var terms: [Double] = []
        while true {
            // log p(z) + Σₖ log p(x_{z=k}), each cluster's rows jointly N(0, σ²I + τ²11ᵀ) per dimension.
            var value = 0.0
            for i in 0..<n { value += logPi[z[i]] }
            for c in 0..<k {
                let members = (0..<n).filter { z[$0] == c }
                let m = Double(members.count)
                if members.isEmpty { continue }
                let denominator = sigma2 + m * tau2
                for j in 0..<d {
                    var s = 0.0, s2 = 0.0
                    for i in members {
                        let v = data[i, j]
                        s += v
                        s2 += v * v
                    }
                    let quadratic = (s2 - tau2 * s * s / denominator) / sigma2
                    let logDet = (m - 1) * log(sigma2) + log(denominator)
                    value += -0.5 * (m * 2 * MathConstants.halfLogTwoPi + logDet + quadratic)
                }
            }
            terms.append(value)
            var i = 0
            while i < n {
                z[i] += 1
                if z[i] < k { break }
                z[i] = 0
                i += 1
            }
            if i == n { break }
        }
        return LogSpace.logSumExp(terms)
    }
}

/// The result of `BayesianGaussianMixtureCAVI.fit`: the variational posterior and the ELBO trace.
public struct BayesianGaussianMixtureFit: Sendable {
    /// mₖ: the means of q(μₖ).
    public var means: [[Double]]
    /// sₖ²: the variance of q(μₖ) in every dimension.
    public var meanVariances: [Double]
    /// φᵢ: q(zᵢ = k), n rows of K probabilities.
    public var responsibilities: [[Double]]
    /// π at the end (re-estimated by variational EM, else as given).
    public var weights: [Double]
    /// σ² at the end (re-estimated by variational EM, else as given).
    public var noiseVariance: Double
    /// τ².
    public var priorVariance: Double
    /// The ELBO after each sweep, every constant kept (comparable with log p(x)); it never decreases.
    public var elboTrace: [Double]
    /// The number of sweeps done.
    public var iterations: Int
    /// Whether the ELBO gain fell below the tolerance before the sweep cap.
    public var converged: Bool

    /// The final ELBO.
    public var elbo: Double { elboTrace.last ?? -.infinity }

    /// φ update: φᵢₖ ∝ πₖ · exp((xᵢ·mₖ − ½(‖mₖ‖² + d·sₖ²)) / σ²), normalised in log space.
    mutating func updateResponsibilities(_ data: DataMatrix) {
        let n = data.rowCount, d = data.columnCount, k = means.count
        var rows: [[Double]] = []
        rows.reserveCapacity(n)
        var logits = [Double](repeating: 0, count: k)
        for i in 0..<n {
            for c in 0..<k {
                var dot = 0.0, norm = 0.0
                for j in 0..<d {
                    dot += data[i, j] * means[c][j]
                    norm += means[c][j] * means[c][j]
                }
                logits[c] = (weights[c] > 0 ? log(weights[c]) : -.infinity)
                    + (dot - 0.5 * (norm + Double(d) * meanVariances[c])) / noiseVariance
            }
            let lse = LogSpace.logSumExp(logits)
            rows.append(logits.map { exp($0 - lse) })
        }
        responsibilities = rows
    }

    /// m and s² update: sₖ² = 1 / (1/τ² + nₖ/σ²), mₖ = sₖ² Σᵢ φᵢₖ xᵢ / σ².
    mutating func updateMeans(_ data: DataMatrix) {
        let n = data.rowCount, d = data.columnCount, k = means.count
        for c in 0..<k {
            var nk = 0.0
            var sum = [Double](repeating: 0, count: d)
            for i in 0..<n {
                let phi = responsibilities[i][c]
                nk += phi
                for j in 0..<d { sum[j] += phi * data[i, j] }
            }
            let s2 = 1 / (1 / priorVariance + nk / noiseVariance)
            meanVariances[c] = s2
            means[c] = sum.map { s2 * $0 / noiseVariance }
        }
    }

    /// Variational EM's M-step: πₖ = nₖ / n, σ² = Σᵢₖ φᵢₖ (‖xᵢ − mₖ‖² + d·sₖ²) / (n·d).
    mutating func updateHyperparameters(_ data: DataMatrix) {
        let n = data.rowCount, d = data.columnCount, k = means.count
        var nk = [Double](repeating: 0, count: k)
        var squared = 0.0
        for i in 0..<n {
            for c in 0..<k {
                let phi = responsibilities[i][c]
                nk[c] += phi
                var dist = Double(d) * meanVariances[c]
                for j in 0..<d {
                    let v = data[i, j] - means[c][j]
                    dist += v * v
                }
                squared += phi * dist
            }
        }
        weights = nk.map { $0 / Double(n) }
        // A floor keeps σ² positive if every point sits exactly on a mean.
        noiseVariance = max(squared / Double(n * d), 1e-300)
    }

    /// The ELBO with every constant kept:
    /// Σₖ E[log N(μₖ | 0, τ²I)] + Σᵢₖ φᵢₖ (log πₖ + E[log N(xᵢ | μₖ, σ²I)]) + Σₖ H[q(μₖ)] + Σᵢ H[q(zᵢ)].
    /// - Parameter data: the rows the variational parameters were fitted to.
    /// - Returns: a lower bound on log p(x) under π, σ², τ².
    public func elbo(_ data: DataMatrix) -> Double {
        let n = data.rowCount, d = data.columnCount, k = means.count
        let dd = Double(d)
        var total = 0.0
        for c in 0..<k {
            var norm = 0.0
            for j in 0..<d { norm += means[c][j] * means[c][j] }
            // E[log p(μₖ)]
            total += -dd * MathConstants.halfLogTwoPi - 0.5 * dd * log(priorVariance) - (norm + dd * meanVariances[c]) / (2 * priorVariance)
            // H[q(μₖ)]
            total += 0.5 * dd * (1 + log(meanVariances[c])) + dd * MathConstants.halfLogTwoPi
        }
        for i in 0..<n {
            for c in 0..<k {
                let phi = responsibilities[i][c]
                if phi == 0 { continue }
                var dist = dd * meanVariances[c]
                for j in 0..<d {
                    let v = data[i, j] - means[c][j]
                    dist += v * v
                }
                let expectedLogLikelihood = -dd * MathConstants.halfLogTwoPi - 0.5 * dd * log(noiseVariance) - dist / (2 * noiseVariance)
                total += phi * (log(weights[c]) + expectedLogLikelihood - log(phi))
            }
        }
        return total
    }
}

/// Uniform weights for nil, else the given weights after checking they are a probability vector.
func _checkedWeights(_ weights: [Double]?, components k: Int) throws -> [Double] {
    guard let weights else { return [Double](repeating: 1 / Double(k), count: k) }
    guard weights.count == k else {
        throw InferenceError(.dimensionMismatch, "\(weights.count) weights for \(k) components")
    }
    for (c, w) in weights.enumerated() where !(w >= 0 && w.isFinite) {
        throw InferenceError(.invalidInput, "weight \(c) is \(w); weights must be non-negative")
    }
    let sum = weights.reduce(0, +)
    guard abs(sum - 1) <= 1e-9 else { throw InferenceError(.invalidInput, "the weights sum to \(sum), not 1") }
    return weights
}
