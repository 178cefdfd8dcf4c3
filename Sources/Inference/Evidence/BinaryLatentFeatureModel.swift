internal import NumericsCore
internal import SystemLibC

/// D binary latent features behind an M-dimensional observation: zⱼ ~ Bernoulli(πⱼ) independently,
/// and x | z ~ N(b + Σⱼ zⱼ wⱼ, σ² I).
///
/// The lecture's "30 binary latent features" model. Its evidence is a sum over 2ᴰ terms: exact for
/// D ≈ 20 (`exactLogEvidence` walks the 2ᴰ values in Gray-code order, updating the joint in O(D)
/// per step), out of reach for D = 30, where the Monte Carlo estimators and the ELBO take over.
/// Everything is computed in log space, so x with 1,000 dimensions (log-likelihoods near −10⁴)
/// neither underflows nor overflows. The posterior couples the features (explaining away), so the
/// mean-field ELBO of `meanFieldPosterior` stays strictly below log p(x).
public struct BinaryLatentFeatureModel: EnumerableLatentVariableModel, ClosedFormELBOModel {
    /// The prior p(z): independent Bernoulli(πⱼ).
    public let prior: ProductDistribution<Bernoulli>
    /// The feature vectors wⱼ as rows: a D×M matrix.
    public let features: Matrix
    /// The offset b (M entries).
    public let offset: [Double]
    /// The noise standard deviation σ.
    public let noiseStandardDeviation: Double

    /// Creates the model.
    ///
    /// - Parameters:
    ///   - priorProbabilities: πⱼ for the D features, each in (0, 1).
    ///   - features: a D×M matrix whose row j is wⱼ.
    ///   - offset: b, M entries (zeros by default).
    ///   - noiseStandardDeviation: σ > 0.
    /// - Throws: `InferenceError` for a probability outside (0, 1), mismatched dimensions,
    ///   non-finite entries or σ ≤ 0.
    public init(
        priorProbabilities: [Double], features: Matrix, offset: [Double]? = nil, noiseStandardDeviation: Double
    ) throws {
        guard !priorProbabilities.isEmpty else { throw InferenceError(.invalidInput, "the model needs at least one feature") }
        for (j, p) in priorProbabilities.enumerated() where !(p > 0 && p < 1) {
            throw InferenceError(.invalidInput, "prior probability of feature \(j) must be in (0, 1), got \(p)")
        }
        try _requireSameDimension(features.rows, priorProbabilities.count, "feature matrix rows (one per latent)")
        guard features.columns >= 1 else { throw InferenceError(.invalidInput, "features have no dimensions") }
        try _requireFinite(features.entries, "feature matrix")
        let b = offset ?? Array(repeating: 0, count: features.columns)
        try _requireSameDimension(b.count, features.columns, "offset")
        try _requireFinite(b, "offset")
        guard noiseStandardDeviation > 0, noiseStandardDeviation.isFinite else {
            throw InferenceError(.invalidInput, "noise standard deviation must be positive and finite, got \(noiseStandardDeviation)")
        }
        self.prior = try ProductDistribution<Bernoulli>(probabilities: priorProbabilities)
        self.features = features
        self.offset = b
        self.noiseStandardDeviation = noiseStandardDeviation
    }

    /// A random instance: wⱼ with independent N(0, scale²) entries, πⱼ = `priorProbability`, b = 0.
    ///
    /// - Parameters:
    ///   - latents: D.
    ///   - dimension: M.
    ///   - priorProbability: π for every feature.
    ///   - featureScale: the standard deviation of the feature entries.
    ///   - noiseStandardDeviation: σ.
    ///   - generator: the random source.
    /// - Throws: `InferenceError` for invalid sizes or parameters.
    public static func random<G: RandomNumberGenerator>(
        latents: Int, dimension: Int, priorProbability: Double = 0.3, featureScale: Double = 1,
        noiseStandardDeviation: Double = 1, using generator: inout G
    ) throws -> BinaryLatentFeatureModel {
        guard latents >= 1, dimension >= 1 else {
            throw InferenceError(.invalidInput, "latents and dimension must be ≥ 1, got \(latents) and \(dimension)")
        }
        var w = Matrix(rows: latents, columns: dimension)
        for j in 0..<latents { for m in 0..<dimension { w[j, m] = featureScale * generator.nextStandardNormal() } }
        return try BinaryLatentFeatureModel(
            priorProbabilities: Array(repeating: priorProbability, count: latents), features: w,
            noiseStandardDeviation: noiseStandardDeviation)
    }

