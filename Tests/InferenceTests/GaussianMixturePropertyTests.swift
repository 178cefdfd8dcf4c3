import Inference
import Testing

@Suite struct GaussianMixturePropertyTests {
    static let initializations: [GaussianMixture.Initialization] = [.kMeans, .kMeansPlusPlus, .random, .randomFromData]

    @Test(arguments: GaussianMixture.CovarianceType.allCases)
    func logLikelihoodNeverDecreases(type: GaussianMixture.CovarianceType) throws {
        for seed in 0..<12 as Range<UInt64> {
            let d = 1 + Int(seed % 3)
            let data = try syntheticMixtureData(rows: 150 + 20 * Int(seed), dimension: d, components: 3, seed: seed)
            var g = SeededGenerator(seed: seed &+ 100)
            let fit = try GaussianMixture(
                components: 2 + Int(seed % 3), covariance: type,
                initialization: Self.initializations[Int(seed) % 4], regularization: 0, tolerance: 0, maxIterations: 40
            ).fit(data, generator: &g)
            #expect(fit.trace.count == fit.iterations + 1)
            for (t, (a, b)) in zip(fit.trace, fit.trace.dropFirst()).enumerated() {
                #expect(b >= a - 1e-12 * abs(a), "\(type), seed \(seed), iteration \(t): \(a) → \(b)")
            }
        }
    }

    @Test func monotoneOnFaithfulAndIrisWithDefaultRegularization() throws {
        for data in [try loadFaithful(), try loadIrisFeatures()] {
            for type in GaussianMixture.CovarianceType.allCases {
                for seed in 0..<4 as Range<UInt64> {
                    var g = SeededGenerator(seed: seed)
                    let fit = try GaussianMixture(
                        components: 3, covariance: type, initialization: .random, tolerance: 0, maxIterations: 60
                    ).fit(data, generator: &g)
                    for (a, b) in zip(fit.trace, fit.trace.dropFirst()) {
                        // reg_covar shifts the M-step by 1e-6 on the diagonal; allow that much.
                        #expect(b >= a - 1e-7, "\(type), seed \(seed): \(a) → \(b)")
                    }
                }
            }
        }
    }

    @Test func traceAgreesWithScoring() throws {
        let data = try loadFaithful()
        var g = SeededGenerator(seed: 4)
        let fit = try GaussianMixture(components: 2, snapshotIterations: [0, 1, 5, 20]).fit(data, generator: &g)
        let scores = try fit.scoreSamples(data)
        #expect(abs(scores.reduce(0, +) - fit.logLikelihood) < 1e-9)
        #expect(abs(fit.trace.last! * 272 - fit.logLikelihood) < 1e-9)
        #expect(abs(fit.averageLogLikelihood - fit.trace.last!) < 1e-12)
        #expect(fit.snapshots.map(\.iteration) == [0, 1, 5, 20].filter { $0 <= fit.iterations })
        for snapshot in fit.snapshots {
            #expect(snapshot.averageLogLikelihood == fit.trace[snapshot.iteration])
            #expect(abs(snapshot.parameters.weights.reduce(0, +) - 1) < 1e-12)
        }
        // Re-fitting from a snapshot's parameters reproduces the trace from there on.
        let one = fit.snapshots[1]
        var g2 = SeededGenerator(seed: 0)
        let resumed = try GaussianMixture(components: 2, initialization: .parameters(one.parameters), regularization: 0, maxIterations: 3)
            .fit(data, generator: &g2)
        #expect(abs(resumed.trace[0] - fit.trace[1]) < 1e-12)
    }

    @Test func predictionsAreConsistent() throws {
        let data = try loadFaithful()
        var g = SeededGenerator(seed: 8)
        let fit = try GaussianMixture(components: 2, initializations: 3).fit(data, generator: &g)
        let probabilities = try fit.predictProbabilities(data)
        let labels = try fit.predict(data)
        #expect(probabilities.count == 272 && labels.count == 272)
        for (p, label) in zip(probabilities, labels) {
            #expect(abs(p.reduce(0, +) - 1) < 1e-12)
            #expect(p[label] == p.max()!)
        }
        // The long-eruption cluster holds about 64 % of the rows.
        let big = fit.weights[0] > fit.weights[1] ? 0 : 1
        let share = Double(labels.filter { $0 == big }.count) / 272
        #expect(abs(share - 0.644) < 0.03)
        #expect(abs(try fit.bic(data) - fit.bic) < 1e-9)
        #expect(abs(try fit.aic(data) - fit.aic) < 1e-9)
        #expect(fit.parameterCount == 11)
    }

