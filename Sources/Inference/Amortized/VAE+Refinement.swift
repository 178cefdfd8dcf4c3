/// Settings for per-example refinement of q (`VAE.refine`).
public struct RefinementOptions: Sendable, Hashable {
    /// Adam steps per example.
    public var steps: Int
    /// Reparameterized draws per step (the gradient's Monte Carlo sample size).
    public var samplesPerStep: Int
    /// Adam's initial step size; it decays linearly to a tenth of this over the steps.
    public var learningRate: Double

    /// Creates refinement settings.
    public init(steps: Int = 300, samplesPerStep: Int = 16, learningRate: Double = 0.05) {
        self.steps = steps
        self.samplesPerStep = samplesPerStep
        self.learningRate = learningRate
    }
}

extension VAE {
    /// Optimises the variational parameters of one example, starting from the encoder's output:
    /// the q* of Cremer, Li and Duvenaud (2018).
    ///
    /// Maximises L[q] = E_q[log p(x|z)] − KL(q ‖ N(0, I)) over the mean and log standard deviation of
    /// a diagonal Gaussian q with Adam, using reparameterized gradients with `samplesPerStep` draws
    /// and a step size that decays linearly to a tenth. The decoder is held fixed.
    ///
    /// - Parameters:
    ///   - x: a data vector of dimension D.
    ///   - start: where to start; `nil` starts from the encoder's q(z|x).
    ///   - options: steps, samples per step and step size.
    ///   - generator: the source of the draws.
    /// - Returns: the refined q*.
    /// - Throws: `InferenceError` on bad shapes or options, non-finite input, or a non-finite
    ///   objective during the optimisation (naming the step).
    public func refine(
        _ x: [Double], from start: VariationalParameters? = nil, options: RefinementOptions = RefinementOptions(),
        generator: inout SeededGenerator
    ) throws -> VariationalParameters {
        try InputChecks.checkRow(x, width: dataDimension, what: "x")
        guard options.steps >= 0, options.samplesPerStep >= 1, options.learningRate > 0 else {
            throw InferenceError(
                .invalidInput,
                "refinement needs steps ≥ 0, samplesPerStep ≥ 1 and a positive learning rate; got \(options)")
        }
        let q0 = try start ?? encode(x)
        try InputChecks.checkVariational(q0, latentDimension: latentDimension)
        let l = latentDimension
        let s = options.samplesPerStep
        let workspace = VAEWorkspace(vae: self, capacity: s)
        let parameters = VAEParameterSnapshot(self)
        var packed = q0.packed
        var optimizer = AdamOptimizer(learningRate: options.learningRate)
        var noise = [Double](repeating: 0, count: s * l)
        var gradient = [Double](repeating: 0, count: 2 * l)
        for step in 0..<options.steps {
            for i in 0..<(s * l) { noise[i] = generator.nextStandardNormal() }
            let value = _refinementStep(workspace, parameters, x: x, packed: packed, noise: noise, rows: s, into: &gradient)
            guard value.isFinite, gradient.allSatisfy({ $0.isFinite }) else {
                throw InferenceError(
                    .numericalFailure, "refinement step \(step + 1): the ELBO or its gradient is not finite")
            }
            // The optimiser minimises, so it gets −∇ELBO.
            for i in 0..<(2 * l) { gradient[i] = -gradient[i] }
            optimizer.learningRate = options.learningRate * (1 - 0.9 * Double(step) / Double(max(options.steps, 1)))
            optimizer.step(&packed, gradient: gradient)
        }
        return VariationalParameters(_unchecked: Array(packed[0..<l]), Array(packed[l...]))
    }

