internal import SystemLibC

/// The lecture's small Bayesian network of four binary variables: A → C ← B, C → D.
///
/// p(a, b, c, d) = p(a) p(b) p(c | a, b) p(d | c). With some variables unobserved in some rows, EM
/// completes each row with every assignment of its missing variables, weighted by its posterior under
/// the current parameters (E-step), then re-estimates every conditional probability from the weighted
/// counts (M-step).
public struct FourNodeBayesNet: Sendable, Hashable {
    /// P(A = 1).
    public var a: Double
    /// P(B = 1).
    public var b: Double
    /// P(C = 1 | A, B), indexed by `2·A + B`: [¬a¬b, ¬a b, a ¬b, a b].
    public var cGivenAB: [Double]
    /// P(D = 1 | C), indexed by C: [¬c, c].
    public var dGivenC: [Double]

    /// Creates a network from its conditional probability tables.
    /// - Parameters:
    ///   - a: P(A = 1).
    ///   - b: P(B = 1).
    ///   - cGivenAB: P(C = 1 | A, B) for (A, B) = (0,0), (0,1), (1,0), (1,1).
    ///   - dGivenC: P(D = 1 | C) for C = 0, 1.
    /// - Throws: `InferenceError` (.invalidInput) for a probability outside [0, 1] or a table of the wrong size.
    public init(a: Double, b: Double, cGivenAB: [Double], dGivenC: [Double]) throws {
        guard cGivenAB.count == 4, dGivenC.count == 2 else {
            throw InferenceError(
                .dimensionMismatch, "P(C | A, B) needs 4 entries and P(D | C) 2, got \(cGivenAB.count) and \(dGivenC.count)")
        }
        let named = [("θa", a), ("θb", b)] + cGivenAB.enumerated().map { ("θc|\($0.offset)", $0.element) }
            + dGivenC.enumerated().map { ("θd|\($0.offset)", $0.element) }
        for (name, p) in named where !(p >= 0 && p <= 1) {
            throw InferenceError(.invalidInput, "\(name) = \(p) is not a probability in [0, 1]")
        }
        self.a = a
        self.b = b
        self.cGivenAB = cGivenAB
        self.dGivenC = dGivenC
    }

    /// The lecture's parameters: θa = .3, θb = .9, θc|a,b = .2, θc|a,¬b = .6, θd|c = .8, θd|¬c = .1.
    /// The two rows for ¬a are not legible in the lecture; this library sets θc|¬a,¬b = .1 and θc|¬a,b = .5.
    public static let lecture = try! FourNodeBayesNet(a: 0.3, b: 0.9, cGivenAB: [0.1, 0.5, 0.6, 0.2], dGivenC: [0.1, 0.8])

    /// The joint probability p(a, b, c, d) of a full assignment.
    /// - Parameter x: values of A, B, C, D.
    /// - Returns: the probability.
    public func probability(_ x: [Bool]) -> Double {
        func bern(_ p: Double, _ v: Bool) -> Double { v ? p : 1 - p }
        let (va, vb, vc, vd) = (x[0], x[1], x[2], x[3])
        return bern(a, va) * bern(b, vb) * bern(cGivenAB[(va ? 2 : 0) + (vb ? 1 : 0)], vc) * bern(dGivenC[vc ? 1 : 0], vd)
    }

    /// Every completion of a partly observed row, weighted by its posterior probability given the
    /// observed part: weight(z) = p(x, z) / Σ_z' p(x, z').
    /// - Parameter row: values of A, B, C, D, nil where missing.
    /// - Returns: the full assignments (missing variables enumerated with false before true, A first) and
    ///   their weights, which sum to one.
    /// - Throws: `InferenceError` (.dimensionMismatch) if the row does not have four entries,
    ///   (.invalidInput) if the observed part has probability zero.
    public func completions(of row: [Bool?]) throws -> [(assignment: [Bool], weight: Double)] {
        guard row.count == 4 else {
            throw InferenceError(.dimensionMismatch, "a row of the network has 4 entries (A, B, C, D), got \(row.count)")
        }
        let missing = row.indices.filter { row[$0] == nil }
        var out: [(assignment: [Bool], weight: Double)] = []
        var total = 0.0
        for code in 0..<(1 << missing.count) {
            var x = row.map { $0 ?? false }
            for (bit, index) in missing.enumerated() {
                x[index] = (code >> (missing.count - 1 - bit)) & 1 == 1
            }
            let p = probability(x)
            total += p
            out.append((x, p))
        }
        guard total > 0 else {
            throw InferenceError(.invalidInput, "the observed values \(row) have probability zero under the parameters")
        }
        return out.map { ($0.assignment, $0.weight / total) }
    }

