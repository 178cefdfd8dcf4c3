/// The mean of a sample and the standard error of that mean.
///
/// The one implementation behind `MonteCarloEstimate(averaging:)` and the averages of `Inference`'s
/// amortized-inference reports.
public enum SampleMean {
    /// The sample mean x̄ = (1/n) Σ xᵢ and its standard error s/√n, s² = Σ(xᵢ − x̄)²/(n − 1).
    ///
    /// x̄ is unbiased for the population mean; s/√n estimates its standard deviation (slightly biased
    /// low, as s is). The variance is summed in a second pass around x̄, so it is not lost to
    /// cancellation when the values are large and close: the relative error of s² is about n·u
    /// (u = 2⁻⁵³; Higham, *Accuracy and Stability*, §1.9) rather than n·u·x̄²/s² for the one-pass formula.
    ///
    /// - Returns: (NaN, NaN) for no values, (x, `singleValueError`) for one value.
    /// - Complexity: O(n).
    public static func meanAndStandardError(
        _ values: [Double], singleValueError: Double = .infinity
    ) -> (mean: Double, standardError: Double) {
        guard !values.isEmpty else { return (.nan, .nan) }
        let n = Double(values.count)
        var sum = 0.0
        for v in values { sum += v }
        let mean = sum / n
        guard values.count > 1 else { return (mean, singleValueError) }
        var squares = 0.0
        for v in values { squares += (v - mean) * (v - mean) }
        return (mean, (squares / (n - 1) / n).squareRoot())
    }
}
