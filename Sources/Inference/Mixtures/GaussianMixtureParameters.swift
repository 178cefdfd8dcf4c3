/// The parameters of a Gaussian mixture: weights πₖ, means μₖ and covariance matrices Σₖ.
///
/// Covariances are always given as full d × d matrices, whatever the covariance type the mixture was
/// fitted with (a diagonal fit has zeros off the diagonal; a tied fit repeats one matrix).
public struct GaussianMixtureParameters: Sendable, Hashable {
    /// Mixing weights, one per component, summing to one.
    public var weights: [Double]
    /// Component means, K arrays of length d.
    public var means: [[Double]]
    /// Component covariances, K matrices d × d as arrays of rows.
    public var covariances: [[[Double]]]

    /// Creates parameters from their parts (not checked here; `GaussianMixture` checks what it is given).
    public init(weights: [Double], means: [[Double]], covariances: [[[Double]]]) {
        self.weights = weights
        self.means = means
        self.covariances = covariances
    }
}

/// A recorded copy of the parameters after a given number of EM iterations.
public struct GaussianMixtureSnapshot: Sendable, Hashable {
    /// The number of M-steps done: 0 is the initialization.
    public var iteration: Int
    /// The parameters at that point.
    public var parameters: GaussianMixtureParameters
    /// Their average log-likelihood per sample on the training data.
    public var averageLogLikelihood: Double
}

/// The internal, flat form of the parameters used by the EM loop.
struct _MixtureState: Sendable {
    var components: Int
    var dimension: Int
    var covariance: GaussianMixture.CovarianceType
    /// K weights.
    var weights: [Double]
    /// K×d means, row-major.
    var means: [Double]
    /// K full d × d covariances, row-major, one after the other.
    var covariances: [Double]

    var parameters: GaussianMixtureParameters {
        let k = components, d = dimension
        return GaussianMixtureParameters(
            weights: weights,
            means: (0..<k).map { Array(means[($0 * d)..<(($0 + 1) * d)]) },
            covariances: (0..<k).map { c in
                (0..<d).map { i in Array(covariances[(c * d * d + i * d)..<(c * d * d + (i + 1) * d)]) }
            })
    }

    /// The M-step from the statistics of one pass (see `_mixturePass`), scikit-learn's conventions:
    /// nₖ = Σ rₖ + 10·ε, πₖ = nₖ / Σ nⱼ, μₖ = Σ rₖ x / nₖ, Σₖ = Σ rₖ (x − μₖ)(x − μₖ)ᵀ / nₖ + reg·I
    /// (diagonal: the diagonal of that; spherical: the mean of the diagonal; tied: Σₖ nₖ Σₖ / Σ nₖ).
    mutating func update(from stats: [Double], regularization reg: Double) {
        let k = components, d = dimension
        let diagonal = covariance == .diagonal || covariance == .spherical
        let packed = diagonal ? d : d * (d + 1) / 2
        let layout = _StatisticsLayout(components: k, dimension: d, packed: packed)
        var nk = [Double](repeating: 0, count: k)
        for c in 0..<k { nk[c] = stats[1 + c] + 10 * Double.ulpOfOne }
        let total = nk.reduce(0, +)
        var scatter = [Double](repeating: 0, count: k * d * d)  // unregularised covariances
        for c in 0..<k {
            let n = nk[c]
            var shift = [Double](repeating: 0, count: d)
            for j in 0..<d {
                shift[j] = stats[layout.firstOffset + c * d + j] / n
                means[c * d + j] += shift[j]
            }
            let base = layout.secondOffset + c * packed
            if diagonal {
                for j in 0..<d {
                    scatter[c * d * d + j * d + j] = max(0, stats[base + j] / n - shift[j] * shift[j])
                }
            } else {
                var idx = base
                for i in 0..<d {
                    for j in i..<d {
                        var v = stats[idx] / n - shift[i] * shift[j]
                        if i == j { v = max(0, v) }
                        scatter[c * d * d + i * d + j] = v
                        scatter[c * d * d + j * d + i] = v
                        idx += 1
                    }
                }
            }
            weights[c] = n / total
        }
        setCovariances(fromScatter: scatter, counts: nk, regularization: reg)
    }

    /// Sets the covariances from unregularised per-component scatter matrices, by covariance type.
    mutating func setCovariances(fromScatter scatter: [Double], counts nk: [Double], regularization reg: Double) {
        let k = components, d = dimension
        covariances = [Double](repeating: 0, count: k * d * d)
        switch covariance {
        case .full:
            covariances = scatter
            for c in 0..<k { for j in 0..<d { covariances[c * d * d + j * d + j] += reg } }
        case .diagonal:
            for c in 0..<k { for j in 0..<d { covariances[c * d * d + j * d + j] = scatter[c * d * d + j * d + j] + reg } }
        case .spherical:
            for c in 0..<k {
                var mean = 0.0
                for j in 0..<d { mean += scatter[c * d * d + j * d + j] }
                mean = mean / Double(d) + reg
                for j in 0..<d { covariances[c * d * d + j * d + j] = mean }
            }
        case .tied:
            let total = nk.reduce(0, +)
            var pooled = [Double](repeating: 0, count: d * d)
            for c in 0..<k { for e in 0..<(d * d) { pooled[e] += nk[c] * scatter[c * d * d + e] } }
            for e in 0..<(d * d) { pooled[e] /= total }
            for j in 0..<d { pooled[j * d + j] += reg }
            for c in 0..<k { for e in 0..<(d * d) { covariances[c * d * d + e] = pooled[e] } }
        }
    }

    /// Parameters from responsibilities (N × K, row-major): the M-step used by the initializations.
    static func fromResponsibilities(
        _ resp: [Double], data: DataMatrix, covariance: GaussianMixture.CovarianceType, regularization reg: Double,
        components k: Int
    ) -> _MixtureState {
        let n = data.rowCount, d = data.columnCount
        var nk = [Double](repeating: 10 * Double.ulpOfOne, count: k)
        var means = [Double](repeating: 0, count: k * d)
        for i in 0..<n {
            for c in 0..<k {
                let r = resp[i * k + c]
                if r == 0 { continue }
                nk[c] += r
                for j in 0..<d { means[c * d + j] += r * data.values[i * d + j] }
            }
        }
        for c in 0..<k { for j in 0..<d { means[c * d + j] /= nk[c] } }
        var scatter = [Double](repeating: 0, count: k * d * d)
        var delta = [Double](repeating: 0, count: d)
        for i in 0..<n {
            for c in 0..<k {
                let r = resp[i * k + c]
                if r == 0 { continue }
                for j in 0..<d { delta[j] = data.values[i * d + j] - means[c * d + j] }
                for a in 0..<d { for b in 0..<d { scatter[c * d * d + a * d + b] += r * delta[a] * delta[b] } }
            }
        }
        for c in 0..<k { for e in 0..<(d * d) { scatter[c * d * d + e] /= nk[c] } }
        let total = nk.reduce(0, +)
        var state = _MixtureState(
            components: k, dimension: d, covariance: covariance, weights: nk.map { $0 / total }, means: means,
            covariances: [])
        state.setCovariances(fromScatter: scatter, counts: nk, regularization: reg)
        return state
    }
}
