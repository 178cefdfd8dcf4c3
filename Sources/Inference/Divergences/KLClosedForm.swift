internal import SystemLibC

/// KL(p ‖ q) = log(σq/σp) + (σp² + (μp − μq)²)/(2σq²) − ½, exactly.
///
/// - Parameters:
///   - p: the distribution the expectation is taken under.
///   - q: the reference.
/// - Returns: the divergence in nats (≥ 0; zero only when p = q).
public func klDivergence(_ p: Normal, _ q: Normal) -> Double {
    let ratio = p.standardDeviation / q.standardDeviation
    let d = (p.mean - q.mean) / q.standardDeviation
    // log(σq/σp) + (r² − 1)/2 + d²/2, with r = σp/σq; −log r + (r²−1)/2 ≥ 0 computed stably.
    return -log(ratio) + 0.5 * (ratio * ratio - 1) + 0.5 * d * d
}

/// KL(p ‖ q) between multivariate normals, full or diagonal:
/// ½ (tr(Σq⁻¹ Σp) + (μq − μp)ᵀ Σq⁻¹ (μq − μp) − d + log det Σq − log det Σp).
///
/// Goes through the Cholesky factors (tr(Σq⁻¹Σp) = ‖Lq⁻¹ Lp‖²_F), never an inverse; O(d) when both
/// are diagonal, O(d³) otherwise.
/// - Throws: `InferenceError(.dimensionMismatch)` when the dimensions differ.
public func klDivergence(_ p: MultivariateNormal, _ q: MultivariateNormal) throws -> Double {
    try _requireSameDimension(p.dimension, q.dimension, "KL divergence between multivariate normals")
    let d = p.dimension
    let diff = _subtract(q.mean, p.mean)
    if case .diagonal(let vp) = p.covariance, case .diagonal(let vq) = q.covariance {
        var s = 0.0
        for i in 0..<d {
            let r = vp[i] / vq[i]
            s += r - 1 - log(r) + diff[i] * diff[i] / vq[i]
        }
        return 0.5 * s
    }
    let lq = q.choleskyFactor
    let lp = p.choleskyFactor
    var trace = 0.0
    for j in 0..<d {
        // Column j of Lp, solved against Lq.
        var column = [Double](repeating: 0, count: d)
        for i in 0..<d { column[i] = lp.lower[i, j] }
        trace += _squaredNorm(lq.solveLower(column))
    }
    let mahalanobis = lq.inverseQuadraticForm(diff)
    return 0.5 * (trace + mahalanobis - Double(d) + lq.logDeterminant - lp.logDeterminant)
}

/// KL(p ‖ q) = Σₖ pₖ log(pₖ/qₖ) between categorical distributions.
///
/// Terms with pₖ = 0 contribute zero; a category with pₖ > 0 and qₖ = 0 makes the divergence +∞.
/// - Throws: `InferenceError(.dimensionMismatch)` when the numbers of categories differ.
public func klDivergence(_ p: Categorical, _ q: Categorical) throws -> Double {
    try _requireSameDimension(p.count, q.count, "KL divergence between categoricals (number of categories)")
    var s = 0.0
    for k in 0..<p.count where p.probabilities[k] > 0 {
        if q.probabilities[k] == 0 { return .infinity }
        s += p.probabilities[k] * (p.logProbabilities[k] - q.logProbabilities[k])
    }
    return max(s, 0)
}

/// KL(p ‖ q) between Bernoulli distributions: p log(p/q) + (1 − p) log((1 − p)/(1 − q)).
///
/// +∞ when q puts zero probability on an outcome p allows.
public func klDivergence(_ p: Bernoulli, _ q: Bernoulli) -> Double {
    func term(_ a: Double, _ b: Double) -> Double {
        if a == 0 { return 0 }
        if b == 0 { return .infinity }
        return a * (log(a) - log(b))
    }
    return max(term(p.probability, q.probability) + term(1 - p.probability, 1 - q.probability), 0)
}

/// KL between products of independent coordinates: the sum of the coordinates' divergences.
/// - Throws: `InferenceError(.dimensionMismatch)` when the lengths differ.
public func klDivergence(_ p: ProductDistribution<Bernoulli>, _ q: ProductDistribution<Bernoulli>) throws -> Double {
    try _requireSameDimension(p.count, q.count, "KL divergence between products of Bernoullis")
    return zip(p.components, q.components).reduce(0) { $0 + klDivergence($1.0, $1.1) }
}

/// KL between products of independent categoricals: the sum of the coordinates' divergences.
/// - Throws: `InferenceError(.dimensionMismatch)` when the lengths or category counts differ.
public func klDivergence(_ p: ProductDistribution<Categorical>, _ q: ProductDistribution<Categorical>) throws -> Double {
    try _requireSameDimension(p.count, q.count, "KL divergence between products of categoricals")
    var s = 0.0
    for (a, b) in zip(p.components, q.components) { s += try klDivergence(a, b) }
    return s
}

/// KL between products of independent normals: the sum of the coordinates' divergences.
/// - Throws: `InferenceError(.dimensionMismatch)` when the lengths differ.
public func klDivergence(_ p: ProductDistribution<Normal>, _ q: ProductDistribution<Normal>) throws -> Double {
    try _requireSameDimension(p.count, q.count, "KL divergence between products of normals")
    return zip(p.components, q.components).reduce(0) { $0 + klDivergence($1.0, $1.1) }
}