    /// The log-likelihood Σₘ log p(observed part of row m), summing out the missing variables.
    /// - Parameter data: rows of A, B, C, D with nil where missing.
    /// - Returns: the log-likelihood (−∞ when some row is impossible).
    /// - Throws: `InferenceError` (.dimensionMismatch) for a row without four entries.
    public func logLikelihood(_ data: [[Bool?]]) throws -> Double {
        var total = 0.0
        for (m, row) in data.enumerated() {
            guard row.count == 4 else {
                throw InferenceError(.dimensionMismatch, "data row \(m) has \(row.count) entries, not 4")
            }
            let missing = row.indices.filter { row[$0] == nil }
            var p = 0.0
            for code in 0..<(1 << missing.count) {
                var x = row.map { $0 ?? false }
                for (bit, index) in missing.enumerated() { x[index] = (code >> (missing.count - 1 - bit)) & 1 == 1 }
                p += probability(x)
            }
            total += log(p)
        }
        return total
    }

    /// The M-step: maximum-likelihood tables from weighted full assignments (expected counts).
    ///
    /// A table row whose parent configuration has zero expected count keeps its value from `self`.
    /// - Parameters:
    ///   - weighted: full assignments of A, B, C, D with non-negative weights.
    ///   - pseudocount: added to both outcome counts of every table row (0 = maximum likelihood).
    /// - Returns: the re-estimated network.
    /// - Throws: `InferenceError` (.invalidInput) for an empty list, a negative or non-finite weight or pseudocount.
    public func maximized(from weighted: [(assignment: [Bool], weight: Double)], pseudocount: Double = 0) throws
        -> FourNodeBayesNet
    {
        guard !weighted.isEmpty else { throw InferenceError(.invalidInput, "the M-step needs at least one weighted row") }
        guard pseudocount >= 0, pseudocount.isFinite else {
            throw InferenceError(.invalidInput, "pseudocount must be finite and non-negative, got \(pseudocount)")
        }
        // counts[table row] = (weight with outcome 1, total weight)
        var aCount = (pseudocount, 2 * pseudocount)
        var bCount = aCount
        var cCount = [(Double, Double)](repeating: aCount, count: 4)
        var dCount = [(Double, Double)](repeating: aCount, count: 2)
        for (i, item) in weighted.enumerated() {
            let w = item.weight
            guard w >= 0, w.isFinite, item.assignment.count == 4 else {
                throw InferenceError(.invalidInput, "weighted row \(i) has weight \(w) and \(item.assignment.count) values")
            }
            let x = item.assignment
            aCount.1 += w
            if x[0] { aCount.0 += w }
            bCount.1 += w
            if x[1] { bCount.0 += w }
            let ci = (x[0] ? 2 : 0) + (x[1] ? 1 : 0)
            cCount[ci].1 += w
            if x[2] { cCount[ci].0 += w }
            let di = x[2] ? 1 : 0
            dCount[di].1 += w
            if x[3] { dCount[di].0 += w }
        }
        func ratio(_ c: (Double, Double), _ old: Double) -> Double { c.1 > 0 ? c.0 / c.1 : old }
        return try FourNodeBayesNet(
            a: ratio(aCount, a), b: ratio(bCount, b),
            cGivenAB: (0..<4).map { ratio(cCount[$0], cGivenAB[$0]) },
            dGivenC: (0..<2).map { ratio(dCount[$0], dGivenC[$0]) })
    }

    /// Runs EM on rows with missing values until the log-likelihood improves by less than `tolerance`.
    ///
    /// Each iteration completes every row (`completions(of:)`) and re-estimates the tables
    /// (`maximized(from:)`); the log-likelihood never decreases.
    /// - Parameters:
    ///   - data: rows of A, B, C, D with nil where missing.
    ///   - maxIterations: the iteration cap.
    ///   - tolerance: stop when the log-likelihood gains less than this.
    ///   - pseudocount: see `maximized(from:pseudocount:)`.
    /// - Returns: the networks after each iteration (starting with `self`), their log-likelihoods, and
    ///   whether the tolerance was reached.
    /// - Throws: `InferenceError` for empty data, a row without four entries, or a row impossible under
    ///   the current parameters.
    public func expectationMaximization(
        _ data: [[Bool?]], maxIterations: Int = 1000, tolerance: Double = 1e-10, pseudocount: Double = 0
    ) throws -> (networks: [FourNodeBayesNet], logLikelihoods: [Double], converged: Bool) {
        guard !data.isEmpty else { throw InferenceError(.invalidInput, "EM needs at least one data row") }
        guard maxIterations >= 1 else { throw InferenceError(.invalidInput, "maxIterations must be at least 1") }
        var current = self
        var networks = [current]
        var trace = [try current.logLikelihood(data)]
        guard trace[0].isFinite else {
            throw InferenceError(.invalidInput, "some data row has probability zero under the initial parameters")
        }
        for _ in 0..<maxIterations {
            var weighted: [(assignment: [Bool], weight: Double)] = []
            for (m, row) in data.enumerated() {
                do {
                    weighted += try current.completions(of: row)
                } catch let error as InferenceError {
                    throw InferenceError(error.kind, "data row \(m): \(error.message)")
                }
            }
            current = try current.maximized(from: weighted, pseudocount: pseudocount)
            networks.append(current)
            trace.append(try current.logLikelihood(data))
            if trace[trace.count - 1] - trace[trace.count - 2] < tolerance {
                return (networks, trace, true)
            }
        }
        return (networks, trace, false)
    }
}
