internal import SystemLibC

/// The ellipse {p : (p − μ)ᵀ Σ⁻¹ (p − μ) = k²} of a two-dimensional Gaussian with mean μ and
/// covariance Σ, from plain numbers — for drawing mixture components.
public struct CovarianceEllipse: Sendable, Hashable {
    /// The centre (the mean).
    public let centerX: Double, centerY: Double
    /// Half the length of the major axis: k·√λ₁ for the larger eigenvalue λ₁ of Σ.
    public let semiMajor: Double
    /// Half the length of the minor axis: k·√λ₂ for the smaller eigenvalue λ₂ of Σ.
    public let semiMinor: Double
    /// Angle of the major axis from the x axis, in radians, in (−π/2, π/2].
    public let angle: Double

    /// The ellipse at `standardDeviations` Mahalanobis units from the mean.
    /// - Parameters:
    ///   - mean: The mean vector, two numbers.
    ///   - covariance: The 2×2 covariance matrix, symmetric and positive semi-definite.
    ///   - standardDeviations: k, the Mahalanobis radius (2 by default: the 2σ ellipse holds ≈ 86.5 % of the mass).
    /// - Throws: `FigureError` if the shapes are wrong, a number is not finite, Σ is not symmetric or
    ///   has a negative eigenvalue, or k is not positive.
    public init(mean: [Double], covariance: [[Double]], standardDeviations: Double = 2) throws {
        guard mean.count == 2 else {
            throw FigureError(.invalidInput, "covariance ellipse: mean has \(mean.count) entries, expected 2")
        }
        guard covariance.count == 2, covariance.allSatisfy({ $0.count == 2 }) else {
            throw FigureError(.invalidInput, "covariance ellipse: covariance must be 2×2, got \(covariance.map(\.count))")
        }
        guard standardDeviations.isFinite, standardDeviations > 0 else {
            throw FigureError(.invalidInput, "covariance ellipse: standardDeviations is \(standardDeviations), expected > 0")
        }
        for (index, value) in (mean + covariance.flatMap { $0 }).enumerated() where !value.isFinite {
            let place = index < 2 ? "mean[\(index)]" : "covariance[\((index - 2) / 2)][\((index - 2) % 2)]"
            throw FigureError(.invalidInput, "covariance ellipse: \(place) is \(value)")
        }
        let a = covariance[0][0], b = covariance[0][1], c = covariance[1][1]
        let scale = Swift.max(Swift.abs(a), Swift.abs(c), Swift.abs(b), .leastNormalMagnitude)
        guard Swift.abs(b - covariance[1][0]) <= 1e-9 * scale else {
            throw FigureError(.invalidInput, "covariance ellipse: covariance is not symmetric (\(b) vs \(covariance[1][0]))")
        }
        let halfTrace = (a + c) / 2
        let radius = hypot((a - c) / 2, b)
        let larger = halfTrace + radius
        var smaller = halfTrace - radius
        guard a >= 0, c >= 0, smaller >= -1e-12 * scale else {
            throw FigureError(.invalidInput, "covariance ellipse: covariance is not positive semi-definite (eigenvalue \(smaller))")
        }
        smaller = Swift.max(0, smaller)
        centerX = mean[0]
        centerY = mean[1]
        semiMajor = standardDeviations * larger.squareRoot()
        semiMinor = standardDeviations * smaller.squareRoot()
        angle = radius == 0 ? 0 : 0.5 * atan2(2 * b, a - c)
    }

    /// The ellipse holding `probability` of the Gaussian's mass: k = √(−2 ln(1 − p)).
    /// - Parameters:
    ///   - mean: The mean vector, two numbers.
    ///   - covariance: The 2×2 covariance matrix.
    ///   - probability: The mass inside, in (0, 1), e.g. 0.95.
    /// - Throws: `FigureError` for a probability outside (0, 1) or an invalid mean or covariance.
    public init(mean: [Double], covariance: [[Double]], probability: Double) throws {
        guard probability > 0, probability < 1 else {
            throw FigureError(.invalidInput, "covariance ellipse: probability is \(probability), expected 0 < p < 1")
        }
        try self.init(mean: mean, covariance: covariance, standardDeviations: (-2 * log1p(-probability)).squareRoot())
    }

    /// Points on the ellipse, evenly spaced in the parametric angle, first point not repeated.
    /// - Parameter count: Number of points (at least 8).
    /// - Returns: The points in data coordinates.
    public func points(count: Int = 72) -> [(x: Double, y: Double)] {
        let n = Swift.max(8, count)
        let cosA = cos(angle), sinA = sin(angle)
        return (0..<n).map { index in
            let t = 2 * Double.pi * Double(index) / Double(n)
            let u = semiMajor * cos(t), v = semiMinor * sin(t)
            return (centerX + cosA * u - sinA * v, centerY + sinA * u + cosA * v)
        }
    }
}

/// A covariance ellipse drawn as a mark: outline plus a light fill, in the series colour.
public struct EllipseMark: ChartContent {
    public let chartElements: ChartElements

    /// An ellipse mark.
    /// - Parameters:
    ///   - ellipse: The ellipse.
    ///   - xLabel: Axis label the ellipse's x lies on (used only when no other mark names the axis).
    ///   - yLabel: Axis label for y.
    public init(_ ellipse: CovarianceEllipse, xLabel: String = "x", yLabel: String = "y") {
        var item = MarkItem(
            kind: .ellipse, x: Channel(label: xLabel, value: .number(ellipse.centerX)),
            y: Channel(label: yLabel, value: .number(ellipse.centerY)))
        item.paths = [ellipse.points().map { DataPoint(x: $0.x, y: $0.y) }]
        item.closed = true
        chartElements = ChartElements([item])
    }

    /// The `standardDeviations`-σ ellipse of a Gaussian with this mean and covariance.
    /// - Parameters:
    ///   - mean: The mean vector, two numbers.
    ///   - covariance: The 2×2 covariance matrix.
    ///   - standardDeviations: The Mahalanobis radius k.
    ///   - xLabel: Axis label for x.
    ///   - yLabel: Axis label for y.
    /// - Throws: `FigureError` for an invalid mean or covariance.
    public init(
        mean: [Double], covariance: [[Double]], standardDeviations: Double = 2, xLabel: String = "x", yLabel: String = "y"
    ) throws {
        self.init(
            try CovarianceEllipse(mean: mean, covariance: covariance, standardDeviations: standardDeviations),
            xLabel: xLabel, yLabel: yLabel)
    }
}
