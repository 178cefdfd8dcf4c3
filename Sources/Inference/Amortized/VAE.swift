internal import SystemLibC
internal import NumericsCore

/// A variational autoencoder: prior p(z) = N(0, I), decoder p(x|z) given by a network and a
/// `DecoderLikelihood`, and a Gaussian encoder q(z|x) = N(μ(x), diag σ²(x)).
///
/// The encoder network maps x (dimension D) to 2L numbers: the L means, then the L log standard
/// deviations. The decoder network maps z (dimension L) to D or 2D numbers, read by `likelihood`.
/// The ELBO of one x is L[q] = E_q[log p(x|z)] − KL(q ‖ N(0, I)), with the expectation estimated by
/// the reparameterization z = μ + σ ⊙ ε, ε ~ N(0, I), and the KL term computed exactly.
public struct VAE: Sendable, Hashable {
    /// The inference network x ↦ (μ, log σ).
    public var encoder: DenseNetwork
    /// The generative network z ↦ parameters of p(x|z).
    public var decoder: DenseNetwork
    /// How the decoder output defines p(x|z).
    public let likelihood: DecoderLikelihood

    /// Dimension D of a data vector.
    public var dataDimension: Int { encoder.inputCount }
    /// Dimension L of the latent vector.
    public var latentDimension: Int { decoder.inputCount }

    /// Creates a VAE from an encoder and a decoder.
    ///
    /// - Parameters:
    ///   - encoder: a network from D inputs to 2L outputs.
    ///   - decoder: a network from L inputs to D × `likelihood.outputsPerDimension` outputs.
    ///   - likelihood: the decoder's observation model.
    /// - Throws: `InferenceError(.dimensionMismatch, …)` when the shapes do not fit together, or
    ///   `.invalidInput` for a fixed variance that is not positive and finite.
    public init(encoder: DenseNetwork, decoder: DenseNetwork, likelihood: DecoderLikelihood) throws {
        guard encoder.outputCount == 2 * decoder.inputCount else {
            throw InferenceError(
                .dimensionMismatch,
                "the encoder outputs \(encoder.outputCount) numbers but a latent dimension of \(decoder.inputCount) needs \(2 * decoder.inputCount) (means, then log standard deviations)"
            )
        }
        guard decoder.outputCount == encoder.inputCount * likelihood.outputsPerDimension else {
            throw InferenceError(
                .dimensionMismatch,
                "the decoder outputs \(decoder.outputCount) numbers but \(likelihood) on \(encoder.inputCount)-dimensional data needs \(encoder.inputCount * likelihood.outputsPerDimension)"
            )
        }
        if case .gaussianFixedVariance(let v) = likelihood, !(v > 0 && v.isFinite) {
            throw InferenceError(.invalidInput, "the decoder's fixed variance is \(v); it must be positive and finite")
        }
        self.encoder = encoder
        self.decoder = decoder
        self.likelihood = likelihood
    }

    /// Creates a VAE with freshly initialised networks.
    ///
    /// - Parameters:
    ///   - dataDimension: D.
    ///   - latentDimension: L.
    ///   - hiddenSizes: widths of the encoder's hidden layers, e.g. `[64]`.
    ///   - decoderHiddenSizes: widths of the decoder's hidden layers; `nil` mirrors the encoder and
    ///     `[]` gives a single affine layer (with `.sigmoidGaussian`, the lecture's model).
    ///   - activation: the hidden layers' activation.
    ///   - likelihood: the decoder's observation model.
    ///   - generator: the source of the initial weights.
    /// - Throws: `InferenceError` for non-positive sizes or an invalid likelihood.
    public init(
        dataDimension: Int, latentDimension: Int, hiddenSizes: [Int], decoderHiddenSizes: [Int]? = nil,
        activation: Activation = .tanh, likelihood: DecoderLikelihood = .bernoulli,
        generator: inout SeededGenerator
    ) throws {
        let decoderHidden = decoderHiddenSizes ?? hiddenSizes.reversed()
        let encoder = try DenseNetwork(
            sizes: [dataDimension] + hiddenSizes + [2 * latentDimension],
            activations: Array(repeating: activation, count: hiddenSizes.count) + [.identity],
            generator: &generator)
        let decoder = try DenseNetwork(
            sizes: [latentDimension] + decoderHidden + [dataDimension * likelihood.outputsPerDimension],
            activations: Array(repeating: activation, count: decoderHidden.count) + [.identity],
            generator: &generator)
        try self.init(encoder: encoder, decoder: decoder, likelihood: likelihood)
    }

