internal import SystemLibC
internal import NumericsCore

/// A single Gaussian fitted to a 1-D target by minimising a KL divergence.
public struct GaussianFit: Sendable, Hashable, CustomStringConvertible {
    /// What kind of point of the divergence the fit is.
    public enum Kind: String, Sendable, Hashable {
        /// The forward-KL optimum: the Gaussian with the target's mean and variance (unique).
        case momentMatched
        /// A local minimum of the reverse KL (both curvatures positive).
        case localMinimum
        /// A stationary point of the reverse KL that is not a minimum (a negative curvature in
        /// some direction).
        case saddlePoint
        /// The optimiser stopped before the gradient vanished.
        case notConverged
    }

    /// The fitted Gaussian q.
    public var normal: Normal
    /// The divergence at the fit: KL(p ‖ q) for a forward fit, KL(q ‖ p) for a reverse fit.
    public var divergence: Double
    /// Which kind of point this is.
    public var kind: Kind
    /// The starting Gaussians whose optimisation ended here (empty for a forward fit).
    public var starts: [Normal]

    public var description: String {
        "N(\(DecimalText.fixed(normal.mean, decimals: 4)), \(DecimalText.fixed(normal.standardDeviation, decimals: 4))²)"
            + " KL = \(DecimalText.fixed(divergence, decimals: 6)) [\(kind.rawValue)]"
    }
}

/// The Gaussian q minimising the forward divergence KL(p ‖ q): the one with p's mean and variance.
///
/// Moment matching is the exact optimum (KL(p‖q) is convex in q's natural parameters), so the fit
/// is mass-covering: for ½N(−3, 1) + ½N(3, 1) it is N(0, 10), spread over both modes.
///
/// - Parameter target: p; closed-form moments are used when it is a `UnivariateDistribution`,
///   quadrature otherwise.
/// - Returns: the fit and KL(p ‖ q) computed by quadrature.
/// - Throws: `InferenceError` when the moments or the divergence cannot be computed.
public func forwardKLFit(to target: some UnivariateDensity) throws -> GaussianFit {
    let m: (mean: Double, variance: Double)
    if let d = target as? any UnivariateDistribution {
        m = (d.mean, d.variance)
    } else {
        m = try moments(of: target)
    }
    let q = try Normal(mean: m.mean, variance: m.variance)
    let kl = try klDivergenceQuadrature(target, q)
    return GaussianFit(normal: q, divergence: kl, kind: .momentMatched, starts: [])
}

/// The stationary points of the reverse divergence KL(q ‖ p) over Gaussians q, from several starts.
///
/// Reverse KL is mode-seeking and generally non-convex: each start is optimised by BFGS in
/// (μ, log σ), with KL(q‖p) = −H(q) − E_q[log p] and its gradient computed by quadrature in the
/// standardised variable t = (x − μ)/σ. Distinct end points are reported, each classified from a
/// finite-difference Hessian, sorted by divergence. For ½N(−3, 1) + ½N(3, 1) the default starts give
/// the two mode-seeking minima N(±2.984, 1.023²) (KL ≈ 0.689) and the centred N(0, 2.744²)
/// (KL ≈ 0.841), reached from the start on the symmetry axis. The centred point is itself a local
/// minimum (moving μ off the axis raises the divergence), only a worse one.
///
/// - Parameters:
///   - target: p; it must be positive on the whole line (otherwise KL(q‖p) = ∞ for every Gaussian).
///   - starts: starting Gaussians; by default the target's standard deviation s with means at the
///     target's mean + {−2, −1, 0, 1, 2}·s.
/// - Returns: the distinct stationary points found, lowest divergence first.
/// - Throws: `InferenceError(.invalidInput)` when no start has a finite divergence (a target with
///   bounded support), and whatever the target throws.
public func reverseKLFits(to target: some UnivariateDensity, starts: [Normal]? = nil) throws -> [GaussianFit] {
    let initial: [Normal]
    if let starts {
        initial = starts
    } else {
        let m: (mean: Double, variance: Double)
        if let d = target as? any UnivariateDistribution { m = (d.mean, d.variance) } else { m = try moments(of: target) }
        let s = m.variance.squareRoot()
        initial = try [-2.0, -1, 0, 1, 2].map { try Normal(mean: m.mean + $0 * s, standardDeviation: s) }
    }
    guard !initial.isEmpty else { throw InferenceError(.invalidInput, "no starting Gaussians for the reverse-KL fit") }

    let objective = { (theta: [Double]) throws -> (value: Double, gradient: [Double]) in
        try _reverseKLAndGradient(target, mean: theta[0], logSD: theta[1])
    }
    var found: [GaussianFit] = []
    var anyFinite = false
    for start in initial {
        let startTheta = [start.mean, log(start.standardDeviation)]
        guard let (v0, _) = try? objective(startTheta), v0.isFinite else { continue }
        anyFinite = true
        let result = try minimizeBFGS(from: startTheta, gradientTolerance: 1e-8, maxIterations: 300, objective)
        let q = try Normal(mean: result.point[0], standardDeviation: exp(result.point[1]))
        let kind: GaussianFit.Kind
        if !result.converged {
            kind = .notConverged
        } else {
            kind = try _classifyStationaryPoint(result.point, objective)
        }
        // Merge with a point already found (same μ and σ to 10⁻⁵ of σ).
        let tolerance = 1e-5 * q.standardDeviation
        if let i = found.firstIndex(where: {
            abs($0.normal.mean - q.mean) < tolerance && abs($0.normal.standardDeviation - q.standardDeviation) < tolerance
                && $0.kind == kind
        }) {
            found[i].starts.append(start)
        } else {
            found.append(GaussianFit(normal: q, divergence: result.value, kind: kind, starts: [start]))
        }
    }
    guard anyFinite else {
        throw InferenceError(
            .invalidInput,
            "KL(q ‖ p) is infinite for every starting Gaussian: the target must be positive on the whole line")
    }
    return found.sorted { $0.divergence < $1.divergence }
}

