// Public: @inlinable bodies here call the C library's exp and log1p.
public import SystemLibC

/// Reductions over numbers held by their logarithms: log Σ exp, log mean exp, softmax.
///
/// The largest term is factored out before exponentiating, so terms of ±10⁵ are handled as well as terms
/// near zero. Terms equal to −∞ contribute nothing; NaN propagates.
///
/// Error bounds: for n finite terms with largest m, `logSumExp` returns m + log(s), where s ∈ [1, n] sums
/// n exponentials each within about 1 ulp (the C library's `exp`). The relative error of s is at most
/// about (n + 1)·u (u = 2⁻⁵³; Higham, *Accuracy and Stability*, §4.2), which log turns into an absolute
/// error of the same size; the final addition adds u·|m + log s|.
public enum LogSpace {
    /// log Σᵢ exp(xᵢ) in two passes (maximum, then the scaled sum); −∞ for an empty input or all −∞,
    /// +∞ if a term is +∞, NaN if a term is NaN.
    /// - Complexity: O(n), n calls of `exp`.
    public static func logSumExp<C: Collection>(_ values: C) -> Double where C.Element == Double {
        var top = -Double.infinity
        for v in values {
            if v.isNaN { return .nan }
            if v > top { top = v }
        }
        if top == -.infinity || top == .infinity { return top }
        var s = 0.0
        for v in values { s += exp(v - top) }
        return top + log(s)
    }

    /// log((1/n) Σᵢ exp(xᵢ)): the log of the mean of the terms; −∞ for an empty input.
    public static func logMeanExp<C: Collection>(_ values: C) -> Double where C.Element == Double {
        guard !values.isEmpty else { return -.infinity }
        return logSumExp(values) - log(Double(values.count))
    }

    /// log(exp(a) + exp(b)), with one `exp` and one `log1p`.
    @inlinable
    public static func logAddExp(_ a: Double, _ b: Double) -> Double {
        let m = max(a, b)
        if m == -.infinity { return -.infinity }
        if m == .infinity { return .infinity }
        return m + log1p(exp(-abs(a - b)))
    }

    /// softmax(x)ᵢ = exp(xᵢ − log Σⱼ exp xⱼ): probabilities proportional to exp(xᵢ).
    ///
    /// Each probability has a relative error of about u·(|log Σⱼ exp xⱼ| + 2) (u = 2⁻⁵³): the rounding
    /// of the normaliser is carried into every exp, so logits near ±1000 give about 10⁻¹³.
    ///
    /// - Returns: the probabilities, or `nil` when every term is −∞ (or one is NaN or +∞), where no
    ///   normalisation exists.
    /// - Complexity: O(n), 2n calls of `exp`.
    public static func softmax(_ logits: [Double]) -> [Double]? {
        let total = logSumExp(logits)
        guard total.isFinite else { return nil }
        return logits.map { exp($0 - total) }
    }

    /// The log of the mean of weights given by their logarithms, with the delta-method standard error
    /// and the effective sample size, all from weights scaled by the largest.
    ///
    /// For weights wᵢ = exp(xᵢ), returns log w̄, sd(w)/(√n · w̄) (the standard error of log w̄ to first
    /// order; it is itself unreliable when a few weights dominate) and (Σw)²/Σw². The variance is summed
    /// in two passes, so it is not lost to cancellation when the weights are nearly equal.
    ///
    /// - Returns: for a largest term of −∞ (no weight is positive): (−∞, +∞, 0); for +∞ or NaN among
    ///   the terms: (that value, NaN, NaN). With one term the standard error is NaN.
    /// - Complexity: O(n), 2n calls of `exp`.
    public static func logMeanExpEstimate(_ logWeights: [Double]) -> WeightedLogMean {
        let n = Double(logWeights.count)
        var top = -Double.infinity
        for v in logWeights {
            if v.isNaN { return WeightedLogMean(logMean: .nan, standardError: .nan, effectiveSampleSize: .nan) }
            if v > top { top = v }
        }
        if top == -.infinity { return WeightedLogMean(logMean: -.infinity, standardError: .infinity, effectiveSampleSize: 0) }
        if top == .infinity { return WeightedLogMean(logMean: .infinity, standardError: .nan, effectiveSampleSize: .nan) }
        var sum = 0.0
        for v in logWeights { sum += exp(v - top) }
        let mean = sum / n
        var squares = 0.0
        var deviations = 0.0
        for v in logWeights {
            let w = exp(v - top)
            squares += w * w
            deviations += (w - mean) * (w - mean)
        }
        let sd = (deviations / (n - 1)).squareRoot()
        return WeightedLogMean(
            logMean: top + log(mean), standardError: sd / (n.squareRoot() * mean), effectiveSampleSize: sum * sum / squares)
    }

    /// What `logMeanExpEstimate` returns.
    public struct WeightedLogMean: Sendable, Hashable {
        /// log((1/n) Σ wᵢ).
        public var logMean: Double
        /// The delta-method standard error of `logMean`.
        public var standardError: Double
        /// (Σw)²/Σw², between 1 and n.
        public var effectiveSampleSize: Double
    }

    /// A running log-sum-exp: add log-terms one at a time, in one pass, and read log Σ exp at any point.
    ///
    /// Keeps the running maximum and the sum of the terms scaled by it, rescaling when a larger term
    /// arrives (one extra `exp` per new maximum), so a million terms spread over hundreds of orders of
    /// magnitude are summed without underflow. Two accumulators merge, for work split across threads.
    /// The error bound is that of `logSumExp` plus one rounding per rescaling.
    public struct Accumulator: Sendable, Hashable {
        /// The largest term seen so far.
        public private(set) var maximum: Double = -.infinity
        /// Σ exp(xᵢ − maximum).
        public private(set) var scaledSum: Double = 0
        /// How many terms were added.
        public private(set) var count: Int = 0

        public init() {}

        /// Resumes from a state read off another accumulator (`maximum`, `scaledSum`, `count`).
        public init(maximum: Double, scaledSum: Double, count: Int) {
            self.maximum = maximum
            self.scaledSum = scaledSum
            self.count = count
        }

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
        public mutating func merge(_ other: Accumulator) {
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
}
