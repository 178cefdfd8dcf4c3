/// A probability distribution that can score a value and draw one.
///
/// Conform a type to state a model in a notebook: `logDensity` is the log of the density (continuous
/// values) or of the probability mass (discrete values); `sample` draws from the distribution using a
/// generator the caller passes, so results are reproducible.
public protocol Distribution: Sendable {
    /// The type of a draw: `Double`, `[Double]`, `Int`, `Bool`, `[Bool]`, …
    associatedtype Value

    /// The log density (or log probability mass) at `x`; −∞ outside the support.
    ///
    /// - Throws: `InferenceError` when `x` does not fit the distribution (wrong dimension, NaN).
    func logDensity(_ x: Value) throws -> Double

    /// One draw.
    func sample<G: RandomNumberGenerator>(using generator: inout G) -> Value
}

extension Distribution {
    /// `count` independent draws.
    public func sample<G: RandomNumberGenerator>(_ count: Int, using generator: inout G) -> [Value] {
        var draws: [Value] = []
        draws.reserveCapacity(max(count, 0))
        for _ in 0..<max(count, 0) { draws.append(sample(using: &generator)) }
        return draws
    }
}

/// A normalised density on the real line that can be integrated numerically: what 1-D quadrature
/// (KL divergences, Gaussian fits) needs. Every `UnivariateDistribution` is one; `DensityFunction`
/// makes one from a closure.
public protocol UnivariateDensity: Sendable {
    /// The log density at `x` (−∞ outside the support).
    func logDensity(_ x: Double) throws -> Double
    /// A closed interval holding all of the probability mass except a negligible amount (below
    /// about 10⁻¹⁸), used as the integration range of 1-D quadrature.
    var effectiveSupport: ClosedRange<Double> { get }
}

/// A distribution over the real line with a finite mean and variance.
public protocol UnivariateDistribution: Distribution, UnivariateDensity where Value == Double {
    /// The mean.
    var mean: Double { get }
    /// The variance.
    var variance: Double { get }
}

extension UnivariateDistribution {
    /// The standard deviation.
    public var standardDeviation: Double { variance.squareRoot() }
}

/// A distribution over finitely many values that can be listed by index: the latent space of a
/// model whose evidence can be computed exactly by enumeration.
public protocol FiniteDistribution: Distribution {
    /// How many values have positive probability or could; values are numbered `0..<supportSize`.
    /// Throws when the count does not fit in an `Int`.
    func supportSize() throws -> Int
    /// The value with number `index`, `0 ≤ index < supportSize()`.
    func value(at index: Int) -> Value
}

/// Log-densities that are used in several files.
package enum _LogConstants {
    /// ½ log(2πe), the entropy of a standard normal.
    package static let standardNormalEntropy = 1.4189385332046727417803297364056
}