/// KL(q ‖ p) for q = N(μ, σ²), σ = exp(logSD), and its gradient in (μ, logSD).
///
/// With x = μ + σt, t ~ N(0, 1): KL = −H(q) − E[log p(x)];
/// ∂/∂μ E[log p] = E[t log p(x)]/σ and ∂/∂logσ E[log p] = E[(t² − 1) log p(x)] (score-function
/// identities, exact under quadrature).
package func _reverseKLAndGradient(
    _ target: some UnivariateDensity, mean: Double, logSD: Double
) throws -> (value: Double, gradient: [Double]) {
    let sigma = exp(logSD)
    let range = -12.0...12.0
    let invSqrt2Pi = 0.3989422804014326779399460599343819
    func weighted(_ h: @escaping (Double, Double) -> Double) throws -> Double {
        let r = try integrate(over: range, absoluteTolerance: 1e-14, relativeTolerance: 1e-13) { t in
            let lp = try target.logDensity(mean + sigma * t)
            if lp == -.infinity { return -.infinity }
            return invSqrt2Pi * exp(-0.5 * t * t) * h(t, lp)
        }
        return r.value
    }
    let e0 = try weighted { _, lp in lp }
    if !e0.isFinite { return (.infinity, [0, 0]) }
    let e1 = try weighted { t, lp in t * lp }
    let e2 = try weighted { t, lp in (t * t - 1) * lp }
    let entropy = _LogConstants.standardNormalEntropy + logSD
    return (-entropy - e0, [-e1 / sigma, -1 - e2])
}

/// Local minimum or saddle, from the eigenvalues of a central-difference Hessian of the gradient.
private func _classifyStationaryPoint(
    _ theta: [Double], _ objective: ([Double]) throws -> (value: Double, gradient: [Double])
) throws -> GaussianFit.Kind {
    let h = 1e-4
    var hessian = [[Double]](repeating: [0, 0], count: 2)
    for j in 0..<2 {
        var plus = theta
        var minus = theta
        plus[j] += h
        minus[j] -= h
        let gp = try objective(plus).gradient
        let gm = try objective(minus).gradient
        for i in 0..<2 { hessian[i][j] = (gp[i] - gm[i]) / (2 * h) }
    }
    let a = hessian[0][0]
    let d = hessian[1][1]
    let b = 0.5 * (hessian[0][1] + hessian[1][0])
    let mid = 0.5 * (a + d)
    let radius = (0.25 * (a - d) * (a - d) + b * b).squareRoot()
    let smallest = mid - radius
    return smallest > 1e-7 ? .localMinimum : .saddlePoint
}
