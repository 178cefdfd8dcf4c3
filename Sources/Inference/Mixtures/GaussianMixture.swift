/// Maximum-likelihood Gaussian mixtures fitted by expectation–maximisation (EM).
///
/// The model is p(x) = Σₖ πₖ N(x | μₖ, Σₖ). EM alternates the E-step (responsibilities
/// rₙₖ = p(zₙ = k | xₙ)) and the M-step (weighted means and covariances); every iteration increases the
/// log-likelihood or leaves it unchanged. Conventions follow scikit-learn's `GaussianMixture`, so results
/// can be compared with it: `regularization` (`reg_covar`) is added to the diagonal of every covariance,
/// `tolerance` (`tol`) applies to the change of the average log-likelihood per sample, and BIC/AIC count
/// parameters the same way.
///
/// ```swift
/// var generator = SeededGenerator(seed: 1)
/// let data = try DataMatrix.readCSV(path: "data/faithful.csv")
/// let fit = try GaussianMixture(components: 2, initializations: 10).fit(data, generator: &generator)
/// fit.logLikelihood  // −1130.264
/// ```
public struct GaussianMixture: Sendable {
    /// The form of the component covariance matrices.
    public enum CovarianceType: String, Sendable, Hashable, CaseIterable {
        /// Each component has its own full covariance matrix: K·d(d+1)/2 parameters.
        case full
        /// Each component has its own diagonal covariance: K·d parameters.
        case diagonal
        /// Each component has its own variance σₖ²·I: K parameters.
        case spherical
        /// All components share one full covariance matrix: d(d+1)/2 parameters.
        case tied
    }

    /// How the parameters are chosen before the first EM iteration.
    public enum Initialization: Sendable, Hashable {
        /// k-means++ seeding followed by Lloyd's k-means; each row is then assigned to its nearest centre
        /// and the parameters are the M-step of those hard assignments (scikit-learn's default).
        case kMeans
        /// Greedy k-means++ seeding (2 + ⌊ln K⌋ candidates per centre); every row is assigned to its
        /// nearest seed and the parameters are the M-step of that assignment. (scikit-learn instead gives
        /// each component only its seed row, with covariance `reg_covar`·I.)
        case kMeansPlusPlus
        /// Responsibilities drawn uniformly at random and normalised per row, then an M-step.
        case random
        /// K distinct rows chosen at random; every row is assigned to the nearest of them and the
        /// parameters are the M-step of that assignment.
        case randomFromData
        /// The given K means, kept as they are; assigning every row to the nearest mean sets the weights
        /// and covariances.
        case means([[Double]])
        /// Exactly these parameters (covariances as full d × d matrices; their off-diagonal entries are
        /// ignored for diagonal and spherical fits, which keep the diagonal, resp. its mean).
        case parameters(GaussianMixtureParameters)
    }

    /// The number of components K.
    public var components: Int
    /// The form of the covariance matrices.
    public var covariance: CovarianceType
    /// How each run starts.
    public var initialization: Initialization
    /// How many runs (`n_init`); the run with the highest final bound is kept.
    public var initializations: Int
    /// Added to the diagonal of every covariance (`reg_covar`), keeping them positive definite.
    public var regularization: Double
    /// EM stops when the average log-likelihood per sample changes by less than this (`tol`).
    public var tolerance: Double
    /// The largest number of EM iterations per run (`max_iter`).
    public var maxIterations: Int
    /// Iterations (0 = the initialization) after which a copy of the parameters is recorded.
    public var snapshotIterations: Set<Int>
    /// Whether to spread the E-step over all cores. Results are identical either way.
    public var parallel: Bool

    /// Configures a Gaussian mixture fit.
    /// - Parameters:
    ///   - components: K ≥ 1.
    ///   - covariance: the covariance form (default `.full`).
    ///   - initialization: how each run starts (default `.kMeans`).
    ///   - initializations: the number of runs, keeping the best (default 1).
    ///   - regularization: added to covariance diagonals (default 1e-6).
    ///   - tolerance: convergence threshold on the average log-likelihood (default 1e-3).
    ///   - maxIterations: the iteration cap per run (default 100).
    ///   - snapshotIterations: iterations whose parameters to record (default none).
    ///   - parallel: use all cores for the E-step (default true).
    public init(
        components: Int, covariance: CovarianceType = .full, initialization: Initialization = .kMeans,
        initializations: Int = 1, regularization: Double = 1e-6, tolerance: Double = 1e-3, maxIterations: Int = 100,
        snapshotIterations: Set<Int> = [], parallel: Bool = true
    ) {
        self.components = components
        self.covariance = covariance
        self.initialization = initialization
        self.initializations = initializations
        self.regularization = regularization
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.snapshotIterations = snapshotIterations
        self.parallel = parallel
    }

