internal import NumericsCore
internal import SystemLibC

/// The normal (Gaussian) distribution N(μ, σ²) on the real line.
public struct Normal: UnivariateDistribution, Hashable, CustomStringConvertible {
    /// The mean μ.
    public let mean: Double
    /// The standard deviation σ > 0.
    public let standardDeviation: Double

    /// Creates N(mean, standardDeviation²).
    ///
    /// - Parameters:
    ///   - mean: μ, finite.
    ///   - standardDeviation: σ, finite and positive.
    /// - Throws: `InferenceError(.invalidInput)` naming the bad parameter.
    public init(mean: Double = 0, standardDeviation: Double = 1) throws {
        try _requireFinite(mean, "normal mean")
        try _requireFinite(standardDeviation, "normal standard deviation")
        guard standardDeviation > 0 else {
            throw InferenceError(
                .invalidInput, "normal standard deviation must be positive, got \(standardDeviation)")
        }
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// Creates N(mean, variance).
    ///
    /// - Throws: `InferenceError(.invalidInput)` when the variance is not positive and finite.
    public init(mean: Double = 0, variance: Double) throws {
        guard variance > 0, variance.isFinite else {
            throw InferenceError(.invalidInput, "normal variance must be positive and finite, got \(variance)")
        }
        try self.init(mean: mean, standardDeviation: variance.squareRoot())
    }

    /// The standard normal N(0, 1).
    public static let standard = try! Normal(mean: 0, standardDeviation: 1)

    /// σ².
    public var variance: Double { standardDeviation * standardDeviation }

    /// log N(x; μ, σ²) = −½ log 2π − log σ − (x − μ)²/(2σ²). A NaN `x` gives NaN.
    public func logDensity(_ x: Double) -> Double {
        let z = (x - mean) / standardDeviation
        return -0.5 * MathConstants.logTwoPi - log(standardDeviation) - 0.5 * z * z
    }

    /// The cumulative distribution function P(X ≤ x).
    public func cdf(_ x: Double) -> Double {
        0.5 * erfc(-(x - mean) / (standardDeviation * 2.0.squareRoot()))
    }

    /// A draw μ + σ·ε with ε standard normal.
    public func sample<G: RandomNumberGenerator>(using generator: inout G) -> Double {
        mean + standardDeviation * generator.nextStandardNormal()
    }

    /// The differential entropy ½ log(2πe σ²).
    public var entropy: Double { _LogConstants.standardNormalEntropy + log(standardDeviation) }

    /// μ ± 9σ, which leaves out a mass of about 2·10⁻¹⁹.
    public var effectiveSupport: ClosedRange<Double> {
        (mean - 9 * standardDeviation)...(mean + 9 * standardDeviation)
    }

    public var description: String { "N(\(mean), \(standardDeviation)²)" }
}
