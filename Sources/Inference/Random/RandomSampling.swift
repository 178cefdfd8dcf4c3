internal import SystemLibC

extension RandomNumberGenerator {
    /// A draw from N(mean, standardDeviation²).
    ///
    /// - Throws: `InferenceError(.invalidInput)` unless the mean is finite and the standard
    ///   deviation positive and finite.
    public mutating func nextNormal(mean: Double, standardDeviation: Double) throws -> Double {
        try Normal(mean: mean, standardDeviation: standardDeviation).sample(using: &self)
    }

    /// `true` with probability `p`.
    ///
    /// - Throws: `InferenceError(.invalidInput)` unless 0 ≤ p ≤ 1.
    public mutating func nextBernoulli(probability p: Double) throws -> Bool {
        try Bernoulli(probability: p).sample(using: &self)
    }

    /// A category index drawn with the given probabilities.
    ///
    /// For many draws from the same probabilities, make a `Categorical` once and call its `sample`.
    /// - Throws: `InferenceError(.invalidInput)` for negative entries or a sum away from one.
    public mutating func nextCategorical(probabilities: [Double]) throws -> Int {
        try Categorical(probabilities: probabilities).sample(using: &self)
    }

    /// A draw from the gamma distribution with the given shape α and rate β (mean α/β).
    ///
    /// Marsaglia and Tsang's squeeze method for α ≥ 1; for α < 1 the boost
    /// G(α) = G(α + 1)·U^{1/α}, taken in log space (see `nextLogGamma`).
    /// - Throws: `InferenceError(.invalidInput)` unless shape and rate are positive and finite.
    public mutating func nextGamma(shape: Double, rate: Double = 1) throws -> Double {
        guard rate > 0, rate.isFinite else {
            throw InferenceError(.invalidInput, "gamma rate must be positive and finite, got \(rate)")
        }
        return exp(try nextLogGamma(shape: shape)) / rate
    }

    /// The logarithm of a draw from Gamma(shape, 1).
    ///
    /// For small shapes a gamma draw can underflow to zero (with α = 0.01 about a third of the draws
    /// are below 10⁻⁴⁰); its logarithm cannot, so Dirichlet draws are normalised in log space.
    /// - Throws: `InferenceError(.invalidInput)` unless the shape is positive and finite.
    public mutating func nextLogGamma(shape: Double) throws -> Double {
        guard shape > 0, shape.isFinite else {
            throw InferenceError(.invalidInput, "gamma shape must be positive and finite, got \(shape)")
        }
        if shape < 1 {
            // G(α) = G(α + 1) · U^{1/α}
            let boosted = try nextLogGamma(shape: shape + 1)
            return boosted + log(nextOpenUniform()) / shape
        }
        let d = shape - 1.0 / 3.0
        let c = 1.0 / (9.0 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = nextStandardNormal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = nextOpenUniform()
            let x2 = x * x
            if u < 1 - 0.0331 * x2 * x2 { return log(d * v) }
            if log(u) < 0.5 * x2 + d * (1 - v + log(v)) { return log(d * v) }
        }
    }

    /// A probability vector drawn from Dirichlet(α₁, …, α_K).
    ///
    /// Independent gamma draws Gₖ ~ Gamma(αₖ, 1) normalised to sum to one, done in log space so
    /// tiny concentrations give tiny (possibly zero) entries but never NaN.
    /// - Throws: `InferenceError(.invalidInput)` for an empty vector or a concentration that is not
    ///   positive and finite.
    public mutating func nextDirichlet(concentration: [Double]) throws -> [Double] {
        guard !concentration.isEmpty else {
            throw InferenceError(.invalidInput, "Dirichlet concentration is empty")
        }
        for (i, a) in concentration.enumerated() where !(a > 0 && a.isFinite) {
            throw InferenceError(.invalidInput, "Dirichlet concentration \(i) must be positive and finite, got \(a)")
        }
        var logs = [Double](repeating: 0, count: concentration.count)
        for i in logs.indices { logs[i] = try nextLogGamma(shape: concentration[i]) }
        let total = logSumExp(logs)
        return logs.map { exp($0 - total) }
    }

    /// A draw from N(mean, covariance) through the Cholesky factor of the covariance.
    ///
    /// For many draws, make a `MultivariateNormal` once (it factorises the covariance at creation).
    /// - Throws: as `MultivariateNormal(mean:covariance:)`.
    public mutating func nextMultivariateNormal(mean: [Double], covariance: Matrix) throws -> [Double] {
        try MultivariateNormal(mean: mean, covariance: covariance).sample(using: &self)
    }
}