    /// The encoder's q(z|x) for one data vector.
    ///
    /// - Parameter x: a vector of D finite numbers.
    /// - Returns: the mean and log standard deviation of q(z|x).
    /// - Throws: `InferenceError` on a wrong length or a non-finite entry.
    public func encode(_ x: [Double]) throws -> VariationalParameters {
        let out = try encoder(x)
        let l = latentDimension
        let q = VariationalParameters(_unchecked: Array(out[0..<l]), Array(out[l...]))
        if q.packed.contains(where: { !$0.isFinite }) {
            throw InferenceError(.numericalFailure, "the encoder output for this x is not finite")
        }
        return q
    }

    /// log p(x, z) = log p(x|z) + log N(z; 0, I).
    ///
    /// - Parameters:
    ///   - x: a data vector of dimension D.
    ///   - z: a latent vector of dimension L.
    /// - Returns: the log joint density (log probability for Bernoulli pixels).
    /// - Throws: `InferenceError` on wrong lengths or non-finite entries.
    public func logJoint(x: [Double], z: [Double]) throws -> Double {
        let out = try decoder(z)
        try InputChecks.checkRow(x, width: dataDimension, what: "x")
        var prior = 0.0
        for v in z { prior += -0.5 * (MathConstants.logTwoPi + v * v) }
        let recon = x.withUnsafeBufferPointer { xp in
            out.withUnsafeBufferPointer { op in
                likelihood.logLikelihood(
                    x: xp.baseAddress!, output: op.baseAddress!, dimension: dataDimension, cotangent: nil, weight: 0)
            }
        }
        return recon + prior
    }

    /// Monte Carlo estimate of the ELBO L[q] of one x under a given q (by default the encoder's).
    ///
    /// Estimates L[q] = E_q[log p(x|z)] − KL(q ‖ N(0, I)) with `samples` reparameterized draws for
    /// the expectation and the KL term in closed form. Unbiased; its variance is
    /// Var_q[log p(x|z)] / samples, reported as the standard error.
    ///
    /// - Parameters:
    ///   - x: a data vector of dimension D.
    ///   - q: the variational distribution; `nil` uses the encoder's q(z|x).
    ///   - samples: number of draws (at least 2, so that a standard error exists).
    ///   - generator: the source of the draws.
    /// - Returns: the estimate with its Monte Carlo standard error.
    /// - Throws: `InferenceError` on bad shapes, non-finite input, or fewer than 2 samples.
    public func elbo(
        _ x: [Double], q: VariationalParameters? = nil, samples: Int = 1000, generator: inout SeededGenerator
    ) throws -> MeanAndStandardError {
        guard samples >= 2 else {
            throw InferenceError(.invalidInput, "an ELBO estimate needs at least 2 samples, got \(samples)")
        }
        let q = try q ?? encode(x)
        try InputChecks.checkVariational(q, latentDimension: latentDimension)
        try InputChecks.checkRow(x, width: dataDimension, what: "x")
        let values = _perSampleValues(x: x, q: q, samples: samples, generator: &generator).elbo
        return MeanAndStandardError(averaging: values)
    }

