/// A latent-variable model p(x, z) = p(z) p(x | z), stated by its prior and its log-likelihood.
///
/// A notebook states a model in a few lines:
///
/// ```swift
/// struct Coin: LatentVariableModel {
///     let prior = try! ProductDistribution<Bernoulli>(probabilities: [0.5, 0.5])
///     func logLikelihood(_ x: Double, given z: [Bool]) throws -> Double {
///         try Normal(mean: z.filter { $0 }.count == 2 ? 1 : 0, standardDeviation: 1).logDensity(x)
///     }
/// }
/// ```
///
/// The evidence estimators (`importanceSamplingLogEvidence`, `elbo`, `iwaeBound`, and for a finite
/// latent space `naiveMonteCarloLogEvidence` and `exactLogEvidence`) work on any conforming type.
public protocol LatentVariableModel: Sendable {
    /// The type of an observation x (a vector, a data set, …).
    associatedtype Observation
    /// The prior p(z); sampling z from the prior is `prior.sample(using:)`.
    associatedtype Prior: Distribution
    /// The type of a latent value z.
    typealias Latent = Prior.Value

    /// The prior p(z).
    var prior: Prior { get }

    /// log p(x | z).
    ///
    /// - Throws: `InferenceError` when x does not fit the model (wrong dimension, NaN).
    func logLikelihood(_ x: Observation, given z: Latent) throws -> Double

    /// log p(x, z) = log p(z) + log p(x | z). The default adds the two; override it when the joint
    /// is cheaper to compute directly.
    func logJoint(_ x: Observation, _ z: Latent) throws -> Double
}

extension LatentVariableModel {
    public func logJoint(_ x: Observation, _ z: Latent) throws -> Double {
        let lp = try prior.logDensity(z)
        if lp == -.infinity { return -.infinity }
        return lp + (try logLikelihood(x, given: z))
    }
}

/// A latent-variable model whose latent space is finite, so log p(x) = log Σ_z p(x, z) can be
/// computed exactly (for 20 binary latents, about a million terms).
public protocol EnumerableLatentVariableModel: LatentVariableModel where Prior: FiniteDistribution {
    /// The exact log evidence log p(x). The default enumerates every z with a running log-sum-exp
    /// (O(|Z|) calls of `logJoint`); models override it with a faster exact method when they have one.
    ///
    /// - Throws: `InferenceError` from the model, or when |Z| does not fit in an `Int`.
    func exactLogEvidence(_ x: Observation) throws -> Double
}

extension EnumerableLatentVariableModel {
    public func exactLogEvidence(_ x: Observation) throws -> Double {
        try enumeratedLogEvidence(x)
    }

    /// log p(x) by plain enumeration of every z, whatever `exactLogEvidence` does: the reference
    /// against which faster exact methods are tested.
    ///
    /// - Throws: `InferenceError` from the model, or when |Z| does not fit in an `Int`.
    public func enumeratedLogEvidence(_ x: Observation) throws -> Double {
        let size = try prior.supportSize()
        var acc = LogSumExpAccumulator()
        for i in 0..<size { acc.add(try logJoint(x, prior.value(at: i))) }
        return acc.value
    }
}

/// A model whose ELBO has a closed form for a family of variational distributions q(z): the
/// expected log-likelihood E_q[log p(x | z)] is computable and KL(q ‖ p(z)) is closed.
public protocol ClosedFormELBOModel: LatentVariableModel {
    /// The variational family.
    associatedtype Variational: Distribution where Variational.Value == Latent

    /// ELBO(q) = E_q[log p(x | z)] − KL(q ‖ p(z)), exactly.
    ///
    /// - Throws: `InferenceError` when x or q does not fit the model.
    func analyticELBO(_ x: Observation, _ q: Variational) throws -> Double
}
