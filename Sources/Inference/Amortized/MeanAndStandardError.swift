/// A Monte Carlo or across-examples average together with its standard error.
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
        "\(_amFormat(mean, 4)) ± \(_amFormat(standardError, 4))"
    }
}

/// `value` with `digits` decimals, without Foundation.
func _amFormat(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return "\(value)" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let negative = value < 0
    let rounded = (abs(value) * scale).rounded()
    guard rounded < 9.0e15 else { return "\(value)" }
    let whole = Int64(rounded)
    let integerPart = whole / Int64(scale)
    var fraction = String(whole % Int64(scale))
    while fraction.count < digits { fraction = "0" + fraction }
    let sign = negative && whole != 0 ? "-" : ""
    return digits > 0 ? "\(sign)\(integerPart).\(fraction)" : "\(sign)\(integerPart)"
}
