/// Where a local minimiser stopped, and why.
public struct MinimizationResult: Sendable, Hashable {
    /// The final point.
    public var point: [Double]
    /// The objective there.
    public var value: Double
    /// The gradient there.
    public var gradient: [Double]
    /// Iterations taken.
    public var iterations: Int
    /// True when the gradient fell below the tolerance (a stationary point was found).
    public var converged: Bool
}

/// Minimises a smooth function of a few variables by BFGS with a backtracking (Armijo) line search.
///
/// Meant for small problems (a handful of parameters): it keeps a dense inverse-Hessian
/// approximation. Starting exactly on a symmetry axis of a symmetric objective, the gradient across
/// the axis is zero and the iterates stay on it, so a saddle point there can be found on purpose.
///
/// - Parameters:
///   - start: the starting point.
///   - gradientTolerance: stop when max |∂f/∂xᵢ| is below this.
///   - maxIterations: the iteration limit.
///   - objective: returns f(x) and ∇f(x); it may throw.
/// - Returns: the final point, value, gradient, iteration count and whether it converged.
/// - Throws: `InferenceError(.numericalFailure)` when the objective is not finite at the start,
///   and whatever `objective` throws.
public func minimizeBFGS(
    from start: [Double],
    gradientTolerance: Double = 1e-9,
    maxIterations: Int = 500,
    _ objective: ([Double]) throws -> (value: Double, gradient: [Double])
) throws -> MinimizationResult {
    let n = start.count
    var x = start
    var (fx, gx) = try objective(x)
    guard fx.isFinite, gx.allSatisfy(\.isFinite) else {
        throw InferenceError(.numericalFailure, "the objective is not finite at the starting point \(start)")
    }
    // Inverse Hessian approximation, row-major.
    var h = [Double](repeating: 0, count: n * n)
    for i in 0..<n { h[i * n + i] = 1 }
    var iteration = 0
    while iteration < maxIterations {
        if gx.allSatisfy({ abs($0) < gradientTolerance }) {
            return MinimizationResult(point: x, value: fx, gradient: gx, iterations: iteration, converged: true)
        }
        iteration += 1
        // Direction p = −H g; fall back to steepest descent if it is not a descent direction.
        var p = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var s = 0.0
            for j in 0..<n { s -= h[i * n + j] * gx[j] }
            p[i] = s
        }
        var slope = _dot(p, gx)
        if !(slope < 0) {
            p = gx.map { -$0 }
            slope = _dot(p, gx)
            for i in 0..<n { for j in 0..<n { h[i * n + j] = i == j ? 1 : 0 } }
        }
        // Backtracking line search with the Armijo condition.
        var step = 1.0
        var xNew = x
        var fNew = Double.infinity
        var gNew = gx
        var accepted = false
        for _ in 0..<60 {
            for i in 0..<n { xNew[i] = x[i] + step * p[i] }
            if let (f, g) = try? objective(xNew), f.isFinite, g.allSatisfy(\.isFinite),
                f <= fx + 1e-4 * step * slope
            {
                fNew = f
                gNew = g
                accepted = true
                break
            }
            step *= 0.5
        }
        if !accepted {
            // No decrease is possible at working precision: we are at the minimum to rounding.
            let small = gx.allSatisfy { abs($0) < gradientTolerance * 1e3 }
            return MinimizationResult(point: x, value: fx, gradient: gx, iterations: iteration, converged: small)
        }
        let s = (0..<n).map { xNew[$0] - x[$0] }
        let y = (0..<n).map { gNew[$0] - gx[$0] }
        let sy = _dot(s, y)
        if sy > 1e-300 {
            // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ
            let rho = 1 / sy
            var hy = [Double](repeating: 0, count: n)
            for i in 0..<n {
                var t = 0.0
                for j in 0..<n { t += h[i * n + j] * y[j] }
                hy[i] = t
            }
            let yhy = _dot(y, hy)
            for i in 0..<n {
                for j in 0..<n {
                    h[i * n + j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j]
                }
            }
        }
        x = xNew
        fx = fNew
        gx = gNew
    }
    let done = gx.allSatisfy { abs($0) < gradientTolerance }
    return MinimizationResult(point: x, value: fx, gradient: gx, iterations: iteration, converged: done)
}
