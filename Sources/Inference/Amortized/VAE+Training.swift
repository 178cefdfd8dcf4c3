internal import NumericsCore
import Dispatch

/// Settings for `VAE.train`.
public struct VAETrainingOptions: Sendable, Hashable {
    /// Which first-order method updates the encoder and decoder.
    public enum Optimizer: Sendable, Hashable {
        /// Adam with the given step size.
        case adam(learningRate: Double)
        /// SGD with the given step size and momentum.
        case sgd(learningRate: Double, momentum: Double)
    }

    /// Passes over the data.
    public var epochs: Int
    /// Examples per gradient step (the last minibatch of an epoch may be smaller).
    public var batchSize: Int
    /// The optimiser (one instance each for the encoder and the decoder).
    public var optimizer: Optimizer

    /// Creates training settings.
    public init(epochs: Int = 20, batchSize: Int = 32, optimizer: Optimizer = .adam(learningRate: 1e-3)) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.optimizer = optimizer
    }
}

/// What the progress hook of `VAE.train` receives after each epoch.
public struct VAETrainingProgress: Sendable, Hashable {
    /// The epoch just finished, from 1.
    public var epoch: Int
    /// The number of epochs requested.
    public var epochs: Int
    /// The mean single-sample ELBO per example over this epoch's minibatches (nats).
    public var meanELBO: Double
    /// Gradient steps taken so far.
    public var step: Int
}

/// The outcome of `VAE.train`.
public struct VAETrainingResult: Sendable, Hashable {
    /// Mean ELBO per example for each epoch, in order (a noisy, slightly stale estimate: each
    /// minibatch is scored with the parameters of the moment and one sample per example).
    public var elboTrace: [Double]
    /// Gradient steps taken.
    public var steps: Int
}

extension VAE {
    /// Trains encoder and decoder together by stochastic gradient ascent on the ELBO.
    ///
    /// Each step draws one ε per example (the reparameterization trick), computes the minibatch's
    /// mean ELBO with the analytic KL term, backpropagates through decoder and encoder, and updates
    /// both with the chosen optimiser. Minibatches are taken from a fresh permutation each epoch.
    /// A minibatch is split into at most two fixed shards computed on separate threads and summed in
    /// order, so the result is the same whatever the number of cores.
    ///
    /// - Parameters:
    ///   - data: rows of D finite numbers (for `.bernoulli`, values in [0, 1]).
    ///   - options: epochs, batch size and optimiser.
    ///   - generator: the source of the permutations and the noise.
    ///   - progress: called after every epoch, e.g. to update a live chart in a notebook.
    /// - Returns: the per-epoch ELBO trace.
    /// - Throws: `InferenceError` for empty data, rows of the wrong width, non-finite data, bad
    ///   options, or — `.numericalFailure` — a minibatch whose ELBO or gradient is not finite. The
    ///   error names the step; training stops there and `self` keeps the parameters of the last
    ///   good step.
    @discardableResult
    public mutating func train(
        on data: [[Double]], options: VAETrainingOptions = VAETrainingOptions(),
        generator: inout SeededGenerator, progress: ((VAETrainingProgress) -> Void)? = nil
    ) throws -> VAETrainingResult {
        guard !data.isEmpty else { throw InferenceError(.invalidInput, "the training data set is empty") }
        guard options.epochs >= 0 else { throw InferenceError(.invalidInput, "epochs is \(options.epochs)") }
        guard options.batchSize >= 1 else {
            throw InferenceError(.invalidInput, "the batch size is \(options.batchSize); it must be at least 1")
        }
        // Minibatches are gathered straight from the rows; no flattened copy of the whole set.
        try InputChecks.validateRows(data, width: dataDimension, what: "training data")
        let trainer = VAETrainer(vae: self, batchCapacity: min(options.batchSize, data.count))
        defer { trainer.finish() }
        var encoderParameters = encoder.parameters
        var decoderParameters = decoder.parameters
        var encoderOptimizer: any GradientOptimizer
        var decoderOptimizer: any GradientOptimizer
        switch options.optimizer {
        case .adam(let rate):
            encoderOptimizer = AdamOptimizer(learningRate: rate)
            decoderOptimizer = AdamOptimizer(learningRate: rate)
        case .sgd(let rate, let momentum):
            encoderOptimizer = SGDOptimizer(learningRate: rate, momentum: momentum)
            decoderOptimizer = SGDOptimizer(learningRate: rate, momentum: momentum)
        }
        let n = data.count
        let d = dataDimension
        let batchSize = min(options.batchSize, n)
        var order = Array(0..<n)
        var batch = [Double](repeating: 0, count: batchSize * d)
        var noise = [Double](repeating: 0, count: batchSize * latentDimension)
        var trace: [Double] = []
        var step = 0
        defer {
            encoder._setParametersUnchecked(encoderParameters)
            decoder._setParametersUnchecked(decoderParameters)
        }
        for epoch in stride(from: 1, through: options.epochs, by: 1) {
            // Fisher–Yates with the seeded generator, so the order is reproducible.
            for i in stride(from: n - 1, to: 0, by: -1) {
                let j = Int(generator.nextUniform() * Double(i + 1))
                order.swapAt(i, min(j, i))
            }
            var epochTotal = 0.0
            var first = 0
            var batchIndex = 0
            while first < n {
                let rows = min(batchSize, n - first)
                for i in 0..<(rows * latentDimension) { noise[i] = generator.nextStandardNormal() }
                step += 1
                batchIndex += 1
                let total = batch.withUnsafeMutableBufferPointer { b in
                    order.withUnsafeBufferPointer { o in
                        trainer.step(
                            encoderParameters: encoderParameters, decoderParameters: decoderParameters,
                            batch: b.baseAddress!, noise: noise, rows: rows,
                            gather: { start, count in
                                // Each shard copies its own rows of the minibatch, on its own thread.
                                for r in start..<(start + count) {
                                    data[o[first + r]].withUnsafeBufferPointer { row in
                                        (b.baseAddress! + r * d).update(from: row.baseAddress!, count: d)
                                    }
                                }
                            })
                    }
                }
                let finite = total.isFinite && trainer.gradientsAreFinite
                guard finite else {
                    throw InferenceError(
                        .numericalFailure,
                        "training stopped at step \(step) (epoch \(epoch), minibatch \(batchIndex)): the minibatch ELBO \(total.isFinite ? "gradient" : "") is not finite (ELBO \(total)); the VAE keeps the parameters from step \(step - 1)"
                    )
                }
                // The two optimisers (and the transposed weights for the next step) on two threads.
                trainer.inParallel(
                    {
                        decoderOptimizer.step(&decoderParameters, gradient: trainer.decoderGradient)
                        trainer.prepareDecoder(decoderParameters)
                    },
                    {
                        encoderOptimizer.step(&encoderParameters, gradient: trainer.encoderGradient)
                        trainer.prepareEncoder(encoderParameters)
                    })
                epochTotal += total
                first += rows
            }
            let mean = epochTotal / Double(n)
            trace.append(mean)
            progress?(VAETrainingProgress(epoch: epoch, epochs: options.epochs, meanELBO: mean, step: step))
        }
        return VAETrainingResult(elboTrace: trace, steps: step)
    }
}

