internal import SystemLibC
internal import NumericsCore

/// Settings for `VAE.amortizationGapReport`.
public struct AmortizationGapOptions: Sendable, Hashable {
    /// K for the IWAE estimate of log p(x) (proposal: the refined q*).
    public var importanceSamples: Int
    /// Draws for each Monte Carlo ELBO, L[q] and L[q*].
    public var elboSamples: Int
    /// How q* is found.
    public var refinement: RefinementOptions
    /// The IWAE proposal is q* with its standard deviations multiplied by this factor (≥ 1).
    ///
    /// A mean-field q* is narrower than a correlated posterior, and a proposal with less than half
    /// the posterior's variance in some direction gives importance weights of infinite variance,
    /// so that IWAE converges slowly and its standard error is unreliable. Widening the proposal
    /// keeps the weights' variance finite at a modest cost in efficiency.
    public var proposalScale: Double

    /// Creates gap-report settings.
    public init(
        importanceSamples: Int = 1000, elboSamples: Int = 1000, refinement: RefinementOptions = RefinementOptions(),
        proposalScale: Double = 1.5
    ) {
        self.importanceSamples = importanceSamples
        self.elboSamples = elboSamples
        self.refinement = refinement
        self.proposalScale = proposalScale
    }
}

/// The decomposition of log p(x) − L[q] into an approximation gap and an amortization gap
/// (Cremer, Li and Duvenaud 2018), per example and averaged over a data set.
///
/// - log p(x) − L[q*] is the **approximation gap**: what the variational family (a diagonal
///   Gaussian) costs even when its parameters are chosen for this x alone.
/// - L[q*] − L[q] is the **amortization gap**: what sharing one encoder across all x costs.
///
/// Averages come with standard errors across examples (sample sd / √n), i.e. how much the average
/// would move with another sample of data; the per-example values are kept for pairing and plots.
public struct AmortizationGapReport: Sendable, Hashable, CustomStringConvertible {
    /// The quantities for one example.
    public struct Example: Sendable, Hashable {
        /// log p(x), exact or an IWAE estimate.
        public var logEvidence: Double
        /// L[q*], the ELBO of the per-example optimum.
        public var refinedELBO: Double
        /// L[q], the ELBO of the encoder's q(z|x).
        public var amortizedELBO: Double
        /// Monte Carlo standard error of `logEvidence` (0 when exact).
        public var logEvidenceStandardError: Double
        /// Monte Carlo standard error of `refinedELBO` (0 when exact).
        public var refinedELBOStandardError: Double
        /// Monte Carlo standard error of `amortizedELBO` (0 when exact).
        public var amortizedELBOStandardError: Double
        /// log p(x) − L[q*].
        public var approximationGap: Double { logEvidence - refinedELBO }
        /// L[q*] − L[q].
        public var amortizationGap: Double { refinedELBO - amortizedELBO }

        /// Creates one example's entry; the standard errors are those of Monte Carlo estimates.
        public init(
            logEvidence: Double, refinedELBO: Double, amortizedELBO: Double, logEvidenceStandardError: Double = 0,
            refinedELBOStandardError: Double = 0, amortizedELBOStandardError: Double = 0
        ) {
            self.logEvidence = logEvidence
            self.refinedELBO = refinedELBO
            self.amortizedELBO = amortizedELBO
            self.logEvidenceStandardError = logEvidenceStandardError
            self.refinedELBOStandardError = refinedELBOStandardError
            self.amortizedELBOStandardError = amortizedELBOStandardError
        }
    }

    /// One entry per example, in data order.
    public var examples: [Example]
    /// Whether the values are exact (linear-Gaussian model) or Monte Carlo estimates.
    public var isExact: Bool

    /// Creates a report from per-example entries.
    public init(examples: [Example], isExact: Bool) {
        self.examples = examples
        self.isExact = isExact
    }

    /// Average log p̂(x) over examples.
    public var logEvidence: MeanAndStandardError { MeanAndStandardError(averaging: examples.map(\.logEvidence)) }
    /// Average L[q*].
    public var refinedELBO: MeanAndStandardError { MeanAndStandardError(averaging: examples.map(\.refinedELBO)) }
    /// Average L[q].
    public var amortizedELBO: MeanAndStandardError { MeanAndStandardError(averaging: examples.map(\.amortizedELBO)) }
    /// Average approximation gap log p̂(x) − L[q*] (its standard error accounts for the pairing).
    public var approximationGap: MeanAndStandardError { MeanAndStandardError(averaging: examples.map(\.approximationGap)) }
    /// Average amortization gap L[q*] − L[q].
    public var amortizationGap: MeanAndStandardError { MeanAndStandardError(averaging: examples.map(\.amortizationGap)) }

    /// The five averages, for a table: name and value.
    public var rows: [(name: String, value: MeanAndStandardError)] {
        [
            (isExact ? "log p(x)" : "log p̂(x) (IWAE)", logEvidence),
            ("L[q*] (refined)", refinedELBO),
            ("L[q] (encoder)", amortizedELBO),
            ("approximation gap log p(x) − L[q*]", approximationGap),
            ("amortization gap L[q*] − L[q]", amortizationGap),
        ]
    }

