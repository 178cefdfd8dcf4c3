internal import SystemLibC

/// A finite mixture Σₖ wₖ pₖ(x) of components of one type.
///
/// `Mixture<Normal>` (alias `NormalMixture`) is a 1-D Gaussian mixture, `Mixture<MultivariateNormal>`
/// (alias `MultivariateNormalMixture`) a d-dimensional one; any `Distribution` can be a component.
/// Densities are combined in log space, so a point far from every component still gets a finite
/// log density.
public struct Mixture<Component: Distribution>: Distribution {
    /// The mixing weights, as a categorical distribution over the components.
    public let weights: Categorical
    /// The components.
    public let components: [Component]

    /// Creates a mixture.
    ///
    /// - Parameters:
    ///   - weights: K non-negative weights summing to one (within 10⁻⁸).
    ///   - components: K components.
    /// - Throws: `InferenceError` when the weights are invalid or their count differs from the
    ///   number of components.
    public init(weights: [Double], components: [Component]) throws {
        try _requireSameDimension(weights.count, components.count, "mixture weights (one per component)")
        self.weights = try Categorical(probabilities: weights)
        self.components = components
    }

    /// The number of components K.
    public var count: Int { components.count }

    /// log Σₖ wₖ pₖ(x), by log-sum-exp.
    ///
    /// - Throws: whatever a component throws for `x`.
    public func logDensity(_ x: Component.Value) throws -> Double {
        var acc = LogSumExpAccumulator()
        for k in components.indices where weights.probabilities[k] > 0 {
            acc.add(weights.logProbabilities[k] + (try components[k].logDensity(x)))
        }
        return acc.value
    }

    /// The posterior probability of each component given `x` (the responsibilities):
    /// wₖ pₖ(x) / Σⱼ wⱼ pⱼ(x).
    ///
    /// - Throws: whatever a component throws for `x`; `.numericalFailure` when every component has
    ///   density zero at `x`.
    public func responsibilities(_ x: Component.Value) throws -> [Double] {
        let logs = try components.indices.map { k in
            weights.logProbabilities[k] + (try components[k].logDensity(x))
        }
        let total = logSumExp(logs)
        guard total > -.infinity else {
            throw InferenceError(.numericalFailure, "every mixture component has density zero at this point")
        }
        return logs.map { exp($0 - total) }
    }

    /// Draws a component by its weight, then a value from it.
    public func sample<G: RandomNumberGenerator>(using generator: inout G) -> Component.Value {
        components[weights.sample(using: &generator)].sample(using: &generator)
    }
}

extension Mixture: Equatable where Component: Equatable {}
extension Mixture: Hashable where Component: Hashable {}

/// A Gaussian mixture on the real line.
public typealias NormalMixture = Mixture<Normal>
/// A Gaussian mixture in d dimensions.
public typealias MultivariateNormalMixture = Mixture<MultivariateNormal>

extension Mixture: UnivariateDensity where Component: UnivariateDistribution {
    /// The union of the components' effective supports (of those with positive weight).
    public var effectiveSupport: ClosedRange<Double> {
        var lo = Double.infinity
        var hi = -Double.infinity
        for k in components.indices where weights.probabilities[k] > 0 {
            lo = min(lo, components[k].effectiveSupport.lowerBound)
            hi = max(hi, components[k].effectiveSupport.upperBound)
        }
        return lo...hi
    }
}

extension Mixture: UnivariateDistribution where Component: UnivariateDistribution {
    /// Σₖ wₖ μₖ.
    public var mean: Double {
        zip(weights.probabilities, components).reduce(0) { $0 + $1.0 * $1.1.mean }
    }

    /// Σₖ wₖ (σₖ² + μₖ²) − μ², the law of total variance.
    public var variance: Double {
        let m = mean
        return zip(weights.probabilities, components).reduce(0) { acc, wc in
            let d = wc.1.mean - m
            return acc + wc.0 * (wc.1.variance + d * d)
        }
    }

}

extension Mixture where Component == Normal {
    /// A 1-D Gaussian mixture Σₖ wₖ N(μₖ, σₖ²).
    ///
    /// - Parameters:
    ///   - weights: K weights summing to one.
    ///   - means: K means.
    ///   - standardDeviations: K positive standard deviations.
    /// - Throws: `InferenceError` naming the first bad parameter or a length mismatch.
    public init(weights: [Double], means: [Double], standardDeviations: [Double]) throws {
        try _requireSameDimension(means.count, weights.count, "mixture means")
        try _requireSameDimension(standardDeviations.count, weights.count, "mixture standard deviations")
        try self.init(
            weights: weights,
            components: try zip(means, standardDeviations).map { try Normal(mean: $0, standardDeviation: $1) })
    }
}

extension Mixture where Component == MultivariateNormal {
    /// The mean Σₖ wₖ μₖ.
    public var mean: [Double] {
        let d = components.first?.dimension ?? 0
        var m = [Double](repeating: 0, count: d)
        for (w, c) in zip(weights.probabilities, components) {
            for i in 0..<min(d, c.dimension) { m[i] += w * c.mean[i] }
        }
        return m
    }

    /// The covariance Σₖ wₖ (Σₖ + (μₖ − μ)(μₖ − μ)ᵀ).
    public var covarianceMatrix: Matrix {
        let m = mean
        let d = m.count
        var cov = Matrix(rows: d, columns: d)
        for (w, c) in zip(weights.probabilities, components) where c.dimension == d {
            let ck = c.covarianceMatrix
            for i in 0..<d {
                for j in 0..<d {
                    cov[i, j] += w * (ck[i, j] + (c.mean[i] - m[i]) * (c.mean[j] - m[j]))
                }
            }
        }
        return cov
    }
}