    /// Per-draw ELBO terms log p(x|z) − KL and log importance weights log p(x,z) − log q(z) for
    /// `samples` reparameterized draws from q, in chunks.
    func _perSampleValues(
        x: [Double], q: VariationalParameters, samples: Int, generator: inout SeededGenerator
    ) -> (elbo: [Double], logWeight: [Double]) {
        let chunk = min(samples, 256)
        let workspace = VAEWorkspace(vae: self, capacity: chunk)
        let packed = q.packed
        let l = latentDimension
        var elbo = [Double](repeating: 0, count: samples)
        var logWeight = [Double](repeating: 0, count: samples)
        var noise = [Double](repeating: 0, count: chunk * l)
        let pointers = VAEParameterSnapshot(self)
        var done = 0
        while done < samples {
            let rows = min(chunk, samples - done)
            for i in 0..<(rows * l) { noise[i] = generator.nextStandardNormal() }
            x.withUnsafeBufferPointer { xp in
                packed.withUnsafeBufferPointer { qp in
                    noise.withUnsafeBufferPointer { np in
                        elbo.withUnsafeMutableBufferPointer { ep in
                            logWeight.withUnsafeMutableBufferPointer { wp in
                                pointers.with { p in
                                    _ = workspace.run(
                                        p, x: xp.baseAddress!, xStride: 0, encoderOutput: qp.baseAddress!,
                                        encoderOutputStride: 0, noise: np.baseAddress!, rows: rows, weight: 0,
                                        gradients: nil, perRowELBO: ep.baseAddress! + done,
                                        perRowLogWeight: wp.baseAddress! + done)
                                }
                            }
                        }
                    }
                }
            }
            done += rows
        }
        return (elbo, logWeight)
    }

    /// The ELBO summed over rows and its exact gradient for fixed noise: a deterministic function of
    /// the parameters, for finite-difference checks.
    ///
    /// - Parameters:
    ///   - batch: data rows.
    ///   - noise: one ε row of length L per data row.
    /// - Returns: Σᵣ (log p(xᵣ|zᵣ) − KLᵣ) with zᵣ = μ(xᵣ) + σ(xᵣ) ⊙ εᵣ, and its gradients with
    ///   respect to the encoder and decoder parameters.
    /// - Throws: `InferenceError` on mismatched shapes or non-finite input.
    package func elboAndGradient(
        batch: [[Double]], noise: [[Double]]
    ) throws -> (elbo: Double, encoder: [Double], decoder: [Double]) {
        guard batch.count == noise.count, !batch.isEmpty else {
            throw InferenceError(.dimensionMismatch, "\(batch.count) data rows but \(noise.count) noise rows")
        }
        let x = try InputChecks.flatten(batch, width: dataDimension, what: "data")
        let e = try InputChecks.flatten(noise, width: latentDimension, what: "noise")
        let workspace = VAEWorkspace(vae: self, capacity: batch.count)
        var encoderGradient = [Double](repeating: 0, count: encoder.parameterCount)
        var decoderGradient = [Double](repeating: 0, count: decoder.parameterCount)
        let pointers = VAEParameterSnapshot(self)
        let value = x.withUnsafeBufferPointer { xp in
            e.withUnsafeBufferPointer { ep in
                encoderGradient.withUnsafeMutableBufferPointer { eg in
                    decoderGradient.withUnsafeMutableBufferPointer { dg in
                        pointers.with { p in
                            workspace.run(
                                p, x: xp.baseAddress!, xStride: dataDimension, encoderOutput: nil,
                                encoderOutputStride: 0, noise: ep.baseAddress!, rows: batch.count, weight: 1,
                                gradients: (eg.baseAddress!, dg.baseAddress!), perRowELBO: nil, perRowLogWeight: nil)
                        }
                    }
                }
            }
        }
        return (value, encoderGradient, decoderGradient)
    }
}

/// Parameters of a VAE, for the duration of one computation.
struct VAEParameterSnapshot: @unchecked Sendable {
    var encoder: [Double]
    var decoder: [Double]

