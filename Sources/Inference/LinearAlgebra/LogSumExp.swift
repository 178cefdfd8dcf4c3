internal import NumericsCore

/// log Σᵢ exp(xᵢ), computed without overflow or underflow.
///
/// The largest term is factored out, so terms of −10⁵ or +10⁵ are handled exactly as well as terms
/// near zero. Terms equal to −∞ contribute nothing; an empty input gives −∞. Computed by
/// `NumericsCore.LogSpace.logSumExp`, whose documentation gives the error bound.
///
/// - Parameter values: the logarithms of the terms.
/// - Returns: the logarithm of their sum (NaN only if an input is NaN).
public func logSumExp<C: Collection>(_ values: C) -> Double where C.Element == Double {
    LogSpace.logSumExp(values)
}

/// log((1/n) Σᵢ exp(xᵢ)): the log of the mean of the terms, in log space.
///
/// - Returns: −∞ for an empty input.
public func logMeanExp<C: Collection>(_ values: C) -> Double where C.Element == Double {
    LogSpace.logMeanExp(values)
}

/// log(exp(a) + exp(b)) without overflow or underflow.
public func logAddExp(_ a: Double, _ b: Double) -> Double {
    LogSpace.logAddExp(a, b)
}

/// A running log-sum-exp: add log-terms one at a time, in one pass, and read log Σ exp at any point.
///
/// Keeps the running maximum and the sum of the terms scaled by it, rescaling when a larger term
/// arrives, so a million terms spread over hundreds of orders of magnitude are summed without
/// underflow. Two accumulators can be merged (for work split across threads). The arithmetic is
/// `NumericsCore.LogSpace.Accumulator`'s.
public struct LogSumExpAccumulator: Sendable, Hashable {
    // Plain public fields, not the core's type: NumericsCore is an internal import, so Inference's
    // public API may not name its types.
    /// The largest term seen so far.
    public private(set) var maximum: Double = -.infinity
    /// Σ exp(xᵢ − maximum).
    public private(set) var scaledSum: Double = 0
    /// How many terms were added.
    public private(set) var count: Int = 0

    public init() {}

    /// Adds a term given by its logarithm.
    public mutating func add(_ logTerm: Double) {
        var core = self.core
        core.add(logTerm)
        self.core = core
    }

    /// Adds every term of another accumulator.
    public mutating func merge(_ other: LogSumExpAccumulator) {
        var core = self.core
        core.merge(other.core)
        self.core = core
    }

    /// log Σ exp(xᵢ) of the terms so far (−∞ when none).
    public var value: Double { core.value }

    private var core: LogSpace.Accumulator {
        get { LogSpace.Accumulator(maximum: maximum, scaledSum: scaledSum, count: count) }
        set {
            maximum = newValue.maximum
            scaledSum = newValue.scaledSum
            count = newValue.count
        }
    }
}
