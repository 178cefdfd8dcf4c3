#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif

/// log Σᵢ exp(xᵢ), computed without overflow or underflow.
///
/// The largest term is factored out, so terms of −10⁵ or +10⁵ are handled exactly as well as terms
/// near zero. Terms equal to −∞ contribute nothing; an empty input gives −∞.
///
/// - Parameter values: the logarithms of the terms.
/// - Returns: the logarithm of their sum (NaN only if an input is NaN).
public func logSumExp<C: Collection>(_ values: C) -> Double where C.Element == Double {
    var acc = LogSumExpAccumulator()
    for v in values { acc.add(v) }
    return acc.value
}

/// log((1/n) Σᵢ exp(xᵢ)): the log of the mean of the terms, in log space.
///
/// - Returns: −∞ for an empty input.
public func logMeanExp<C: Collection>(_ values: C) -> Double where C.Element == Double {
    guard !values.isEmpty else { return -.infinity }
    return logSumExp(values) - log(Double(values.count))
}

/// log(exp(a) + exp(b)) without overflow or underflow.
@inlinable
public func logAddExp(_ a: Double, _ b: Double) -> Double {
    let m = max(a, b)
    if m == -.infinity { return -.infinity }
    if m == .infinity { return .infinity }
    return m + log1p(exp(-abs(a - b)))
}

/// A running log-sum-exp: add log-terms one at a time, in one pass, and read log Σ exp at any point.
///
/// Keeps the running maximum and the sum of the terms scaled by it, rescaling when a larger term
/// arrives, so a million terms spread over hundreds of orders of magnitude are summed without
/// underflow. Two accumulators can be merged (for work split across threads).
public struct LogSumExpAccumulator: Sendable, Hashable {
    /// The largest term seen so far.
    public private(set) var maximum: Double = -.infinity
    /// Σ exp(xᵢ − maximum).
    public private(set) var scaledSum: Double = 0
    /// How many terms were added.
    public private(set) var count: Int = 0

    public init() {}

    /// Adds a term given by its logarithm.
    public mutating func add(_ logTerm: Double) {
        count += 1
        if maximum.isNaN || logTerm == -.infinity { return }
        if logTerm.isNaN {
            maximum = .nan
        } else if logTerm <= maximum {
            scaledSum += exp(logTerm - maximum)
        } else {
            scaledSum = scaledSum * exp(maximum - logTerm) + 1
            maximum = logTerm
        }
    }

    /// Adds every term of another accumulator.
    public mutating func merge(_ other: LogSumExpAccumulator) {
        count += other.count
        if maximum.isNaN || other.maximum == -.infinity { return }
        if other.maximum.isNaN {
            maximum = .nan
            return
        }
        if maximum == -.infinity {
            maximum = other.maximum
            scaledSum = other.scaledSum
        } else if other.maximum <= maximum {
            scaledSum += other.scaledSum * exp(other.maximum - maximum)
        } else {
            scaledSum = scaledSum * exp(maximum - other.maximum) + other.scaledSum
            maximum = other.maximum
        }
    }

    /// log Σ exp(xᵢ) of the terms so far (−∞ when none).
    public var value: Double {
        if maximum == -.infinity || maximum == .infinity || maximum.isNaN { return maximum }
        return maximum + log(scaledSum)
    }
}