    /// The refinement objective for fixed noise — the mean over noise rows of log p(x|z) − KL with
    /// z = μ + σ ⊙ ε — and its exact gradient with respect to (μ, log σ).
    ///
    /// - Parameters:
    ///   - x: a data vector of dimension D.
    ///   - q: the variational parameters.
    ///   - noise: rows ε of length L.
    /// - Returns: the objective and its gradient (means first, then log standard deviations).
    /// - Throws: `InferenceError` on mismatched shapes or non-finite input.
    package func refinementObjectiveAndGradient(
        x: [Double], q: VariationalParameters, noise: [[Double]]
    ) throws -> (value: Double, gradient: [Double]) {
        try InputChecks.checkRow(x, width: dataDimension, what: "x")
        try InputChecks.checkVariational(q, latentDimension: latentDimension)
        guard !noise.isEmpty else { throw InferenceError(.invalidInput, "no noise rows") }
        let flat = try InputChecks.flatten(noise, width: latentDimension, what: "noise")
        let workspace = VAEWorkspace(vae: self, capacity: noise.count)
        var gradient = [Double](repeating: 0, count: 2 * latentDimension)
        let value = _refinementStep(
            workspace, VAEParameterSnapshot(self), x: x, packed: q.packed, noise: flat, rows: noise.count, into: &gradient)
        return (value, gradient)
    }

    /// Mean ELBO term over `rows` draws and its gradient with respect to the packed (μ, log σ).
    func _refinementStep(
        _ workspace: VAEWorkspace, _ parameters: VAEParameterSnapshot, x: [Double], packed: [Double],
        noise: [Double], rows: Int, into gradient: inout [Double]
    ) -> Double {
        let width = 2 * latentDimension
        let value = parameters.with { p in
            x.withUnsafeBufferPointer { xp in
                packed.withUnsafeBufferPointer { qp in
                    noise.withUnsafeBufferPointer { np in
                        workspace.run(
                            p, x: xp.baseAddress!, xStride: 0, encoderOutput: qp.baseAddress!, encoderOutputStride: 0,
                            noise: np.baseAddress!, rows: rows, weight: 1 / Double(rows), gradients: (nil, nil),
                            perRowELBO: nil, perRowLogWeight: nil)
                    }
                }
            }
        }
        for i in 0..<width { gradient[i] = 0 }
        let g = workspace.encoderOutputCotangent
        for r in 0..<rows {
            for i in 0..<width { gradient[i] += g[r * width + i] }
        }
        return value / Double(rows)
    }

    /// IWAE-K estimate of log p(x): log (1/K) Σₖ p(x, zₖ) / q(zₖ) with zₖ drawn from a proposal q.
    ///
    /// The estimator is a lower bound in expectation (Jensen): its bias is about
    /// −Var(w)/(2K·p(x)²) for importance weights w, so it shrinks as 1/K, and it is consistent as
    /// K → ∞. Its standard error is the delta-method value sd(w) / (√K · mean(w)), computed from the
    /// same draws; a proposal close to the posterior (for example a refined q*) makes both small.
    ///
    /// - Parameters:
    ///   - x: a data vector of dimension D.
    ///   - proposal: the importance distribution; `nil` uses the encoder's q(z|x).
    ///   - samples: K, at least 2 (5,000 takes a few milliseconds for a small decoder).
    ///   - generator: the source of the draws.
    /// - Returns: the estimate of log p(x) and its standard error.
    /// - Throws: `InferenceError` on bad shapes, non-finite input, or K < 2.
    public func importanceWeightedLogEvidence(
        _ x: [Double], proposal: VariationalParameters? = nil, samples: Int = 1000, generator: inout SeededGenerator
    ) throws -> MeanAndStandardError {
        guard samples >= 2 else {
            throw InferenceError(.invalidInput, "IWAE needs at least 2 samples, got \(samples)")
        }
        try InputChecks.checkRow(x, width: dataDimension, what: "x")
        let q = try proposal ?? encode(x)
        try InputChecks.checkVariational(q, latentDimension: latentDimension)
        let logWeights = _perSampleValues(x: x, q: q, samples: samples, generator: &generator).logWeight
        return MeanAndStandardError(logMeanExpOf: logWeights)
    }
}