    /// The number of latent features D.
    public var latentCount: Int { features.rows }
    /// The dimension M of an observation.
    public var dimension: Int { features.columns }

    /// The mean b + Σⱼ zⱼ wⱼ of x given z.
    public func mean(given z: [Bool]) throws -> [Double] {
        try _requireSameDimension(z.count, latentCount, "latent vector")
        var mu = offset
        for j in 0..<latentCount where z[j] {
            for m in 0..<dimension { mu[m] += features[j, m] }
        }
        return mu
    }

    /// Draws (z, x) from the model.
    public func sample<G: RandomNumberGenerator>(using generator: inout G) -> (latent: [Bool], observation: [Double]) {
        let z = prior.sample(using: &generator)
        var x = try! mean(given: z)
        for m in 0..<dimension { x[m] += noiseStandardDeviation * generator.nextStandardNormal() }
        return (z, x)
    }

    /// log N(x; b + Σⱼ zⱼ wⱼ, σ² I).
    ///
    /// - Throws: `InferenceError` when x or z has the wrong length or x is not finite.
    public func logLikelihood(_ x: [Double], given z: [Bool]) throws -> Double {
        try _requireSameDimension(x.count, dimension, "observation")
        try _requireFinite(x, "observation")
        let mu = try mean(given: z)
        var ss = 0.0
        for m in 0..<dimension { ss += (x[m] - mu[m]) * (x[m] - mu[m]) }
        let s2 = noiseStandardDeviation * noiseStandardDeviation
        return -0.5 * Double(dimension) * (MathConstants.logTwoPi + log(s2)) - 0.5 * ss / s2
    }

    /// The exact log p(x) by walking all 2ᴰ latent vectors in Gray-code order.
    ///
    /// With r₀ = x − b, h = W r₀ and the Gram matrix G = W Wᵀ, ‖x − b − Wᵀz‖² = ‖r₀‖² − 2 zᵀh + zᵀGz;
    /// flipping one bit changes it, and log p(z), in O(D). Total O(2ᴰ·D + D²M).
    ///
    /// - Throws: `InferenceError` for an observation of the wrong length or with non-finite entries,
    ///   or D > 40 (more than 10¹² terms).
    public func exactLogEvidence(_ x: [Double]) throws -> Double {
        try _requireSameDimension(x.count, dimension, "observation")
        try _requireFinite(x, "observation")
        let d = latentCount
        guard d <= 40 else {
            throw InferenceError(.invalidInput, "exact enumeration of 2^\(d) latent vectors is out of reach (D ≤ 40)")
        }
        let r0 = _subtract(x, offset)
        var h = [Double](repeating: 0, count: d)
        var gram = [Double](repeating: 0, count: d * d)
        for j in 0..<d {
            var s = 0.0
            for m in 0..<dimension { s += features[j, m] * r0[m] }
            h[j] = s
            for k in 0...j {
                var g = 0.0
                for m in 0..<dimension { g += features[j, m] * features[k, m] }
                gram[j * d + k] = g
                gram[k * d + j] = g
            }
        }
        let s2 = noiseStandardDeviation * noiseStandardDeviation
        let constant = -0.5 * Double(dimension) * (MathConstants.logTwoPi + log(s2)) - 0.5 * _squaredNorm(r0) / s2
        // log p(z) = Σ log(1 − πⱼ) + Σ zⱼ logit πⱼ.
        var logPrior = 0.0
        var logit = [Double](repeating: 0, count: d)
        for j in 0..<d {
            let p = prior.components[j].probability
            logPrior += log1p(-p)
            logit[j] = log(p) - log1p(-p)
        }
        var z = [Bool](repeating: false, count: d)
        var gz = [Double](repeating: 0, count: d)  // G z
        var quadratic = 0.0  // −2 zᵀh + zᵀ G z
        var acc = LogSumExpAccumulator()
        acc.add(logPrior + constant)
        let total = 1 << d
        for step in 1..<total {
            let j = step.trailingZeroBitCount  // the bit that flips in Gray-code order
            if z[j] {
                // Remove j: Δ = 2hⱼ − 2(Gz)ⱼ + Gⱼⱼ.
                quadratic += 2 * h[j] - 2 * gz[j] + gram[j * d + j]
                z[j] = false
                for k in 0..<d { gz[k] -= gram[k * d + j] }
                logPrior -= logit[j]
            } else {
                // Add j: Δ = −2hⱼ + 2(Gz)ⱼ + Gⱼⱼ.
                quadratic += -2 * h[j] + 2 * gz[j] + gram[j * d + j]
                z[j] = true
                for k in 0..<d { gz[k] += gram[k * d + j] }
                logPrior += logit[j]
            }
            acc.add(logPrior + constant - 0.5 * quadratic / s2)
        }
        return acc.value
    }

