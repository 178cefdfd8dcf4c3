/// Independent components drawn side by side: the joint distribution Π ᵢ pᵢ(xᵢ) of a vector.
///
/// `ProductDistribution([Bernoulli])` is a vector of independent coins (a mean-field posterior over
/// binary latents); `ProductDistribution([Categorical])` a vector of independent cluster labels.
public struct ProductDistribution<Component: Distribution>: Distribution {
    /// The components, one per coordinate.
    public let components: [Component]

    /// Creates the product of `components`.
    public init(_ components: [Component]) {
        self.components = components
    }

    /// The number of coordinates.
    public var count: Int { components.count }

    /// Σᵢ log pᵢ(xᵢ).
    ///
    /// - Throws: `InferenceError(.dimensionMismatch)` when `x` has the wrong length, and whatever a
    ///   component throws.
    public func logDensity(_ x: [Component.Value]) throws -> Double {
        try _requireSameDimension(x.count, components.count, "product distribution value")
        var s = 0.0
        for i in components.indices { s += try components[i].logDensity(x[i]) }
        return s
    }

    /// One draw of every component, in order.
    public func sample<G: RandomNumberGenerator>(using generator: inout G) -> [Component.Value] {
        components.map { $0.sample(using: &generator) }
    }
}

extension ProductDistribution: Equatable where Component: Equatable {}
extension ProductDistribution: Hashable where Component: Hashable {}

extension ProductDistribution: FiniteDistribution where Component: FiniteDistribution {
    /// Π ᵢ |supportᵢ|.
    ///
    /// - Throws: `InferenceError(.invalidInput)` when the product overflows `Int`.
    public func supportSize() throws -> Int {
        var n = 1
        for (i, c) in components.enumerated() {
            let (m, overflow) = n.multipliedReportingOverflow(by: try c.supportSize())
            guard !overflow else {
                throw InferenceError(.invalidInput, "the latent space is too large to number (overflow at component \(i))")
            }
            n = m
        }
        return n
    }

    /// The value numbered `index` in mixed radix, the first component varying fastest.
    public func value(at index: Int) -> [Component.Value] {
        var rest = index
        return components.map { c in
            let k = (try? c.supportSize()) ?? 1
            let v = c.value(at: rest % k)
            rest /= k
            return v
        }
    }
}

extension ProductDistribution where Component == Bernoulli {
    /// Independent coins with the given probabilities of `true`.
    ///
    /// - Throws: `InferenceError(.invalidInput)` naming the first probability outside [0, 1].
    public init(probabilities: [Double]) throws {
        self.init(try probabilities.enumerated().map { i, p in
            guard p >= 0, p <= 1 else {
                throw InferenceError(.invalidInput, "Bernoulli probability \(i) must be in [0, 1], got \(p)")
            }
            return try Bernoulli(probability: p)
        })
    }

    /// The entropy Σ H(Bernoulli(pᵢ)).
    public var entropy: Double { components.reduce(0) { $0 + $1.entropy } }
}

extension ProductDistribution where Component == Categorical {
    /// The entropy Σ H(Categoricalᵢ).
    public var entropy: Double { components.reduce(0) { $0 + $1.entropy } }
}

extension ProductDistribution where Component == Normal {
    /// The entropy Σ H(N(μᵢ, σᵢ²)).
    public var entropy: Double { components.reduce(0) { $0 + $1.entropy } }
}