    public var description: String {
        var lines = ["Amortization gap over \(examples.count) examples (\(isExact ? "exact" : "estimated"); mean ± standard error, nats)"]
        let width = rows.map(\.name.count).max() ?? 0
        for row in rows {
            lines.append(row.name + String(repeating: " ", count: width - row.name.count) + "  " + row.value.description)
        }
        return lines.joined(separator: "\n")
    }
}

extension VAE {
    /// Estimates log p(x), L[q*], L[q] and both gaps for every example of a data set.
    ///
    /// For each x: q = encoder(x); q* = `refine(x)` from q; log p̂(x) = IWAE-K with q* (widened by
    /// `proposalScale`) as the proposal; L[q] and L[q*] by Monte Carlo with `elboSamples` draws (unbiased). log p̂(x) is biased
    /// low by O(1/K) and L[q*] is biased low by whatever refinement leaves unconverged, so the
    /// approximation gap is, if anything, under-estimated and the amortization gap over-estimated
    /// by that refinement shortfall. Examples are split between two threads, each with its own
    /// generator derived from `generator` and the example's index, so results do not depend on the
    /// number of cores.
    ///
    /// - Parameters:
    ///   - data: rows of D finite numbers.
    ///   - options: IWAE samples, ELBO samples, refinement settings.
    ///   - generator: the source of randomness.
    /// - Returns: the per-example values and their averages with standard errors.
    /// - Throws: `InferenceError` for empty data, wrong widths, non-finite values, or a failure in
    ///   refinement (naming the example).
    public func amortizationGapReport(
        on data: [[Double]], options: AmortizationGapOptions = AmortizationGapOptions(),
        generator: inout SeededGenerator
    ) throws -> AmortizationGapReport {
        guard !data.isEmpty else { throw InferenceError(.invalidInput, "the data set for the gap report is empty") }
        for (r, row) in data.enumerated() { try InputChecks.checkRow(row, width: dataDimension, what: "data row \(r)") }
        guard options.importanceSamples >= 2, options.elboSamples >= 2 else {
            throw InferenceError(.invalidInput, "the gap report needs at least 2 importance and 2 ELBO samples")
        }
        guard options.proposalScale >= 1, options.proposalScale.isFinite else {
            throw InferenceError(.invalidInput, "the proposal scale is \(options.proposalScale); it must be at least 1")
        }
        let logScale = log(options.proposalScale)
        let root = generator.split(stream: 0x6761_7073)
        let slots = ResultSlots<Result<AmortizationGapReport.Example, InferenceError>>(count: data.count)
        let n = data.count
        let vae = self
        Parallel.forEach(n >= 2 ? 2 : 1) { shard in
            let range = shard == 0 ? 0..<((n + 1) / 2) : ((n + 1) / 2)..<n
            for i in range {
                var parent = root
                var g = parent.split(stream: UInt64(i))
                do {
                    let x = data[i]
                    let q = try vae.encode(x)
                    let qStar = try vae.refine(x, from: q, options: options.refinement, generator: &g)
                    let proposal = VariationalParameters(
                        _unchecked: qStar.mean, qStar.logStandardDeviation.map { $0 + logScale })
                    let logP = try vae.importanceWeightedLogEvidence(
                        x, proposal: proposal, samples: options.importanceSamples, generator: &g)
                    let lStar = try vae.elbo(x, q: qStar, samples: options.elboSamples, generator: &g)
                    let lq = try vae.elbo(x, q: q, samples: options.elboSamples, generator: &g)
                    slots.set(
                        i,
                        .success(
                            .init(
                                logEvidence: logP.mean, refinedELBO: lStar.mean, amortizedELBO: lq.mean,
                                logEvidenceStandardError: logP.standardError,
                                refinedELBOStandardError: lStar.standardError,
                                amortizedELBOStandardError: lq.standardError)))
                } catch let error as InferenceError {
                    slots.set(i, .failure(InferenceError(error.kind, "example \(i): \(error.message)")))
                } catch {
                    slots.set(i, .failure(InferenceError(.numericalFailure, "example \(i): \(error)")))
                }
            }
        }
        var examples: [AmortizationGapReport.Example] = []
        for result in slots.values {
            examples.append(try result!.get())
        }
        return AmortizationGapReport(examples: examples, isExact: false)
    }
}

/// Slots that worker threads fill at distinct indices (raw storage, so no exclusivity check
/// spans two threads).
final class ResultSlots<T>: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<T?>
    let count: Int
    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: max(count, 1))
        storage.initialize(repeating: nil, count: count)
    }
    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }
    func set(_ i: Int, _ value: T) { storage[i] = value }
    var values: [T?] { Array(UnsafeBufferPointer(start: storage, count: count)) }
}