    /// ELBO(q) for a mean-field q(z) = Πⱼ Bernoulli(mⱼ), exactly:
    /// E_q[log p(x | z)] = −(M/2) log 2πσ² − (‖x − b − Σⱼ mⱼ wⱼ‖² + Σⱼ mⱼ(1 − mⱼ)‖wⱼ‖²)/(2σ²),
    /// minus KL(q ‖ p(z)) = Σⱼ KL(Bernoulli(mⱼ) ‖ Bernoulli(πⱼ)).
    ///
    /// - Throws: `InferenceError` for mismatched lengths or a non-finite observation.
    public func analyticELBO(_ x: [Double], _ q: ProductDistribution<Bernoulli>) throws -> Double {
        try _requireSameDimension(x.count, dimension, "observation")
        try _requireSameDimension(q.count, latentCount, "variational distribution")
        try _requireFinite(x, "observation")
        var residual = _subtract(x, offset)
        var spread = 0.0
        for j in 0..<latentCount {
            let m = q.components[j].probability
            var norm = 0.0
            for k in 0..<dimension {
                residual[k] -= m * features[j, k]
                norm += features[j, k] * features[j, k]
            }
            spread += m * (1 - m) * norm
        }
        let s2 = noiseStandardDeviation * noiseStandardDeviation
        let expectedLogLikelihood =
            -0.5 * Double(dimension) * (MathConstants.logTwoPi + log(s2)) - 0.5 * (_squaredNorm(residual) + spread) / s2
        return expectedLogLikelihood - (try klDivergence(q, prior))
    }

    /// The mean-field posterior q(z) = Πⱼ Bernoulli(mⱼ) by coordinate ascent (CAVI).
    ///
    /// Each update sets logit mⱼ = logit πⱼ + (wⱼᵀ(x − b − Σ_{k≠j} mₖ wₖ) − ½‖wⱼ‖²)/σ², the exact
    /// maximiser of the ELBO in mⱼ, so the ELBO never decreases.
    ///
    /// - Parameters:
    ///   - x: the observation.
    ///   - sweeps: the maximum number of passes over the D coordinates.
    ///   - tolerance: stop when no mⱼ moves by more than this in a sweep.
    /// - Returns: q and the ELBO after each sweep.
    /// - Throws: `InferenceError` for an observation of the wrong length or with non-finite entries.
    public func meanFieldPosterior(_ x: [Double], sweeps: Int = 100, tolerance: Double = 1e-10) throws
        -> (posterior: ProductDistribution<Bernoulli>, elboTrace: [Double])
    {
        try _requireSameDimension(x.count, dimension, "observation")
        try _requireFinite(x, "observation")
        let d = latentCount
        var m = prior.components.map(\.probability)
        var residual = _subtract(x, offset)  // x − b − Σ mₖ wₖ
        for j in 0..<d { for k in 0..<dimension { residual[k] -= m[j] * features[j, k] } }
        let s2 = noiseStandardDeviation * noiseStandardDeviation
        var trace: [Double] = []
        for _ in 0..<max(sweeps, 1) {
            var largestMove = 0.0
            for j in 0..<d {
                var dotProduct = 0.0
                var norm = 0.0
                for k in 0..<dimension {
                    let w = features[j, k]
                    dotProduct += w * (residual[k] + m[j] * w)
                    norm += w * w
                }
                let p = prior.components[j].probability
                let logit = log(p) - log1p(-p) + (dotProduct - 0.5 * norm) / s2
                let updated = logit >= 0 ? 1 / (1 + exp(-logit)) : exp(logit) / (1 + exp(logit))
                let delta = updated - m[j]
                if delta != 0 {
                    for k in 0..<dimension { residual[k] -= delta * features[j, k] }
                }
                largestMove = max(largestMove, abs(delta))
                m[j] = updated
            }
            let q = try ProductDistribution<Bernoulli>(probabilities: m)
            trace.append(try analyticELBO(x, q))
            if largestMove < tolerance { break }
        }
        return (try ProductDistribution<Bernoulli>(probabilities: m), trace)
    }
}
