internal import SystemLibC
internal import NumericsCore

/// The exact log evidence log p(x) of a model with a finite latent space, as an estimate with
/// standard error zero and n = |Z|.
///
/// - Throws: `InferenceError` from the model.
public func exactLogEvidence<M: EnumerableLatentVariableModel>(of x: M.Observation, in model: M) throws
    -> LogEvidenceEstimate
{
    let value = try model.exactLogEvidence(x)
    guard !value.isNaN else { throw InferenceError(.numericalFailure, "the exact log evidence is NaN") }
    return LogEvidenceEstimate(logEvidence: value, standardError: 0, sampleCount: try model.prior.supportSize())
}

/// Naive Monte Carlo: log p(x) ≈ log |Z| + log((1/n) Σᵢ p(x, zᵢ)) with zᵢ uniform on the latent space.
///
/// p̂(x) is unbiased for p(x), but its log is biased downwards (Jensen), and the variance is
/// enormous when the posterior is concentrated: uniform draws almost never hit the z that carry
/// the mass, which is the point of the lecture. The standard error is the delta-method value and
/// the effective sample size (Σw)²/Σw² shows how few draws matter.
///
/// - Parameters:
///   - x: the observation.
///   - model: a model with a finite latent space.
///   - samples: n ≥ 2.
///   - generator: the random source.
/// - Throws: `InferenceError(.invalidInput)` when n < 2, and errors from the model.
public func naiveMonteCarloLogEvidence<M: EnumerableLatentVariableModel, G: RandomNumberGenerator>(
    of x: M.Observation, in model: M, samples: Int, using generator: inout G
) throws -> LogEvidenceEstimate {
    try _requireSamples(samples)
    let size = try model.prior.supportSize()
    let logSize = log(Double(size))
    var logWeights = [Double](repeating: 0, count: samples)
    for i in 0..<samples {
        let index = Int(truncatingIfNeeded: generator.next().multipliedFullWidth(by: UInt64(size)).high)
        logWeights[i] = try model.logJoint(x, model.prior.value(at: index)) + logSize
    }
    return try _logMeanExpEstimate(logWeights, withEffectiveSampleSize: true)
}

/// Importance sampling: log p(x) ≈ log((1/n) Σᵢ p(x, zᵢ)/q(zᵢ)) with zᵢ drawn from a proposal q.
///
/// p̂(x) is unbiased for p(x) whenever q > 0 wherever p(x, ·) > 0; its log is biased downwards by
/// about Var(w)/(2n·E[w]²). Pass `model.prior` as q for prior sampling. With q equal to the exact
/// posterior every weight equals p(x) and the variance is zero.
///
/// - Parameters:
///   - x: the observation.
///   - model: the model.
///   - proposal: q(z), which must sample and score latent values.
///   - samples: n ≥ 2.
///   - generator: the random source.
/// - Returns: the estimate, its delta-method standard error, n and the effective sample size.
/// - Throws: `InferenceError(.invalidInput)` when n < 2, and errors from the model or proposal.
public func importanceSamplingLogEvidence<M: LatentVariableModel, Q: Distribution, G: RandomNumberGenerator>(
    of x: M.Observation, in model: M, proposal: Q, samples: Int, using generator: inout G
) throws -> LogEvidenceEstimate where Q.Value == M.Latent {
    try _requireSamples(samples)
    var logWeights = [Double](repeating: 0, count: samples)
    for i in 0..<samples {
        let z = proposal.sample(using: &generator)
        logWeights[i] = try model.logJoint(x, z) - (try proposal.logDensity(z))
    }
    return try _logMeanExpEstimate(logWeights, withEffectiveSampleSize: true)
}

