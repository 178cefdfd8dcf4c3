internal import SystemLibC
internal import NumericsCore

/// A Monte Carlo estimate: the value, its standard error and the number of samples behind it.
///
/// Prints as `-12.3456 ± 0.0123 (n = 1000)`. An estimate computed exactly (by enumeration or a
/// closed form) has standard error zero.
public struct MonteCarloEstimate: Sendable, Hashable, CustomStringConvertible {
    /// The estimate.
    public var value: Double
    /// The estimated standard deviation of `value` over repetitions with fresh samples.
    public var standardError: Double
    /// How many independent terms were averaged.
    public var sampleCount: Int

    public init(value: Double, standardError: Double, sampleCount: Int) {
        self.value = value
        self.standardError = standardError
        self.sampleCount = sampleCount
    }

    /// The mean and standard error (sample standard deviation / √n) of `terms`.
    ///
    /// - Throws: `InferenceError(.invalidInput)` for no terms, `.numericalFailure` for a NaN term.
    public init(averaging terms: [Double]) throws {
        guard !terms.isEmpty else { throw InferenceError(.invalidInput, "no Monte Carlo samples (n = 0)") }
        if let i = terms.firstIndex(where: \.isNaN) {
            throw InferenceError(.numericalFailure, "Monte Carlo term \(i) is NaN")
        }
        let (mean, standardError) = SampleMean.meanAndStandardError(terms, singleValueError: 0)
        self.value = mean
        // An infinite mean (a term of −∞, e.g. a proposal that puts mass where p(x, z) = 0) has an
        // infinite standard error, not NaN.
        self.standardError = mean.isFinite ? standardError : .infinity
        self.sampleCount = terms.count
    }

    public var description: String {
        "\(_formatEstimate(value, standardError)) ± \(_formatEstimate(standardError, standardError)) (n = \(sampleCount))"
    }
}

/// An estimate of the log evidence log p(x), with its standard error and sample count, and for
/// importance sampling the effective sample size of the weights.
///
/// Prints as `-12.3456 ± 0.0123 (n = 1000, ESS = 85.2)`.
public struct LogEvidenceEstimate: Sendable, Hashable, CustomStringConvertible {
    /// The estimate of log p(x).
    public var logEvidence: Double
    /// Its standard error (zero for an exact computation). For the log of an average of weights
    /// this is the delta-method value sd(w)/(√n · mean(w)), which is itself unreliable when the
    /// effective sample size is small.
    public var standardError: Double
    /// How many samples (or enumerated terms) were used.
    public var sampleCount: Int
    /// (Σ w)² / Σ w² for importance weights w; `nil` when it does not apply.
    public var effectiveSampleSize: Double?

    public init(logEvidence: Double, standardError: Double, sampleCount: Int, effectiveSampleSize: Double? = nil) {
        self.logEvidence = logEvidence
        self.standardError = standardError
        self.sampleCount = sampleCount
        self.effectiveSampleSize = effectiveSampleSize
    }

    public var description: String {
        var s = "\(_formatEstimate(logEvidence, standardError)) ± \(_formatEstimate(standardError, standardError)) (n = \(sampleCount)"
        if let ess = effectiveSampleSize { s += ", ESS = \(DecimalText.fixed(ess, decimals: 1))" }
        return s + ")"
    }
}

/// `value` with 4 decimals, or more when the standard error is below 10⁻³ (so its first two
/// significant digits show).
package func _formatEstimate(_ value: Double, _ standardError: Double) -> String {
    var decimals = 4
    if standardError > 0, standardError < 1e-3, standardError.isFinite {
        decimals = min(15, Int(-log10(standardError).rounded(.down)) + 2)
    }
    return DecimalText.fixed(value, decimals: decimals)
}
