internal import NumericsCore

/// A Monte Carlo or across-examples average together with its standard error.
///
/// The same idea as `MonteCarloEstimate` (which also keeps the sample count and prints it); both are
/// computed by `NumericsCore.SampleMean`, so they agree on every input they share.
public struct MeanAndStandardError: Sendable, Hashable, CustomStringConvertible {
    /// The average.
    public var mean: Double
    /// The standard error of `mean`: the sample standard deviation divided by √n.
    public var standardError: Double

    /// Creates an estimate from its mean and standard error.
    public init(mean: Double, standardError: Double) {
        self.mean = mean
        self.standardError = standardError
    }

    public var description: String {
        "\(DecimalText.fixed(mean, decimals: 4)) ± \(DecimalText.fixed(standardError, decimals: 4))"
    }
}

extension MeanAndStandardError {
    /// The mean of `values` and its standard error (sample standard deviation / √n): NaN ± NaN for no
    /// values, x ± ∞ for one.
    init(averaging values: [Double]) {
        let (mean, standardError) = SampleMean.meanAndStandardError(values, singleValueError: .infinity)
        self.init(mean: mean, standardError: standardError)
    }

    /// log of the mean of exp(logWeights), with the delta-method standard error sd(w)/(√K mean(w)).
    init(logMeanExpOf logWeights: [Double]) {
        let estimate = LogSpace.logMeanExpEstimate(logWeights)
        self.init(mean: estimate.logMean, standardError: estimate.standardError)
    }
}