/// The evidence lower bound ELBO(q) = E_q[log p(x, z) − log q(z)] by Monte Carlo.
///
/// Unbiased for the ELBO (not for log p(x)): ELBO(q) = log p(x) − KL(q ‖ p(z | x)) ≤ log p(x), with
/// equality exactly when q is the posterior. The variance is Var_q[log p(x, z) − log q(z)]/n.
///
/// - Parameters:
///   - x: the observation.
///   - model: the model.
///   - variational: q(z).
///   - samples: n ≥ 2.
///   - generator: the random source.
/// - Throws: `InferenceError(.invalidInput)` when n < 2, and errors from the model or q.
public func elbo<M: LatentVariableModel, Q: Distribution, G: RandomNumberGenerator>(
    of x: M.Observation, in model: M, variational: Q, samples: Int, using generator: inout G
) throws -> MonteCarloEstimate where Q.Value == M.Latent {
    try _requireSamples(samples)
    var terms = [Double](repeating: 0, count: samples)
    for i in 0..<samples {
        let z = variational.sample(using: &generator)
        terms[i] = try model.logJoint(x, z) - (try variational.logDensity(z))
    }
    return try MonteCarloEstimate(averaging: terms)
}

/// The importance-weighted bound IWAE-K = E[log((1/K) Σₖ p(x, zₖ)/q(zₖ))], zₖ ~ q, by Monte Carlo
/// over `groups` independent groups of K draws.
///
/// ELBO = IWAE-1 ≤ IWAE-K ≤ IWAE-(K+1) ≤ log p(x), and IWAE-K → log p(x) as K grows (Burda et al.).
/// The estimate is unbiased for IWAE-K; its standard error comes from the spread across groups.
///
/// - Parameters:
///   - x: the observation.
///   - model: the model.
///   - proposal: q(z).
///   - k: draws per group, K ≥ 1.
///   - groups: independent groups, ≥ 2.
///   - generator: the random source.
/// - Returns: the estimate with its standard error; `sampleCount` is the number of groups.
/// - Throws: `InferenceError(.invalidInput)` for K < 1 or fewer than 2 groups, and model errors.
public func iwaeBound<M: LatentVariableModel, Q: Distribution, G: RandomNumberGenerator>(
    of x: M.Observation, in model: M, proposal: Q, k: Int, groups: Int, using generator: inout G
) throws -> MonteCarloEstimate where Q.Value == M.Latent {
    guard k >= 1 else { throw InferenceError(.invalidInput, "IWAE needs K ≥ 1 draws per group, got \(k)") }
    try _requireSamples(groups)
    var terms = [Double](repeating: 0, count: groups)
    var logWeights = [Double](repeating: 0, count: k)
    for g in 0..<groups {
        for j in 0..<k {
            let z = proposal.sample(using: &generator)
            logWeights[j] = try model.logJoint(x, z) - (try proposal.logDensity(z))
        }
        terms[g] = logMeanExp(logWeights)
    }
    return try MonteCarloEstimate(averaging: terms)
}

private func _requireSamples(_ n: Int) throws {
    guard n >= 2 else {
        throw InferenceError(.invalidInput, "a Monte Carlo estimate needs at least 2 samples, got \(n)")
    }
}

/// log of the mean of exp(logWeights), with the delta-method standard error sd(w)/(√n mean(w)) and
/// the effective sample size (Σw)²/Σw² (`NumericsCore.LogSpace.logMeanExpEstimate`).
func _logMeanExpEstimate(_ logWeights: [Double], withEffectiveSampleSize: Bool) throws -> LogEvidenceEstimate {
    if let i = logWeights.firstIndex(where: \.isNaN) {
        throw InferenceError(.numericalFailure, "log weight \(i) is NaN")
    }
    if logWeights.contains(.infinity) { throw InferenceError(.numericalFailure, "an importance weight is infinite") }
    let estimate = LogSpace.logMeanExpEstimate(logWeights)
    return LogEvidenceEstimate(
        logEvidence: estimate.logMean, standardError: estimate.standardError, sampleCount: logWeights.count,
        effectiveSampleSize: withEffectiveSampleSize ? estimate.effectiveSampleSize : nil)
}
