import Inference
import Testing

// Reference values: scripts/reference/gmm_cavi.py (an independent NumPy/SciPy implementation).

@Suite struct CAVITests {
    static let x = try! DataMatrix(rows: [-2.1, -1.7, -2.6, 0.3, 1.9, 2.4, 1.6, 2.8].map { [$0] })

    @Test func caviMatchesReference() throws {
        var g = SeededGenerator(seed: 1)
        let fit = try BayesianGaussianMixtureCAVI(components: 2, priorVariance: 4, noiseVariance: 0.5, maxIterations: 200, tolerance: -1)
            .fit(Self.x, initialMeans: [[-0.5], [0.5]], generator: &g)
        #expect(fit.iterations == 200)
        #expect(abs(fit.elboTrace[0] - (-20.006686811838)) < 1e-9)
        #expect(abs(fit.elboTrace[1] - (-18.631242639105)) < 1e-9)
        #expect(abs(fit.elboTrace[2] - (-18.568076099214)) < 1e-9)
        #expect(abs(fit.elbo - (-18.564760517909)) < 1e-9)
        #expect(abs(fit.means[0][0] - (-2.02156362)) < 1e-7)
        #expect(abs(fit.means[1][0] - 1.76627288) < 1e-7)
        #expect(abs(fit.meanVariances[0] - 0.15819893) < 1e-7)
        #expect(abs(fit.meanVariances[1] - 0.09824298) < 1e-7)
        for row in fit.responsibilities { #expect(abs(row.reduce(0, +) - 1) < 1e-12) }
    }

    @Test func variationalEMMatchesReference() throws {
        var g = SeededGenerator(seed: 1)
        let fit = try BayesianGaussianMixtureCAVI(
            components: 2, priorVariance: 4, noiseVariance: 0.5, estimateHyperparameters: true, maxIterations: 200,
            tolerance: -1
        ).fit(Self.x, initialMeans: [[-0.5], [0.5]], generator: &g)
        #expect(abs(fit.elboTrace[0] - (-18.768844499462)) < 1e-9)
        #expect(abs(fit.elboTrace[1] - (-18.221090715428)) < 1e-9)
        #expect(abs(fit.elbo - (-18.134132144378)) < 1e-9)
        #expect(abs(fit.weights[0] - 0.38337683) < 1e-7)
        #expect(abs(fit.noiseVariance - 0.717796108085) < 1e-9)
        let evidence = try BayesianGaussianMixtureCAVI.exactLogEvidence(
            Self.x, components: 2, priorVariance: 4, noiseVariance: fit.noiseVariance, weights: fit.weights)
        #expect(abs(evidence - (-17.600474774709)) < 1e-8)
        #expect(fit.elbo <= evidence)
    }

    @Test func exactEvidenceMatchesReference() throws {
        let evidence = try BayesianGaussianMixtureCAVI.exactLogEvidence(
            Self.x, components: 2, priorVariance: 4, noiseVariance: 0.5)
        #expect(abs(evidence - (-17.716311722561)) < 1e-9)
    }

    @Test func oneComponentIsExact() throws {
        // With K = 1 the mean-field family contains the posterior: the ELBO equals log p(x).
        var g = SeededGenerator(seed: 2)
        let fit = try BayesianGaussianMixtureCAVI(components: 1, priorVariance: 3, noiseVariance: 0.7)
            .fit(Self.x, generator: &g)
        let evidence = try BayesianGaussianMixtureCAVI.exactLogEvidence(
            Self.x, components: 1, priorVariance: 3, noiseVariance: 0.7)
        #expect(abs(fit.elbo - evidence) < 1e-10)
        let sum = [-2.1, -1.7, -2.6, 0.3, 1.9, 2.4, 1.6, 2.8].reduce(0, +)
        let s2 = 1 / (1 / 3 + 8 / 0.7)
        #expect(abs(fit.meanVariances[0] - s2) < 1e-14)
        #expect(abs(fit.means[0][0] - s2 * sum / 0.7) < 1e-12)
    }

    @Test func elboNeverDecreasesAndStaysBelowEvidence() throws {
        for seed in 0..<20 as Range<UInt64> {
            var g = SeededGenerator(seed: seed)
            let n = 9
            let d = 1 + Int(seed % 2)
            var values: [Double] = []
            for _ in 0..<(n * d) { values.append(3 * g.nextStandardNormal()) }
            let data = try DataMatrix(rowCount: n, columnCount: d, values: values)
            for hyper in [false, true] {
                let k = 2 + Int(seed % 2)
                let fit = try BayesianGaussianMixtureCAVI(
                    components: k, priorVariance: 5, noiseVariance: 1, estimateHyperparameters: hyper, maxIterations: 100
                ).fit(data, generator: &g)
                for (a, b) in zip(fit.elboTrace, fit.elboTrace.dropFirst()) {
                    #expect(b >= a - 1e-9 * max(1, abs(a)), "seed \(seed), hyper \(hyper)")
                }
                if n * k <= 27 || k == 2 {
                    let evidence = try BayesianGaussianMixtureCAVI.exactLogEvidence(
                        data, components: k, priorVariance: 5, noiseVariance: fit.noiseVariance, weights: fit.weights)
                    #expect(fit.elbo <= evidence + 1e-9, "seed \(seed): ELBO \(fit.elbo) > log p(x) \(evidence)")
                }
            }
        }
    }

    @Test func badInputThrows() throws {
        var g = SeededGenerator(seed: 0)
        let empty = try DataMatrix(rowCount: 0, columnCount: 1, values: [])
        #expect(throws: InferenceError.self) {
            try BayesianGaussianMixtureCAVI(components: 2, priorVariance: 1).fit(empty, generator: &g)
        }
        let nan = try DataMatrix(rows: [[1], [.nan], [2]])
        #expect(throws: InferenceError.self) {
            try BayesianGaussianMixtureCAVI(components: 2, priorVariance: 1).fit(nan, generator: &g)
        }
        #expect(throws: InferenceError.self) {
            try BayesianGaussianMixtureCAVI(components: 9, priorVariance: 1).fit(Self.x, generator: &g)
        }
        #expect(throws: InferenceError.self) {
            try BayesianGaussianMixtureCAVI(components: 2, priorVariance: -1).fit(Self.x, generator: &g)
        }
        #expect(throws: InferenceError.self) {
            try BayesianGaussianMixtureCAVI(components: 2, priorVariance: 1, weights: [0.5, 0.6]).fit(Self.x, generator: &g)
        }
        #expect(throws: InferenceError.self) {
            try BayesianGaussianMixtureCAVI.exactLogEvidence(Self.x, components: 30, priorVariance: 1, noiseVariance: 1)
        }
    }
}