    /// Fits the mixture to the rows of `data` by EM.
    ///
    /// Estimates the maximum-likelihood weights, means and covariances (plus `regularization` on the
    /// diagonal). EM finds a local maximum, so the result depends on the initialization; use several
    /// `initializations` to keep the best of several runs.
    /// - Parameters:
    ///   - data: N rows of d numbers.
    ///   - generator: the source of every random choice of the initializations.
    /// - Returns: the fitted mixture with its log-likelihood trace.
    /// - Throws: `InferenceError` for empty data, a NaN or infinity (naming row and column), K < 1 or
    ///   K > N, bad options, initial parameters that do not fit (weights not summing to one, a covariance
    ///   that is not positive definite), or a covariance that becomes singular during EM.
    public func fit(_ data: DataMatrix, generator: inout SeededGenerator) throws -> FittedGaussianMixture {
        try validate(data)
        var best: FittedGaussianMixture? = nil
        for _ in 0..<initializations {
            let initial = try initialState(data, generator: &generator)
            let run = try runEM(data, from: initial)
            if best == nil || run.logLikelihood > best!.logLikelihood { best = run }
        }
        return best!
    }

    /// Fits the mixture to data given as an array of rows; see `fit(_:generator:)`.
    /// - Throws: as `fit(_:generator:)`, and when the rows have different lengths.
    public func fit(_ rows: [[Double]], generator: inout SeededGenerator) throws -> FittedGaussianMixture {
        try fit(DataMatrix(rows: rows), generator: &generator)
    }

    private func validate(_ data: DataMatrix) throws {
        guard data.rowCount > 0, data.columnCount > 0 else {
            throw InferenceError(.invalidInput, "the data is empty (\(data.rowCount) rows × \(data.columnCount) columns)")
        }
        try _checkFinite(data)
        guard components >= 1 else {
            throw InferenceError(.invalidInput, "the number of components must be at least 1, got \(components)")
        }
        guard components <= data.rowCount else {
            throw InferenceError(
                .invalidInput, "\(components) components need at least as many rows, the data has \(data.rowCount)")
        }
        guard initializations >= 1 else {
            throw InferenceError(.invalidInput, "initializations must be at least 1, got \(initializations)")
        }
        guard maxIterations >= 1 else {
            throw InferenceError(.invalidInput, "maxIterations must be at least 1, got \(maxIterations)")
        }
        guard regularization >= 0, regularization.isFinite else {
            throw InferenceError(.invalidInput, "regularization must be finite and non-negative, got \(regularization)")
        }
        guard tolerance >= 0, !tolerance.isNaN else {
            throw InferenceError(.invalidInput, "tolerance must be non-negative, got \(tolerance)")
        }
    }

    /// One EM run from the given state, scikit-learn's loop: iteration t computes the average
    /// log-likelihood of the current parameters (the E-step) and then updates them (the M-step); it stops
    /// when that average changes by less than `tolerance`.
    func runEM(_ data: DataMatrix, from initial: _MixtureState) throws -> FittedGaussianMixture {
        let n = Double(data.rowCount)
        var state = initial
        var trace: [Double] = []
        var snapshots: [GaussianMixtureSnapshot] = []
        let blocked = _BlockedRows(data)
        var previous = -Double.infinity
        var converged = false
        var iterations = 0
        for t in 1...maxIterations {
            let factors = try _ComponentFactors(state, context: "EM iteration \(t)")
            let stats = _mixturePass(blocked, factors, output: .statistics, parallel: parallel)
            let bound = stats[0] / n
            guard bound.isFinite else {
                throw InferenceError(.numericalFailure, "EM iteration \(t): the log-likelihood is \(bound)")
            }
            trace.append(bound)
            if snapshotIterations.contains(t - 1) {
                snapshots.append(GaussianMixtureSnapshot(iteration: t - 1, parameters: state.parameters, averageLogLikelihood: bound))
            }
            state.update(from: stats, regularization: regularization)
            iterations = t
            if abs(bound - previous) < tolerance {
                converged = true
                break
            }
            previous = bound
        }
        let factors = try _ComponentFactors(state, context: "after EM iteration \(iterations)")
        let scores = _mixturePass(blocked, factors, output: .scores, parallel: parallel)
        var total = 0.0
        for s in scores { total += s }
        let finalBound = total / n
        trace.append(finalBound)
        if snapshotIterations.contains(iterations) {
            snapshots.append(GaussianMixtureSnapshot(iteration: iterations, parameters: state.parameters, averageLogLikelihood: finalBound))
        }
        return FittedGaussianMixture(
            state: state, factors: factors, trace: trace, converged: converged,
            iterations: iterations, snapshots: snapshots, trainingRows: data.rowCount, logLikelihood: total,
            parallel: parallel)
    }
}