    init(_ vae: VAE) {
        self.init(encoder: vae.encoder, encoderParameters: vae.encoder.parameters,
                  decoder: vae.decoder, decoderParameters: vae.decoder.parameters)
    }

    init(encoder: DenseNetwork, encoderParameters: [Double], decoder: DenseNetwork, decoderParameters: [Double]) {
        self.encoder = encoderParameters
        self.decoder = decoderParameters
    }

    func with<R>(_ body: (VAEPointers) -> R) -> R {
        encoder.withUnsafeBufferPointer { e in
            decoder.withUnsafeBufferPointer { d in
                body(VAEPointers(encoder: e.baseAddress!, decoder: d.baseAddress!))
            }
        }
    }

    /// The same with each layer's Wᵀ already made (see `DenseNetwork.transposeWeights`).
    func with<R>(encoderTransposed: [Double], decoderTransposed: [Double], _ body: (VAEPointers) -> R) -> R {
        encoder.withUnsafeBufferPointer { e in
            decoder.withUnsafeBufferPointer { d in
                encoderTransposed.withUnsafeBufferPointer { et in
                    decoderTransposed.withUnsafeBufferPointer { dt in
                        body(
                            VAEPointers(
                                encoder: e.baseAddress!, decoder: d.baseAddress!,
                                encoderTransposed: et.baseAddress!, decoderTransposed: dt.baseAddress!))
                    }
                }
            }
        }
    }
}

struct VAEPointers: @unchecked Sendable {
    let encoder: UnsafePointer<Double>
    let decoder: UnsafePointer<Double>
    /// Each layer's Wᵀ at the layer's weight offset, or nil (the backward pass transposes as it goes).
    /// The training loop leaves the encoder's first layer out: its input gradient is never asked for.
    var encoderTransposed: UnsafePointer<Double>? = nil
    var decoderTransposed: UnsafePointer<Double>? = nil
}

/// Buffers for the ELBO and its gradient over up to `capacity` rows; one per thread.
final class VAEWorkspace {
    let encoder: NetworkWorkspace
    let decoder: NetworkWorkspace
    let likelihood: DecoderLikelihood
    let capacity: Int
    let dataDimension: Int
    let latentDimension: Int
    let z: UnsafeMutablePointer<Double>
    let decoderCotangent: UnsafeMutablePointer<Double>
    let latentGradient: UnsafeMutablePointer<Double>
    /// weight · ∂ELBO/∂(encoder output) per row after `run` with gradients or `latentOnly`.
    let encoderOutputCotangent: UnsafeMutablePointer<Double>
    let klBuffer: UnsafeMutablePointer<Double>
    let priorMinusQBuffer: UnsafeMutablePointer<Double>

    init(vae: VAE, capacity: Int) {
        klBuffer = .allocate(capacity: capacity)
        priorMinusQBuffer = .allocate(capacity: capacity)
        encoder = NetworkWorkspace(layers: vae.encoder.layers, capacity: capacity)
        decoder = NetworkWorkspace(layers: vae.decoder.layers, capacity: capacity)
        likelihood = vae.likelihood
        self.capacity = capacity
        dataDimension = vae.dataDimension
        latentDimension = vae.latentDimension
        z = .allocate(capacity: capacity * latentDimension)
        decoderCotangent = .allocate(capacity: capacity * vae.decoder.outputCount)
        latentGradient = .allocate(capacity: capacity * latentDimension)
        encoderOutputCotangent = .allocate(capacity: capacity * 2 * latentDimension)
    }

    deinit {
        z.deallocate()
        decoderCotangent.deallocate()
        latentGradient.deallocate()
        encoderOutputCotangent.deallocate()
        klBuffer.deallocate()
        priorMinusQBuffer.deallocate()
    }

