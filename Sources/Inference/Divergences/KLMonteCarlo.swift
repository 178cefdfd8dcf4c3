/// A Monte Carlo estimate of KL(p ‖ q) = E_p[log p(x) − log q(x)], for any pair that can sample
/// and score the same kind of value.
///
/// Draws x₁…xₙ from p and averages log p(xᵢ) − log q(xᵢ). The estimate is unbiased; its variance
/// is Var_p[log p − log q]/n, estimated from the same draws to give the standard error. Single
/// terms can be negative even though KL ≥ 0.
///
/// - Parameters:
///   - p: the distribution the expectation is taken under (it is sampled).
///   - q: the reference (it is only scored).
///   - samples: n ≥ 2.
///   - generator: the random source.
/// - Returns: the estimate with its standard error and n; +∞ when some draw has q-density zero.
/// - Throws: `InferenceError(.invalidInput)` when n < 2, `.numericalFailure` for a NaN term, and
///   whatever scoring throws (e.g. a dimension mismatch).
public func klDivergenceMonteCarlo<P: Distribution, Q: Distribution, G: RandomNumberGenerator>(
    _ p: P, _ q: Q, samples: Int, using generator: inout G
) throws -> MonteCarloEstimate where P.Value == Q.Value {
    guard samples >= 2 else {
        throw InferenceError(.invalidInput, "a Monte Carlo KL estimate needs at least 2 samples, got \(samples)")
    }
    var terms = [Double](repeating: 0, count: samples)
    for i in 0..<samples {
        let x = p.sample(using: &generator)
        let lq = try q.logDensity(x)
        if lq == -.infinity { return MonteCarloEstimate(value: .infinity, standardError: 0, sampleCount: i + 1) }
        terms[i] = try p.logDensity(x) - lq
    }
    return try MonteCarloEstimate(averaging: terms)
}
