import Foundation
import Inference
import Testing

@Suite struct AmortizationGapTests {
    /// On the linear-Gaussian VAE the estimated report (refinement by SGD, IWAE, Monte Carlo ELBOs)
    /// agrees with the exact one within the standard errors, and example by example.
    @Test func estimatedGapsAgreeWithExactGaps() throws {
        let model = try vaeTestLinearGaussian()
        var g = SeededGenerator(seed: 21)
        let data = model.sample(count: 24, generator: &g)
        let exact = try model.exactAmortizationGapReport(on: data)
        let options = AmortizationGapOptions(
            importanceSamples: 2000, elboSamples: 2000,
            refinement: RefinementOptions(steps: 400, samplesPerStep: 16, learningRate: 0.05), proposalScale: 2)
        let estimated = try model.vae.amortizationGapReport(on: data, options: options, generator: &g)
        // Both gaps are real on this model: a diagonal q for a correlated posterior, and a random encoder.
        #expect(exact.approximationGap.mean > 0.1)
        #expect(exact.amortizationGap.mean > 0.3)
        let pairs: [(MeanAndStandardError, MeanAndStandardError)] = [
            (estimated.logEvidence, exact.logEvidence), (estimated.refinedELBO, exact.refinedELBO),
            (estimated.amortizedELBO, exact.amortizedELBO), (estimated.approximationGap, exact.approximationGap),
            (estimated.amortizationGap, exact.amortizationGap),
        ]
        for (e, x) in pairs {
            #expect(abs(e.mean - x.mean) < e.standardError)
        }
        // Paired per example: only Monte Carlo error (4 standard errors) and a little unconverged
        // refinement / IWAE bias (0.01 nats) separate the estimate from the exact value.
        for (e, x) in zip(estimated.examples, exact.examples) {
            #expect(abs(e.logEvidence - x.logEvidence) < 4 * e.logEvidenceStandardError + 0.01)
            #expect(abs(e.refinedELBO - x.refinedELBO) < 4 * e.refinedELBOStandardError + 0.01)
            #expect(abs(e.amortizedELBO - x.amortizedELBO) < 4 * e.amortizedELBOStandardError)
        }
        #expect(estimated.description.contains("amortization gap"))
    }

    /// The same generator seed gives the same report (the two worker threads draw from streams
    /// fixed by the example index).
    @Test func reportIsReproducible() throws {
        let model = try vaeTestLinearGaussian()
        var g = SeededGenerator(seed: 2)
        let data = model.sample(count: 5, generator: &g)
        let options = AmortizationGapOptions(importanceSamples: 100, elboSamples: 100, refinement: RefinementOptions(steps: 20))
        var g1 = SeededGenerator(seed: 8)
        var g2 = SeededGenerator(seed: 8)
        let a = try model.vae.amortizationGapReport(on: data, options: options, generator: &g1)
        let b = try model.vae.amortizationGapReport(on: data, options: options, generator: &g2)
        #expect(a == b)
        #expect(throws: InferenceError.self) { try model.vae.amortizationGapReport(on: [], generator: &g1) }
        #expect(throws: InferenceError.self) { try model.vae.amortizationGapReport(on: [[1, 2, 3]], generator: &g1) }
    }

    /// Refinement improves on the encoder and reaches the exact optimum of the linear-Gaussian model.
    @Test func refinementReachesTheExactOptimum() throws {
        let model = try vaeTestLinearGaussian()
        let x = [1.0, 0.5]
        var g = SeededGenerator(seed: 6)
        let refined = try model.vae.refine(x, options: RefinementOptions(steps: 500), generator: &g)
        let best = try model.optimalMeanField(x)
        #expect(vaeMaxRelativeError(refined.mean + refined.logStandardDeviation, best.mean + best.logStandardDeviation) < 0.05)
        #expect(try model.elbo(x, q: refined) > model.elbo(x, q: model.encode(x)))
        #expect(try model.elbo(x, q: best) - model.elbo(x, q: refined) < 0.005)
    }
}
