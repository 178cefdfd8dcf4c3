internal import SystemLibC

/// A 1-D density given by a closure, normalised by quadrature over a finite interval.
///
/// Use it to compare any target with a Gaussian (KL by quadrature, forward and reverse fits)
/// without writing a type: `try DensityFunction(support: -8...8) { x in -abs(x) }` is a Laplace
/// density truncated to [−8, 8], whatever the closure's normalising constant.
public struct DensityFunction: UnivariateDensity {
    /// The interval the density lives on (zero outside).
    public let effectiveSupport: ClosedRange<Double>
    /// log Z, the logarithm of the integral of exp(unnormalisedLogDensity) over the support.
    public let logNormalizer: Double
    private let unnormalized: @Sendable (Double) -> Double

    /// Creates a density proportional to exp(unnormalizedLogDensity(x)) on `support`.
    ///
    /// - Parameters:
    ///   - support: a finite interval outside which the density is zero.
    ///   - unnormalizedLogDensity: log of the density up to an additive constant.
    /// - Throws: `InferenceError(.invalidInput)` for an infinite interval, or when the integral is
    ///   zero, infinite or NaN.
    public init(support: ClosedRange<Double>, unnormalizedLogDensity: @escaping @Sendable (Double) -> Double) throws {
        guard support.lowerBound.isFinite, support.upperBound.isFinite, support.lowerBound < support.upperBound else {
            throw InferenceError(.invalidInput, "a density function needs a finite interval with lower < upper, got \(support)")
        }
        // Normalise in two passes: find the largest log density on a grid, then integrate
        // exp(log f − max) so a density of e⁻⁸⁰⁰ scale still normalises.
        var peak = -Double.infinity
        for i in 0...2000 {
            let x = support.lowerBound + (support.upperBound - support.lowerBound) * Double(i) / 2000
            let v = unnormalizedLogDensity(x)
            if v.isNaN { throw InferenceError(.invalidInput, "the log density is NaN at x = \(x)") }
            peak = max(peak, v)
        }
        guard peak.isFinite else {
            throw InferenceError(.invalidInput, "the log density is \(peak) everywhere on the grid over \(support)")
        }
        let mass = try integrate(over: support) { x in exp(unnormalizedLogDensity(x) - peak) }
        guard mass.value > 0, mass.value.isFinite else {
            throw InferenceError(.invalidInput, "the density does not integrate to a positive finite number over \(support)")
        }
        self.effectiveSupport = support
        self.logNormalizer = peak + log(mass.value)
        self.unnormalized = unnormalizedLogDensity
    }

    /// The normalised log density; −∞ outside the support.
    public func logDensity(_ x: Double) -> Double {
        guard effectiveSupport.contains(x) else { return x.isNaN ? .nan : -.infinity }
        return unnormalized(x) - logNormalizer
    }
}