    @Test func samplingReproducesTheParameters() throws {
        let params = GaussianMixtureParameters(
            weights: [0.3, 0.7], means: [[-2, 1], [3, 0]],
            covariances: [[[1, 0.5], [0.5, 2]], [[0.5, -0.2], [-0.2, 0.3]]])
        var g = SeededGenerator(seed: 21)
        let big = try FittedGaussianMixture(parameters: params)
        #expect(big.means == params.means && big.covariances == params.covariances)
        let (samples, components) = try big.sample(40_000, generator: &g)
        #expect(samples.rowCount == 40_000 && samples.columnCount == 2)
        for c in 0..<2 {
            let rows = (0..<40_000).filter { components[$0] == c }
            let share = Double(rows.count) / 40_000
            // Binomial standard error ≈ 0.0023.
            #expect(abs(share - big.weights[c]) < 0.012)
            let mean0 = rows.map { samples[$0, 0] }.reduce(0, +) / Double(rows.count)
            let se = (big.covariances[c][0][0] / Double(rows.count)).squareRoot()
            #expect(abs(mean0 - big.means[c][0]) < 5 * se)
            let cov01 = rows.map { (samples[$0, 0] - big.means[c][0]) * (samples[$0, 1] - big.means[c][1]) }
                .reduce(0, +) / Double(rows.count)
            let s = big.covariances[c]
            let covarianceSE = ((s[0][0] * s[1][1] + s[0][1] * s[0][1]) / Double(rows.count)).squareRoot()
            #expect(abs(cov01 - s[0][1]) < 5 * covarianceSE)
        }
    }

    @Test func parallelAndSerialAgreeExactly() throws {
        let data = try syntheticMixtureData(rows: 20_000, dimension: 3, components: 4, seed: 9)
        var g1 = SeededGenerator(seed: 5), g2 = SeededGenerator(seed: 5)
        let a = try GaussianMixture(components: 4, maxIterations: 15, parallel: true).fit(data, generator: &g1)
        let b = try GaussianMixture(components: 4, maxIterations: 15, parallel: false).fit(data, generator: &g2)
        #expect(a.trace == b.trace)
        #expect(a.means == b.means)
        #expect(a.covariances == b.covariances)
    }

    @Test func givenMeansAreKept() throws {
        let data = try loadFaithful()
        var g = SeededGenerator(seed: 0)
        let fit = try GaussianMixture(
            components: 2, initialization: .means([[2, 55], [4.5, 80]]), maxIterations: 1, snapshotIterations: [0]
        ).fit(data, generator: &g)
        #expect(fit.snapshots[0].parameters.means == [[2, 55], [4.5, 80]])
    }

    @Test func badInputThrows() throws {
        var g = SeededGenerator(seed: 0)
        let empty = try DataMatrix(rowCount: 0, columnCount: 2, values: [])
        #expect(throws: InferenceError.self) { try GaussianMixture(components: 1).fit(empty, generator: &g) }
        let nan = try DataMatrix(rows: [[1, 2], [3, .nan], [5, 6]])
        do {
            _ = try GaussianMixture(components: 1).fit(nan, generator: &g)
            Issue.record("NaN accepted")
        } catch let error as InferenceError {
            #expect(error.message.contains("row 1") && error.message.contains("column 1"))
        }
        let inf = try DataMatrix(rows: [[1, 2], [3, .infinity]])
        #expect(throws: InferenceError.self) { try GaussianMixture(components: 1).fit(inf, generator: &g) }
        let three = try DataMatrix(rows: [[1, 2], [3, 4], [5, 7]])
        #expect(throws: InferenceError.self) { try GaussianMixture(components: 4).fit(three, generator: &g) }
        #expect(throws: InferenceError.self) { try GaussianMixture(components: 0).fit(three, generator: &g) }
        #expect(throws: InferenceError.self) { try GaussianMixture(components: 1, regularization: -1).fit(three, generator: &g) }
        // Singular covariance: identical rows and no regularization.
        let same = try DataMatrix(rows: [[1, 1], [1, 1], [1, 1]])
        #expect(throws: InferenceError.self) {
            try GaussianMixture(components: 1, regularization: 0).fit(same, generator: &g)
        }
        // A singular given covariance, weights that do not sum to one, a negative variance.
        let singular = GaussianMixtureParameters(weights: [1], means: [[0, 0]], covariances: [[[1, 1], [1, 1]]])
        #expect(throws: InferenceError.self) {
            try GaussianMixture(components: 1, initialization: .parameters(singular)).fit(three, generator: &g)
        }
        let badWeights = GaussianMixtureParameters(weights: [0.5, 0.6], means: [[0, 0], [1, 1]], covariances: [[[1, 0], [0, 1]], [[1, 0], [0, 1]]])
        #expect(throws: InferenceError.self) {
            try GaussianMixture(components: 2, initialization: .parameters(badWeights)).fit(three, generator: &g)
        }
        let negative = GaussianMixtureParameters(weights: [1], means: [[0, 0]], covariances: [[[-1, 0], [0, 1]]])
        #expect(throws: InferenceError.self) {
            try GaussianMixture(components: 1, covariance: .diagonal, initialization: .parameters(negative)).fit(three, generator: &g)
        }
        #expect(throws: InferenceError.self) {
            try GaussianMixture(components: 2, initialization: .means([[0, 0]])).fit(three, generator: &g)
        }
        let fit = try GaussianMixture(components: 1).fit(three, generator: &g)
        #expect(throws: InferenceError.self) { try fit.predict(try DataMatrix(rows: [[1, 2, 3]])) }
        #expect(throws: InferenceError.self) { try fit.sample(-1, generator: &g) }
    }
}
