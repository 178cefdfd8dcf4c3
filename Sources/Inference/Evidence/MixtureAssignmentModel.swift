internal import SystemLibC

/// A 1-D Gaussian mixture seen as a latent-variable model of a whole data set: N observations,
/// each with its own cluster label zᵢ ~ Categorical(w) and xᵢ | zᵢ ~ N(μ_{zᵢ}, σ²_{zᵢ}).
///
/// The latent space has K^N values, so `naiveMonteCarloLogEvidence` draws uniform labellings
/// (almost all of them terrible) and `enumeratedLogEvidence` visits every one (feasible for
/// K^N up to a few million). Because the labels are independent given the data, the exact evidence
/// also factorises, log p(x) = Σᵢ log Σₖ wₖ N(xᵢ; μₖ, σₖ²), which `exactLogEvidence` uses, and the
/// exact posterior is a product of categoricals (`posterior`), so the ELBO can reach log p(x).
public struct MixtureAssignmentModel: EnumerableLatentVariableModel, ClosedFormELBOModel {
    /// The mixture that generates each point.
    public let mixture: NormalMixture
    /// The number of observations N the model describes.
    public let count: Int
    /// The prior over labellings: N independent copies of the mixing weights.
    public let prior: ProductDistribution<Categorical>

    /// Creates the model for data sets of `count` points.
    ///
    /// - Throws: `InferenceError(.invalidInput)` when `count < 1`.
    public init(mixture: NormalMixture, count: Int) throws {
        guard count >= 1 else { throw InferenceError(.invalidInput, "the data set must have at least one point, got \(count)") }
        self.mixture = mixture
        self.count = count
        self.prior = ProductDistribution(Array(repeating: mixture.weights, count: count))
    }

    private func check(_ x: [Double]) throws {
        try _requireSameDimension(x.count, count, "data set size")
        try _requireFinite(x, "data")
    }

    /// Σᵢ log N(xᵢ; μ_{zᵢ}, σ²_{zᵢ}).
    ///
    /// - Throws: `InferenceError` for a data set of the wrong size, a non-finite point, or a label
    ///   outside `0..<K`.
    public func logLikelihood(_ x: [Double], given z: [Int]) throws -> Double {
        try check(x)
        try _requireSameDimension(z.count, count, "labelling")
        var s = 0.0
        for i in 0..<count {
            guard z[i] >= 0, z[i] < mixture.count else {
                throw InferenceError(.invalidInput, "label \(i) is \(z[i]), outside 0..<\(mixture.count)")
            }
            s += mixture.components[z[i]].logDensity(x[i])
        }
        return s
    }

    /// The exact log p(x) = Σᵢ log Σₖ wₖ N(xᵢ; μₖ, σₖ²), in O(NK).
    ///
    /// - Throws: `InferenceError` for a data set of the wrong size or a non-finite point.
    public func exactLogEvidence(_ x: [Double]) throws -> Double {
        try check(x)
        return try x.reduce(0) { $0 + (try mixture.logDensity($1)) }
    }

    /// The exact posterior over labellings: independent categoricals with the responsibilities
    /// p(zᵢ = k | xᵢ) ∝ wₖ N(xᵢ; μₖ, σₖ²).
    ///
    /// - Throws: `InferenceError` for a data set of the wrong size or a non-finite point.
    public func posterior(_ x: [Double]) throws -> ProductDistribution<Categorical> {
        try check(x)
        return ProductDistribution(try x.map { try Categorical(probabilities: try mixture.responsibilities($0)) })
    }

    /// ELBO(q) = Σᵢ Σₖ qᵢₖ log N(xᵢ; μₖ, σₖ²) − Σᵢ KL(qᵢ ‖ w), exactly, for q = Πᵢ Categorical(qᵢ).
    ///
    /// - Throws: `InferenceError` for mismatched sizes or a non-finite point.
    public func analyticELBO(_ x: [Double], _ q: ProductDistribution<Categorical>) throws -> Double {
        try check(x)
        try _requireSameDimension(q.count, count, "variational distribution")
        var s = 0.0
        for i in 0..<count {
            let qi = q.components[i]
            try _requireSameDimension(qi.count, mixture.count, "variational categorical \(i)")
            for k in 0..<mixture.count where qi.probabilities[k] > 0 {
                s += qi.probabilities[k] * mixture.components[k].logDensity(x[i])
            }
            s -= try klDivergence(qi, mixture.weights)
        }
        return s
    }
}
