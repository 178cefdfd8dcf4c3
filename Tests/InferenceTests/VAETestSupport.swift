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
/// approximation gap, and a deliberately imperfect random linear encoder.
func vaeTestLinearGaussian(seed: UInt64 = 7) throws -> LinearGaussianVAE {
    var g = SeededGenerator(seed: seed)
    return try LinearGaussianVAE(
        weights: [[1.5, 1.0], [0.5, 1.2]], offset: [0.3, -0.2], noiseVariance: 0.25, generator: &g)
}