/// Per-shard workspaces and gradient buffers reused across the steps of one training run.
final class VAETrainer: @unchecked Sendable {
    let vae: VAE
    let shards: [VAEWorkspace]
    var shardEncoderGradients: [[Double]]
    var shardDecoderGradients: [[Double]]
    var encoderGradient: [Double]
    var decoderGradient: [Double]
    var gradientsAreFinite = true

    /// Minibatches of fewer rows than this run on one thread.
    static let rowsPerShardMinimum = 16

    init(vae: VAE, batchCapacity: Int) {
        self.vae = vae
        let perShard = (batchCapacity + 1) / 2
        shards = (0..<2).map { _ in VAEWorkspace(vae: vae, capacity: max(perShard, 1)) }
        shardEncoderGradients = Array(repeating: Array(repeating: 0, count: vae.encoder.parameterCount), count: 2)
        shardDecoderGradients = Array(repeating: Array(repeating: 0, count: vae.decoder.parameterCount), count: 2)
        encoderGradient = Array(repeating: 0, count: vae.encoder.parameterCount)
        decoderGradient = Array(repeating: 0, count: vae.decoder.parameterCount)
        singleShard = VAEWorkspace(vae: vae, capacity: max(batchCapacity, 1))
        worker = batchCapacity >= 2 * Self.rowsPerShardMinimum ? PairWorker.acquire() : nil
        encoderTransposed = Array(repeating: 0, count: vae.encoder.parameterCount)
        decoderTransposed = Array(repeating: 0, count: vae.decoder.parameterCount)
        prepareEncoder(vae.encoder.parameters)
        prepareDecoder(vae.decoder.parameters)
    }

    /// Runs `here` on this thread and `other` on the worker (or both here), and returns when both
    /// are done. The two must touch disjoint memory.
    func inParallel(_ here: () -> Void, _ other: () -> Void) {
        if let worker {
            worker.run(here, other)
        } else {
            here()
            other()
        }
    }

    /// Makes the transposed weights for the next `step` from the encoder's new parameters.
    func prepareEncoder(_ parameters: [Double]) {
        DenseNetwork.transposeWeights(vae.encoder.layers, parameters, into: &encoderTransposed, skippingFirst: true)
    }

    /// Makes the transposed weights for the next `step` from the decoder's new parameters.
    func prepareDecoder(_ parameters: [Double]) {
        DenseNetwork.transposeWeights(vae.decoder.layers, parameters, into: &decoderTransposed, skippingFirst: false)
    }

    let singleShard: VAEWorkspace
    /// Runs the second shard; nil when no minibatch is large enough to split.
    let worker: PairWorker?
    /// Each layer's Wᵀ at the layer's weight offset (biases unused), made once per step for the
    /// backward passes of both shards.
    var encoderTransposed: [Double]
    var decoderTransposed: [Double]

