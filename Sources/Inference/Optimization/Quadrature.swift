internal import SystemLibC

/// The value of a definite integral and how far it may be off.
public struct QuadratureResult: Sendable, Hashable, CustomStringConvertible {
    /// The estimate of ∫ f.
    public var value: Double
    /// The sum over accepted panels of |two-half estimate − whole-panel estimate|, a conservative
    /// bound on the error for smooth integrands.
    public var errorEstimate: Double
    /// How many times the integrand was called.
    public var evaluations: Int
    /// False when the subdivision limit stopped refinement before the tolerance was met.
    public var converged: Bool

    public var description: String {
        "\(value) (error ≤ \(errorEstimate), \(evaluations) evaluations\(converged ? "" : ", not converged"))"
    }
}

/// Gauss–Legendre nodes and weights on [−1, 1], computed once by Newton's method on Pₙ.
package struct _GaussLegendreRule: Sendable {
    package let nodes: [Double]
    package let weights: [Double]

    package init(order n: Int) {
        var nodes = [Double](repeating: 0, count: n)
        var weights = [Double](repeating: 0, count: n)
        for i in 0..<((n + 1) / 2) {
            var x = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            var derivative = 0.0
            for _ in 0..<100 {
                // P_n(x) and P_n'(x) by the three-term recurrence.
                var p0 = 1.0
                var p1 = x
                for k in 2...max(n, 2) {
                    let pk = (Double(2 * k - 1) * x * p1 - Double(k - 1) * p0) / Double(k)
                    p0 = p1
                    p1 = pk
                }
                let pn = n == 1 ? x : p1
                let pnm1 = n == 1 ? 1.0 : p0
                derivative = Double(n) * (x * pn - pnm1) / (x * x - 1)
                let step = pn / derivative
                x -= step
                if abs(step) < 1e-16 { break }
            }
            nodes[i] = -x
            nodes[n - 1 - i] = x
            let w = 2 / ((1 - x * x) * derivative * derivative)
            weights[i] = w
            weights[n - 1 - i] = w
        }
        self.nodes = nodes
        self.weights = weights
    }

    /// ∫ₐᵇ f by this rule.
    @inlinable
    package func integrate(_ a: Double, _ b: Double, _ f: (Double) throws -> Double) rethrows -> Double {
        let half = 0.5 * (b - a)
        let mid = 0.5 * (a + b)
        var s = 0.0
        for i in nodes.indices { s += weights[i] * (try f(mid + half * nodes[i])) }
        return s * half
    }

    package static let order15 = _GaussLegendreRule(order: 15)
}

/// ∫ₐᵇ f(x) dx by adaptive Gauss–Legendre quadrature.
///
/// The interval is cut into `initialPanels` equal panels; a panel is accepted when its 15-point
/// Gauss–Legendre value agrees with the sum over its two halves within its share of the tolerance,
/// otherwise both halves are refined (at most `maxDepth` halvings). Smooth integrands converge to
/// near machine precision; a kink or a narrow peak costs extra subdivisions only where it is.
///
/// - Parameters:
///   - range: the finite interval [a, b].
///   - absoluteTolerance: the target absolute error.
///   - relativeTolerance: the target error relative to |∫ |f||.
///   - initialPanels: panels before refinement (enough to see features narrower than the range).
///   - maxDepth: the subdivision limit.
///   - f: the integrand; it may throw, and the error is passed on.
/// - Returns: the value, an error estimate, the number of evaluations and whether the tolerance was met.
/// - Throws: `InferenceError(.invalidInput)` for a non-finite range, `.numericalFailure` when the
///   integrand returns NaN, and whatever `f` throws.
public func integrate(
    over range: ClosedRange<Double>,
    absoluteTolerance: Double = 1e-13,
    relativeTolerance: Double = 1e-12,
    initialPanels: Int = 32,
    maxDepth: Int = 40,
    _ f: (Double) throws -> Double
) throws -> QuadratureResult {
    guard range.lowerBound.isFinite, range.upperBound.isFinite else {
        throw InferenceError(.invalidInput, "the integration range \(range) is not finite")
    }
    let rule = _GaussLegendreRule.order15
    let a = range.lowerBound
    let b = range.upperBound
    if a == b { return QuadratureResult(value: 0, errorEstimate: 0, evaluations: 0, converged: true) }
    let width = b - a
    var evaluations = 0
    let g: (Double) throws -> Double = { x in
        evaluations += 1
        let v = try f(x)
        if v.isNaN { throw InferenceError(.numericalFailure, "the integrand is NaN at x = \(x)") }
        return v
    }
    // First pass: coarse panels, to learn the scale of the integral.
    let panels = max(1, initialPanels)
    var stack: [(a: Double, b: Double, whole: Double, depth: Int)] = []
    var scale = 0.0
    for i in 0..<panels {
        let lo = a + width * Double(i) / Double(panels)
        let hi = i == panels - 1 ? b : a + width * Double(i + 1) / Double(panels)
        let v = try rule.integrate(lo, hi, g)
        scale += abs(v)
        stack.append((lo, hi, v, 0))
    }
    let tolerance = max(absoluteTolerance, relativeTolerance * scale)
    var total = 0.0
    var compensation = 0.0
    var error = 0.0
    var converged = true
    while let panel = stack.popLast() {
        let mid = 0.5 * (panel.a + panel.b)
        let left = try rule.integrate(panel.a, mid, g)
        let right = try rule.integrate(mid, panel.b, g)
        let difference = abs(left + right - panel.whole)
        let share = tolerance * (panel.b - panel.a) / width
        if difference.isInfinite || (left + right).isInfinite {
            // An infinite integral: report it rather than refining forever.
            return QuadratureResult(value: left + right + total, errorEstimate: .infinity, evaluations: evaluations, converged: true)
        }
        if difference <= share || panel.depth >= maxDepth || mid <= panel.a || mid >= panel.b {
            if difference > share { converged = false }
            // Kahan summation of the accepted panels.
            let y = (left + right) - compensation
            let t = total + y
            compensation = (t - total) - y
            total = t
            error += difference
        } else {
            stack.append((panel.a, mid, left, panel.depth + 1))
            stack.append((mid, panel.b, right, panel.depth + 1))
        }
    }
    return QuadratureResult(value: total, errorEstimate: error, evaluations: evaluations, converged: converged)
}
