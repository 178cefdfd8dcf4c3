internal import SystemLibC
internal import NumericsCore

/// How a decoder's output row defines p(x | z) for a data vector x of dimension D.
public enum DecoderLikelihood: Sendable, Hashable {
    /// Independent Bernoulli pixels; the decoder outputs D logits η and
    /// log p(x|z) = Σ xᵢηᵢ − log(1 + e^ηᵢ). Meant for x in {0, 1} (binarized digits); values in
    /// [0, 1] give the usual cross-entropy, which is then not a normalised log density.
    case bernoulli
    /// Diagonal Gaussian; the decoder outputs D means and then D log variances.
    case gaussian
    /// The lecture's model μθ(z) = σ(Az + c), Σθ(z) = diag(exp(σ(Bz + d))): the decoder outputs D
    /// values a and then D values b; mean = sigmoid(a), log variance = sigmoid(b). With a decoder
    /// that is a single identity layer, the network's weights are (A | B) and its biases (c | d).
    case sigmoidGaussian
    /// Isotropic Gaussian with a fixed variance; the decoder outputs the D means.
    case gaussianFixedVariance(Double)

    /// Decoder outputs per data dimension (1 or 2).
    public var outputsPerDimension: Int {
        switch self {
        case .bernoulli, .gaussianFixedVariance: return 1
        case .gaussian, .sigmoidGaussian: return 2
        }
    }

    /// log p(x|z) for one row given the decoder output, and (if `cotangent` is given) writes
    /// weight · ∂ log p(x|z) / ∂output into it.
    @inline(__always)
    func logLikelihood(
        x: UnsafePointer<Double>, output: UnsafePointer<Double>, dimension d: Int,
        cotangent: UnsafeMutablePointer<Double>?, weight w: Double
    ) -> Double {
        var total = 0.0
        switch self {
        case .bernoulli:
            // Vectorised; one exponential per pixel and one logarithm per row (see the kernel).
            return DenseKernels.bernoulliRow(x: x, output: output, dimension: d, cotangent: cotangent, weight: w)
        case .gaussian:
            for i in 0..<d {
                let m = output[i]
                let s = output[d + i]
                let r = x[i] - m
                let precision = exp(-s)
                total += -0.5 * (MathConstants.logTwoPi + s + r * r * precision)
                if let c = cotangent {
                    c[i] = w * r * precision
                    c[d + i] = w * 0.5 * (r * r * precision - 1)
                }
            }
        case .sigmoidGaussian:
            for i in 0..<d {
                let m = SIMDMath.sigmoid(output[i])
                let s = SIMDMath.sigmoid(output[d + i])
                let r = x[i] - m
                let precision = exp(-s)
                total += -0.5 * (MathConstants.logTwoPi + s + r * r * precision)
                if let c = cotangent {
                    c[i] = w * r * precision * m * (1 - m)
                    c[d + i] = w * 0.5 * (r * r * precision - 1) * s * (1 - s)
                }
            }
        case .gaussianFixedVariance(let v):
            let constant = log(2 * Double.pi * v)
            for i in 0..<d {
                let r = x[i] - output[i]
                total += -0.5 * (constant + r * r / v)
                cotangent?[i] = w * r / v
            }
        }
        return total
    }
}