    /// Returns the worker thread to the pool.
    func finish() {
        if let worker { PairWorker.release(worker) }
    }

    /// Computes Σ ELBO over the rows and the gradient of the loss −mean ELBO into
    /// `encoderGradient` and `decoderGradient`. The parameters must be those last passed to
    /// `prepareEncoder` and `prepareDecoder` (or the VAE's, before the first update).
    ///
    /// `gather(start, count)` must write rows start..<start+count of the minibatch into `batch`;
    /// each shard calls it for its own rows, on its own thread, before it reads them.
    func step(
        encoderParameters: [Double], decoderParameters: [Double], batch: UnsafeMutablePointer<Double>,
        noise: [Double], rows: Int, gather: (_ start: Int, _ count: Int) -> Void
    ) -> Double {
        let parameters = VAEParameterSnapshot(
            encoder: vae.encoder, encoderParameters: encoderParameters,
            decoder: vae.decoder, decoderParameters: decoderParameters)
        let weight = -1.0 / Double(rows)
        let d = vae.dataDimension
        let l = vae.latentDimension
        let shardCount = rows >= 2 * Self.rowsPerShardMinimum && worker != nil ? 2 : 1
        var totals = (0.0, 0.0)
        let rowsFirst = shardCount == 2 ? (rows + 1) / 2 : rows
        parameters.with(encoderTransposed: encoderTransposed, decoderTransposed: decoderTransposed) { p in
            noise.withUnsafeBufferPointer { nb in
                let x = UnsafePointer(batch)
                let e = nb.baseAddress!
                func work(_ shard: Int) -> Double {
                    let start = shard == 0 ? 0 : rowsFirst
                    let count = shard == 0 ? rowsFirst : rows - rowsFirst
                    gather(start, count)
                    let workspace = shardCount == 1 ? self.singleShard : self.shards[shard]
                    return self.shardEncoderGradients[shard].withUnsafeMutableBufferPointer { eg in
                        self.shardDecoderGradients[shard].withUnsafeMutableBufferPointer { dg in
                            workspace.run(
                                p, x: x + start * d, xStride: d, encoderOutput: nil, encoderOutputStride: 0,
                                noise: e + start * l, rows: count, weight: weight,
                                gradients: (eg.baseAddress!, dg.baseAddress!), perRowELBO: nil, perRowLogWeight: nil)
                        }
                    }
                }
                if shardCount == 1 {
                    totals.0 = work(0)
                } else {
                    worker!.run({ totals.0 = work(0) }, { totals.1 = work(1) })
                }
            }
        }
        var encoderFinite = true
        var decoderFinite = true
        inParallel(
            { decoderFinite = GradientShards.sum(self.shardDecoderGradients, shardCount, into: &self.decoderGradient) },
            { encoderFinite = GradientShards.sum(self.shardEncoderGradients, shardCount, into: &self.encoderGradient) })
        gradientsAreFinite = encoderFinite && decoderFinite
        return totals.0 + (shardCount == 2 ? totals.1 : 0)
    }
}

/// Per-shard gradient buffers of a minibatch step.
enum GradientShards {
    /// total[i] = shards[0][i] (+ shards[1][i]); returns whether every sum is finite.
    static func sum(_ shards: [[Double]], _ count: Int, into total: inout [Double]) -> Bool {
        var bad = SIMD2<Double>()
        total.withUnsafeMutableBufferPointer { t in
            shards[0].withUnsafeBufferPointer { a in
                shards[count == 2 ? 1 : 0].withUnsafeBufferPointer { b in
                    let n = t.count
                    let two = count == 2
                    var i = 0
                    while i &+ 2 <= n {
                        var s = SIMD2(a[i], a[i &+ 1])
                        if two { s += SIMD2(b[i], b[i &+ 1]) }
                        t[i] = s[0]
                        t[i &+ 1] = s[1]
                        // s − s is 0 for finite s and NaN for ±∞ and NaN.
                        bad += s - s
                        i &+= 2
                    }
                    while i < n {
                        var s = a[i]
                        if two { s += b[i] }
                        t[i] = s
                        bad[0] += s - s
                        i &+= 1
                    }
                }
            }
        }
        return bad[0] == 0 && bad[1] == 0
    }
}

extension DenseNetwork {
    /// Writes each layer's Wᵀ (outputs × inputs) at the layer's weight offset.
    static func transposeWeights(
        _ layers: [DenseNetwork.Layer], _ parameters: [Double], into transposed: inout [Double], skippingFirst: Bool
    ) {
        parameters.withUnsafeBufferPointer { p in
            transposed.withUnsafeMutableBufferPointer { t in
                for (index, layer) in layers.enumerated() where !(skippingFirst && index == 0) {
                    DenseKernels.transpose(
                        p.baseAddress! + layer.parameterOffset, t.baseAddress! + layer.parameterOffset,
                        rows: layer.inputCount, columns: layer.outputCount)
                }
            }
        }
    }
}
