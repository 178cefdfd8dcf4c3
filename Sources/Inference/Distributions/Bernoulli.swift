// Public: the @inlinable `_xlogx` below calls the C library's log.
public import SystemLibC

/// The Bernoulli distribution: `true` with probability p, `false` with probability 1 − p.
public struct Bernoulli: FiniteDistribution, Hashable, CustomStringConvertible {
    /// The probability p of `true`.
    public let probability: Double

    /// Creates Bernoulli(p).
    ///
    /// - Throws: `InferenceError(.invalidInput)` unless 0 ≤ p ≤ 1.
    public init(probability: Double) throws {
        guard probability >= 0, probability <= 1 else {
            throw InferenceError(.invalidInput, "Bernoulli probability must be in [0, 1], got \(probability)")
        }
        self.probability = probability
    }

    /// log p for `true`, log(1 − p) for `false`.
    public func logDensity(_ x: Bool) -> Double {
        x ? log(probability) : log1p(-probability)
    }

    public func sample<G: RandomNumberGenerator>(using generator: inout G) -> Bool {
        generator.nextUniform() < probability
    }

    /// The mean p of the indicator.
    public var mean: Double { probability }
    /// The variance p(1 − p) of the indicator.
    public var variance: Double { probability * (1 - probability) }
    /// The entropy −p log p − (1 − p) log(1 − p), in nats (0 log 0 = 0).
    public var entropy: Double { _xlogx(probability) * -1 - _xlogx(1 - probability) }

    /// Two values: `false` (0) and `true` (1).
    public func supportSize() -> Int { 2 }
    /// `false` for 0, `true` for 1.
    public func value(at index: Int) -> Bool { index != 0 }

    public var description: String { "Bernoulli(\(probability))" }
}

/// x log x with 0 log 0 = 0.
@inlinable
package func _xlogx(_ x: Double) -> Double {
    x > 0 ? x * log(x) : 0
}
