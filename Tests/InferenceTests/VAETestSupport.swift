import Foundation
import Inference
import Testing

/// Central finite difference of f at every coordinate of `point`.
func vaeCentralDifferences(_ point: [Double], step h: Double = 1e-5, _ f: ([Double]) throws -> Double) rethrows -> [Double] {
    var gradient: [Double] = []
    for i in 0..<point.count {
        var plus = point
        var minus = point
        plus[i] += h
        minus[i] -= h
        gradient.append((try f(plus) - f(minus)) / (2 * h))
    }
    return gradient
}

/// Largest |a − b| / max(1, |b|) over coordinates.
func vaeMaxRelativeError(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    var worst = 0.0
    for i in 0..<a.count { worst = max(worst, abs(a[i] - b[i]) / max(1, abs(b[i]))) }
    return worst
}

/// Rows of standard-normal numbers.
func vaeNormalRows(_ rows: Int, _ columns: Int, _ g: inout SeededGenerator) -> [[Double]] {
    (0..<rows).map { _ in (0..<columns).map { _ in g.nextStandardNormal() } }
}

/// The small linear-Gaussian model used across the gap and black-box tests: D = 2, L = 2, with
/// correlated columns of W so that the posterior is correlated and a diagonal q has a real
/// approximation gap, and a deliberately imperfect linear encoder: half the exact posterior mean
/// map, and log σ = −0.5 where the best diagonal q has log σ ≈ −1.2.
func vaeTestLinearGaussian() throws -> LinearGaussianVAE {
    var g = SeededGenerator(seed: 7)
    let model = try LinearGaussianVAE(
        weights: [[1.5, 1.0], [0.5, 1.2]], offset: [0.3, -0.2], noiseVariance: 0.25, generator: &g)
    // The posterior mean is m(x) = A(x − b); columns of A from unit steps away from b.
    let m0 = try model.posterior([0.3, -0.2]).mean
    let m1 = try model.posterior([1.3, -0.2]).mean
    let m2 = try model.posterior([0.3, 0.8]).mean
    let a = [[m1[0] - m0[0], m2[0] - m0[0]], [m1[1] - m0[1], m2[1] - m0[1]]]  // a[j][i]
    // Encoder weights are input × output: [i][j] for outputs (μ₁, μ₂, log σ₁, log σ₂).
    var parameters = [Double](repeating: 0, count: 2 * 4 + 4)
    for i in 0..<2 {
        for j in 0..<2 { parameters[i * 4 + j] = 0.5 * a[j][i] }
    }
    for j in 0..<2 {
        parameters[8 + j] = -0.5 * (a[j][0] * 0.3 + a[j][1] * -0.2)
        parameters[8 + 2 + j] = -0.5
    }
    let encoder = try DenseNetwork(sizes: [2, 4], activations: [.identity], parameters: parameters)
    return try LinearGaussianVAE(
        weights: model.weights, offset: model.offset, noiseVariance: model.noiseVariance, encoder: encoder, generator: &g)
}