    /// Σᵣ ELBOᵣ over `rows` rows with one reparameterized draw each.
    ///
    /// - Parameters:
    ///   - x: data rows (`xStride` = D), or one row repeated (`xStride` = 0; needs `encoderOutput`).
    ///   - encoderOutput: given (μ, log σ) rows instead of running the encoder; stride 0 repeats one.
    ///   - weight: the factor w in the gradients of w · Σᵣ ELBOᵣ.
    ///   - gradients: where to write the encoder and decoder parameter gradients; pass a nil
    ///     encoder pointer with a given `encoderOutput` to get only `encoderOutputCotangent`.
    ///   - perRowELBO, perRowLogWeight: optional per-row outputs.
    @discardableResult
    func run(
        _ p: VAEPointers, x: UnsafePointer<Double>, xStride: Int, encoderOutput: UnsafePointer<Double>?,
        encoderOutputStride: Int, noise: UnsafePointer<Double>, rows: Int, weight: Double,
        gradients: (encoder: UnsafeMutablePointer<Double>?, decoder: UnsafeMutablePointer<Double>?)?,
        perRowELBO: UnsafeMutablePointer<Double>?, perRowLogWeight: UnsafeMutablePointer<Double>?
    ) -> Double {
        let l = latentDimension
        let d = dataDimension
        let q: UnsafePointer<Double>
        let qStride: Int
        if let given = encoderOutput {
            q = given
            qStride = encoderOutputStride
        } else {
            encoder.forward(parameters: p.encoder, input: x, rows: rows)
            q = UnsafePointer(encoder.output)
            qStride = 2 * l
        }
        // z = μ + σ ε and the KL terms.
        let kl = klBuffer
        let priorMinusQ = priorMinusQBuffer
        for r in 0..<rows {
            let qr = q + r * qStride
            let er = noise + r * l
            let zr = z + r * l
            var k = 0.0
            var pq = 0.0
            for j in 0..<l {
                let mu = qr[j]
                let rho = qr[l + j]
                let sigma = exp(rho)
                let zj = mu + sigma * er[j]
                zr[j] = zj
                k += 0.5 * (mu * mu + sigma * sigma - 1 - 2 * rho)
                pq += -0.5 * zj * zj + rho + 0.5 * er[j] * er[j]
            }
            kl[r] = k
            priorMinusQ[r] = pq
        }
        decoder.forward(parameters: p.decoder, input: z, rows: rows)
        let out = decoder.output
        let outWidth = decoder.layers[decoder.layers.count - 1].outputCount
        let wantGradient = gradients != nil
        var total = 0.0
        for r in 0..<rows {
            let recon = likelihood.logLikelihood(
                x: x + r * xStride, output: out + r * outWidth, dimension: d,
                cotangent: wantGradient ? decoderCotangent + r * outWidth : nil, weight: weight)
            let value = recon - kl[r]
            perRowELBO?[r] = value
            perRowLogWeight?[r] = recon + priorMinusQ[r]
            total += value
        }
        guard let gradients else { return total }
        decoder.backward(
            parameters: p.decoder, transposedWeights: p.decoderTransposed, input: z, rows: rows,
            outputCotangent: decoderCotangent, parameterGradient: gradients.decoder, inputGradient: latentGradient)
        for r in 0..<rows {
            let qr = q + r * qStride
            let er = noise + r * l
            let gz = latentGradient + r * l
            let g = encoderOutputCotangent + r * 2 * l
            for j in 0..<l {
                let mu = qr[j]
                let sigma = exp(qr[l + j])
                g[j] = gz[j] - weight * mu
                g[l + j] = gz[j] * sigma * er[j] - weight * (sigma * sigma - 1)
            }
        }
        if encoderOutput == nil, let encoderGradient = gradients.encoder {
            encoder.backward(
                parameters: p.encoder, transposedWeights: p.encoderTransposed, input: x, rows: rows,
                outputCotangent: encoderOutputCotangent, parameterGradient: encoderGradient, inputGradient: nil)
        }
        return total
    }
}
