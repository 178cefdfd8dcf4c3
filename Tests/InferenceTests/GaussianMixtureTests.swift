import Inference
import Testing

// Reference values: scripts/reference/gmm_faithful.py (scikit-learn 1.9.1, n_init=10, tol=1e-10).

@Suite struct GaussianMixtureFaithfulTests {
    /// (K, total log-likelihood, BIC, AIC) for full covariances, from data/SOURCES.md and the script.
    static let fullTable: [(Int, Double, Double, Double)] = [
        (1, -1289.796745, 2607.6225, 2589.5935),
        (2, -1130.263960, 2322.1917, 2282.5279),
        (3, -1119.213971, 2333.7266, 2272.4279),
        (4, -1114.687114, 2358.3077, 2275.3742),
    ]

    @Test func twoComponentsFullCovarianceMatchesReference() throws {
        let data = try loadFaithful()
        var g = SeededGenerator(seed: 1)
        let fit = try GaussianMixture(components: 2, initializations: 10, tolerance: 1e-10, maxIterations: 1000)
            .fit(data, generator: &g)
        #expect(abs(fit.logLikelihood - (-1130.2640)) < 1e-3)
        #expect(abs(fit.bic - 2322.19) < 0.01)
        #expect(abs(fit.aic - 2282.53) < 0.01)
        #expect(fit.converged)
        let order = fit.means[0][0] < fit.means[1][0] ? [0, 1] : [1, 0]
        #expect(abs(fit.weights[order[0]] - 0.355873) < 1e-5)
        #expect(abs(fit.means[order[0]][0] - 2.036389) < 1e-5)
        #expect(abs(fit.means[order[0]][1] - 54.478518) < 1e-4)
        #expect(abs(fit.means[order[1]][0] - 4.289662) < 1e-5)
        #expect(abs(fit.means[order[1]][1] - 79.968117) < 1e-4)
    }

    @Test(arguments: [0, 1, 2, 3])
    func fullCovarianceTableForOneToFourComponents(row: Int) throws {
        let (k, logLikelihood, bic, aic) = Self.fullTable[row]
        let data = try loadFaithful()
        var g = SeededGenerator(seed: 7)
        let fit = try GaussianMixture(components: k, initializations: 10, tolerance: 1e-10, maxIterations: 2000)
            .fit(data, generator: &g)
        #expect(abs(fit.logLikelihood - logLikelihood) < 1e-3, "K = \(k): \(fit.logLikelihood)")
        #expect(abs(fit.bic - bic) < 2e-3, "K = \(k): BIC \(fit.bic)")
        #expect(abs(fit.aic - aic) < 2e-3, "K = \(k): AIC \(fit.aic)")
    }

    @Test(arguments: [
        (GaussianMixture.CovarianceType.diagonal, 2, -1147.806353, 2346.0649),
        (.diagonal, 3, -1127.007519, 2332.4963),
        (.spherical, 2, -1709.529282, 3458.2992),
        (.spherical, 3, -1637.434418, 3336.5327),
        (.tied, 2, -1140.186759, 2325.2199),
        (.tied, 3, -1126.315928, 2314.2957),
    ])
    func otherCovarianceTypesMatchReference(
        type: GaussianMixture.CovarianceType, k: Int, logLikelihood: Double, bic: Double
    ) throws {
        let data = try loadFaithful()
        var g = SeededGenerator(seed: 3)
        let fit = try GaussianMixture(
            components: k, covariance: type, initializations: 10, tolerance: 1e-10, maxIterations: 5000
        ).fit(data, generator: &g)
        #expect(abs(fit.logLikelihood - logLikelihood) < 1e-3, "\(type) K = \(k): \(fit.logLikelihood)")
        #expect(abs(fit.bic - bic) < 2e-3, "\(type) K = \(k): BIC \(fit.bic)")
    }

    @Test func eruptionsColumnAlone() throws {
        let data = try loadFaithful().selectingColumns([0])
        var g = SeededGenerator(seed: 5)
        let fit = try GaussianMixture(components: 2, initializations: 10, tolerance: 1e-10, maxIterations: 1000)
            .fit(data, generator: &g)
        #expect(abs(fit.logLikelihood - (-276.360041)) < 1e-4)
        let low = fit.means[0][0] < fit.means[1][0] ? 0 : 1
        #expect(abs(fit.weights[low] - 0.348405) < 1e-5)
        #expect(abs(fit.means[low][0] - 2.018609) < 1e-5)
        #expect(abs(fit.covariances[low][0][0] - 0.05552) < 1e-5)
        #expect(abs(fit.covariances[1 - low][0][0] - 0.191023) < 1e-5)
    }

    @Test(arguments: [
        (GaussianMixture.CovarianceType.full, -180.185478),
        (.diagonal, -307.177572),
        (.spherical, -384.314095),
        (.tied, -256.354043),
    ])
    func irisThreeComponents(type: GaussianMixture.CovarianceType, logLikelihood: Double) throws {
        let data = try loadIrisFeatures()
        var g = SeededGenerator(seed: 11)
        let fit = try GaussianMixture(
            components: 3, covariance: type, initializations: 10, tolerance: 1e-10, maxIterations: 5000
        ).fit(data, generator: &g)
        #expect(abs(fit.logLikelihood - logLikelihood) < 1e-3, "\(type): \(fit.logLikelihood)")
    }
}
