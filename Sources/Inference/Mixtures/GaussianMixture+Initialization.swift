extension GaussianMixture {
    /// The parameters a run starts from, by `initialization`.
    func initialState(_ data: DataMatrix, generator: inout SeededGenerator) throws -> _MixtureState {
        let n = data.rowCount, d = data.columnCount, k = components
        switch initialization {
        case .random:
            var resp = [Double](repeating: 0, count: n * k)
            for i in 0..<n {
                var sum = 0.0
                for c in 0..<k {
                    let u = generator.nextOpenUniform()
                    resp[i * k + c] = u
                    sum += u
                }
                for c in 0..<k { resp[i * k + c] /= sum }
            }
            return _MixtureState.fromResponsibilities(
                resp, data: data, covariance: covariance, regularization: regularization, components: k)
        case .randomFromData:
            let rows = _distinctIndices(count: k, from: n, generator: &generator)
            return hardAssignmentState(data, centres: rows.flatMap { data.row($0) })
        case .kMeansPlusPlus:
            return hardAssignmentState(data, centres: _kMeansPlusPlus(data, k: k, generator: &generator))
        case .kMeans:
            let seeds = _kMeansPlusPlus(data, k: k, generator: &generator)
            return hardAssignmentState(data, centres: _lloyd(data, centres: seeds, k: k))
        case .means(let given):
            guard given.count == k else {
                throw InferenceError(.dimensionMismatch, "\(given.count) initial means for \(k) components")
            }
            for (c, m) in given.enumerated() {
                guard m.count == d else {
                    throw InferenceError(.dimensionMismatch, "initial mean \(c) has \(m.count) entries, the data has \(d) columns")
                }
                for (j, v) in m.enumerated() where !v.isFinite {
                    throw InferenceError(.invalidInput, "initial mean \(c), entry \(j) is \(v)")
                }
            }
            var state = hardAssignmentState(data, centres: given.flatMap { $0 })
            state.means = given.flatMap { $0 }
            return state
        case .parameters(let p):
            return try stateFromParameters(p, dimension: d)
        }
    }

    /// The M-step of assigning every row to its nearest centre (K×d, row-major).
    private func hardAssignmentState(_ data: DataMatrix, centres: [Double]) -> _MixtureState {
        let n = data.rowCount, k = components
        let labels = _nearest(data, centres: centres, k: k)
        var resp = [Double](repeating: 0, count: n * k)
        for i in 0..<n { resp[i * k + labels[i]] = 1 }
        return _MixtureState.fromResponsibilities(
            resp, data: data, covariance: covariance, regularization: regularization, components: k)
    }

    /// Checks user-given parameters and converts them to the internal form.
    func stateFromParameters(_ p: GaussianMixtureParameters, dimension d: Int) throws -> _MixtureState {
        let k = components
        guard p.weights.count == k, p.means.count == k else {
            throw InferenceError(
                .dimensionMismatch, "initial parameters have \(p.weights.count) weights and \(p.means.count) means for \(k) components")
        }
        for (c, w) in p.weights.enumerated() where !(w >= 0 && w.isFinite) {
            throw InferenceError(.invalidInput, "initial weight \(c) is \(w); weights must be non-negative")
        }
        let sum = p.weights.reduce(0, +)
        guard abs(sum - 1) <= 1e-6 else {
            throw InferenceError(.invalidInput, "initial weights sum to \(sum), not 1")
        }
        for (c, m) in p.means.enumerated() {
            guard m.count == d else {
                throw InferenceError(.dimensionMismatch, "initial mean \(c) has \(m.count) entries, the data has \(d) columns")
            }
            for (j, v) in m.enumerated() where !v.isFinite {
                throw InferenceError(.invalidInput, "initial mean \(c), entry \(j) is \(v)")
            }
        }
        let allowed = covariance == .tied ? [1, k] : [k]
        guard allowed.contains(p.covariances.count) else {
            throw InferenceError(.dimensionMismatch, "\(p.covariances.count) initial covariances for \(k) components")
        }
        var flat: [Double] = []
        for (c, sigma) in p.covariances.enumerated() {
            guard sigma.count == d, sigma.allSatisfy({ $0.count == d }) else {
                throw InferenceError(.dimensionMismatch, "initial covariance \(c) is not \(d) × \(d)")
            }
            for i in 0..<d {
                for j in 0..<d {
                    let v = sigma[i][j]
                    guard v.isFinite else {
                        throw InferenceError(.invalidInput, "initial covariance \(c), entry (\(i), \(j)) is \(v)")
                    }
                    if covariance == .full || covariance == .tied,
                        abs(v - sigma[j][i]) > 1e-9 * max(1, abs(v))
                    {
                        throw InferenceError(.invalidInput, "initial covariance \(c) is not symmetric at (\(i), \(j))")
                    }
                    if i == j, v < 0 {
                        throw InferenceError(.invalidInput, "initial covariance \(c) has negative variance \(v) at (\(i), \(i))")
                    }
                }
            }
            flat.append(contentsOf: sigma.flatMap { $0 })
        }
        var state = _MixtureState(
            components: k, dimension: d, covariance: covariance, weights: p.weights, means: p.means.flatMap { $0 },
            covariances: [])
        if covariance == .tied && flat.count == d * d {
            flat = Array((0..<k).map { _ in flat }.joined())
        }
        // The given matrices act as scatter matrices with no extra regularization.
        let counts = covariance == .tied && p.covariances.count == 1 ? [Double](repeating: 1, count: k) : p.weights
        state.setCovariances(fromScatter: flat, counts: counts, regularization: 0)
        _ = try _ComponentFactors(state, context: "the initial parameters")
        return state
    }
}

