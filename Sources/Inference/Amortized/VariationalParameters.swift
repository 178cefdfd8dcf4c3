internal import SystemLibC

/// A diagonal Gaussian q(z) = N(mean, diag σ²), stored by its mean and log standard deviation.
///
/// This is what an encoder outputs for one x, and what per-example refinement optimises.
public struct VariationalParameters: Sendable, Hashable {
    /// The mean μ.
    public var mean: [Double]
    /// log σ for each coordinate (an unconstrained parameterisation of the scale).
    public var logStandardDeviation: [Double]

    /// Creates q from its mean and log standard deviations.
    ///
    /// - Throws: `InferenceError` when the lengths differ, are zero, or an entry is not finite.
    public init(mean: [Double], logStandardDeviation: [Double]) throws {
        guard mean.count == logStandardDeviation.count, !mean.isEmpty else {
            throw InferenceError(
                .dimensionMismatch,
                "q has \(mean.count) means and \(logStandardDeviation.count) log standard deviations")
        }
        if let i = (mean + logStandardDeviation).firstIndex(where: { !$0.isFinite }) {
            throw InferenceError(.invalidInput, "variational parameter \(i) is not finite")
        }
        self.mean = mean
        self.logStandardDeviation = logStandardDeviation
    }

    init(_unchecked mean: [Double], _ logStandardDeviation: [Double]) {
        self.mean = mean
        self.logStandardDeviation = logStandardDeviation
    }

    /// Dimension of z.
    public var dimension: Int { mean.count }

    /// The standard deviations σ.
    public var standardDeviation: [Double] { logStandardDeviation.map { exp($0) } }

    /// KL(q ‖ N(0, I)) = ½ Σ (μ² + σ² − 1 − 2 log σ).
    public var klToStandardNormal: Double {
        var kl = 0.0
        for j in 0..<mean.count {
            let rho = logStandardDeviation[j]
            kl += 0.5 * (mean[j] * mean[j] + exp(2 * rho) - 1 - 2 * rho)
        }
        return kl
    }

    /// The encoder-output layout: means, then log standard deviations.
    var packed: [Double] { mean + logStandardDeviation }
}
