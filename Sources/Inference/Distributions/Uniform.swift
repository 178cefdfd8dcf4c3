internal import SystemLibC

/// The continuous uniform distribution on [lower, upper].
public struct Uniform: UnivariateDistribution, Hashable, CustomStringConvertible {
    /// The lower end of the interval.
    public let lower: Double
    /// The upper end of the interval.
    public let upper: Double

    /// Creates the uniform distribution on [lower, upper].
    ///
    /// - Throws: `InferenceError(.invalidInput)` unless both ends are finite and `lower < upper`.
    public init(lower: Double = 0, upper: Double = 1) throws {
        try _requireFinite(lower, "uniform lower bound")
        try _requireFinite(upper, "uniform upper bound")
        guard lower < upper else {
            throw InferenceError(.invalidInput, "uniform bounds must satisfy lower < upper, got [\(lower), \(upper)]")
        }
        self.lower = lower
        self.upper = upper
    }

    /// −log(upper − lower) inside the interval, −∞ outside.
    public func logDensity(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        return (x >= lower && x <= upper) ? -log(upper - lower) : -.infinity
    }

    public func sample<G: RandomNumberGenerator>(using generator: inout G) -> Double {
        lower + (upper - lower) * generator.nextUniform()
    }

    /// (lower + upper)/2.
    public var mean: Double { 0.5 * (lower + upper) }
    /// (upper − lower)²/12.
    public var variance: Double { (upper - lower) * (upper - lower) / 12 }
    /// log(upper − lower).
    public var entropy: Double { log(upper - lower) }
    /// The interval itself.
    public var effectiveSupport: ClosedRange<Double> { lower...upper }

    public var description: String { "Uniform(\(lower), \(upper))" }
}