/// `count` distinct indices from 0..<n, in the order drawn (partial Fisher–Yates).
func _distinctIndices(count: Int, from n: Int, generator: inout SeededGenerator) -> [Int] {
    var pool = Array(0..<n)
    for i in 0..<count {
        let j = i + Int(generator.nextUniform() * Double(n - i))
        pool.swapAt(i, min(j, n - 1))
    }
    return Array(pool[0..<count])
}

/// Squared Euclidean distance between row `i` of `data` and centre `c` of `centres`.
@inline(__always)
private func _distance2(_ data: DataMatrix, _ i: Int, _ centres: [Double], _ c: Int) -> Double {
    let d = data.columnCount
    var s = 0.0
    for j in 0..<d {
        let v = data.values[i * d + j] - centres[c * d + j]
        s += v * v
    }
    return s
}

/// The index of the nearest centre for every row.
func _nearest(_ data: DataMatrix, centres: [Double], k: Int) -> [Int] {
    (0..<data.rowCount).map { i in
        var best = 0
        var bestDistance = Double.infinity
        for c in 0..<k {
            let dist = _distance2(data, i, centres, c)
            if dist < bestDistance {
                bestDistance = dist
                best = c
            }
        }
        return best
    }
}

/// Greedy k-means++ seeding: each new centre is the best (lowest potential) of 2 + ⌊ln K⌋ candidates drawn
/// with probability proportional to the squared distance to the nearest existing centre.
func _kMeansPlusPlus(_ data: DataMatrix, k: Int, generator: inout SeededGenerator) -> [Double] {
    let n = data.rowCount, d = data.columnCount
    let trials = 2 + Int(_logForSampling(Double(k)))
    var centres: [Double] = []
    centres.reserveCapacity(k * d)
    let first = min(n - 1, Int(generator.nextUniform() * Double(n)))
    centres.append(contentsOf: data.row(first))
    var closest = (0..<n).map { _distance2(data, $0, centres, 0) }
    for _ in 1..<max(k, 1) {
        let potential = closest.reduce(0, +)
        var bestCandidate = 0
        var bestPotential = Double.infinity
        var bestClosest: [Double] = closest
        for _ in 0..<trials {
            var candidate = min(n - 1, Int(generator.nextUniform() * Double(n)))
            if potential > 0 {
                let target = generator.nextUniform() * potential
                var cumulative = 0.0
                candidate = n - 1
                for i in 0..<n {
                    cumulative += closest[i]
                    if cumulative > target {
                        candidate = i
                        break
                    }
                }
            }
            let row = data.row(candidate)
            var newClosest = closest
            var newPotential = 0.0
            for i in 0..<n {
                let dist = _distance2(data, i, row, 0)
                if dist < newClosest[i] { newClosest[i] = dist }
                newPotential += newClosest[i]
            }
            if newPotential < bestPotential {
                bestPotential = newPotential
                bestCandidate = candidate
                bestClosest = newClosest
            }
        }
        centres.append(contentsOf: data.row(bestCandidate))
        closest = bestClosest
    }
    return centres
}

/// Lloyd's k-means from the given centres, until no assignment changes (at most 300 rounds). An empty
/// cluster keeps its previous centre.
func _lloyd(_ data: DataMatrix, centres initial: [Double], k: Int) -> [Double] {
    let n = data.rowCount, d = data.columnCount
    var centres = initial
    var labels = [Int](repeating: -1, count: n)
    for _ in 0..<300 {
        let next = _nearest(data, centres: centres, k: k)
        if next == labels { break }
        labels = next
        var sums = [Double](repeating: 0, count: k * d)
        var counts = [Int](repeating: 0, count: k)
        for i in 0..<n {
            counts[labels[i]] += 1
            for j in 0..<d { sums[labels[i] * d + j] += data.values[i * d + j] }
        }
        for c in 0..<k where counts[c] > 0 {
            for j in 0..<d { centres[c * d + j] = sums[c * d + j] / Double(counts[c]) }
        }
    }
    return centres
}
