internal import SystemLibC

/// The categorical distribution over the categories `0..<K` with probabilities p₀ … p_{K−1}.
public struct Categorical: FiniteDistribution, Hashable, CustomStringConvertible {
    /// The probabilities of the categories; they sum to one.
    public let probabilities: [Double]
    /// Their logarithms (−∞ for a zero probability).
    public let logProbabilities: [Double]
    /// Running sums of the probabilities, for sampling by bisection.
    private let cumulative: [Double]

    /// Creates a categorical distribution from probabilities.
    ///
    /// - Parameter probabilities: K ≥ 1 non-negative numbers whose sum is one within 10⁻⁸; they are
    ///   renormalised to sum to one exactly.
    /// - Throws: `InferenceError(.invalidInput)` for an empty list, a negative or non-finite entry,
    ///   or a sum away from one (the message gives the sum).
    public init(probabilities: [Double]) throws {
        guard !probabilities.isEmpty else {
            throw InferenceError(.invalidInput, "categorical probabilities are empty")
        }
        try _requireFinite(probabilities, "categorical probability")
        for (i, p) in probabilities.enumerated() where p < 0 {
            throw InferenceError(.invalidInput, "categorical probability \(i) is negative (\(p))")
        }
        let total = probabilities.reduce(0, +)
        guard abs(total - 1) <= 1e-8 else {
            throw InferenceError(
                .invalidInput, "categorical probabilities sum to \(total), not 1 (use init(weights:) to normalise)")
        }
        self.init(normalizedFrom: probabilities, total: total)
    }

    /// Creates a categorical distribution proportional to non-negative weights.
    ///
    /// - Throws: `InferenceError(.invalidInput)` for an empty list, a negative or non-finite weight,
    ///   or weights that are all zero.
    public init(weights: [Double]) throws {
        guard !weights.isEmpty else { throw InferenceError(.invalidInput, "categorical weights are empty") }
        try _requireFinite(weights, "categorical weight")
        for (i, w) in weights.enumerated() where w < 0 {
            throw InferenceError(.invalidInput, "categorical weight \(i) is negative (\(w))")
        }
        let total = weights.reduce(0, +)
        guard total > 0 else { throw InferenceError(.invalidInput, "categorical weights are all zero") }
        self.init(normalizedFrom: weights, total: total)
    }

    /// Creates the categorical distribution softmax(logits): pₖ ∝ exp(logitₖ), computed in log space.
    ///
    /// - Throws: `InferenceError(.invalidInput)` for an empty list, a NaN or +∞ logit, or all −∞.
    public init(logits: [Double]) throws {
        guard !logits.isEmpty else { throw InferenceError(.invalidInput, "categorical logits are empty") }
        for (i, l) in logits.enumerated() where l.isNaN || l == .infinity {
            throw InferenceError(.invalidInput, "categorical logit \(i) is \(l)")
        }
        let lse = logSumExp(logits)
        guard lse > -.infinity else { throw InferenceError(.invalidInput, "categorical logits are all −∞") }
        let logs = logits.map { $0 - lse }
        self.probabilities = logs.map { exp($0) }
        self.logProbabilities = logs
        self.cumulative = Self.runningSums(probabilities)
    }

    /// The uniform distribution over `count` categories.
    ///
    /// - Throws: `InferenceError(.invalidInput)` when `count < 1`.
    public static func uniform(_ count: Int) throws -> Categorical {
        guard count >= 1 else { throw InferenceError(.invalidInput, "a categorical needs at least one category") }
        return try Categorical(weights: Array(repeating: 1, count: count))
    }

    private init(normalizedFrom values: [Double], total: Double) {
        let p = values.map { $0 / total }
        self.probabilities = p
        self.logProbabilities = p.map { log($0) }
        self.cumulative = Self.runningSums(p)
    }

    private static func runningSums(_ p: [Double]) -> [Double] {
        var c = [Double](repeating: 0, count: p.count)
        var s = 0.0
        for i in p.indices {
            s += p[i]
            c[i] = s
        }
        return c
    }

    /// The number of categories K.
    public var count: Int { probabilities.count }

    /// log pₓ; −∞ for an index outside `0..<K`.
    public func logDensity(_ x: Int) -> Double {
        (x >= 0 && x < count) ? logProbabilities[x] : -.infinity
    }

    /// A draw by inverting the cumulative distribution (bisection, O(log K)).
    public func sample<G: RandomNumberGenerator>(using generator: inout G) -> Int {
        let u = generator.nextUniform() * cumulative[count - 1]
        var lo = 0
        var hi = count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        // Never return a zero-probability category (possible only through rounding at its edge).
        while probabilities[lo] == 0 && lo > 0 { lo -= 1 }
        return lo
    }

    /// The entropy −Σ pₖ log pₖ, in nats.
    public var entropy: Double { -probabilities.reduce(0) { $0 + _xlogx($1) } }

    /// K values.
    public func supportSize() -> Int { count }
    /// The category index itself.
    public func value(at index: Int) -> Int { index }

    public var description: String { "Categorical(\(probabilities))" }
}
