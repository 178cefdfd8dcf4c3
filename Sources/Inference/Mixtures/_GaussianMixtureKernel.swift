internal import NumericsCore

internal import SystemLibC

// The hot loop of EM for Gaussian mixtures.
//
// One pass over the data does the E-step and gathers everything the M-step needs, without storing the
// N × K responsibilities: for each row x and component k it forms δ = x − μₖ (μₖ the current mean),
// z = Wₖ·δ with Wₖ = Lₖ⁻¹ (Lₖ the Cholesky factor of Σₖ), log πₖ + log N(x | μₖ, Σₖ) = cₖ − ½‖z‖², then
// the log-sum-exp over k and the responsibilities rₖ, and accumulates Σ rₖ, Σ rₖ·δ and Σ rₖ·δδᵀ (upper
// triangle; only the diagonal for diagonal and spherical covariances). Centering on the current mean
// keeps the covariance update free of cancellation: Σₖ' = Σ rδδᵀ / nₖ − ΔΔᵀ with Δ = Σ rδ / nₖ small.
//
// Rows are processed four at a time, one per SIMD lane (the data is copied once per fit into blocks of
// four rows, `_BlockedRows`), and the exponentials use a vectorised exp (`SIMDMath.expNonPositive`). Blocks are grouped
// into chunks of a fixed size; every chunk writes its own partial sums and the chunks are added in
// order, so the result does not depend on the number of threads.

typealias _Lanes = SIMD4<Double>

/// Blocks (of four rows) per chunk: small enough to balance two cores, large enough that a chunk's
/// partial sums are cheap to add up.
let _chunkBlocks = 512

/// The rows of a data matrix regrouped for the SIMD kernel: block b holds rows 4b…4b+3, stored as d
/// vectors (one per column) of four lanes. The last block is padded by repeating the last row; padded
/// lanes are masked out.
struct _BlockedRows: @unchecked Sendable {
    var rows: Int
    var dimension: Int
    var blocks: Int
    var storage: [_Lanes]

    init(_ data: DataMatrix) {
        let n = data.rowCount, d = data.columnCount, count = (n + 3) / 4
        rows = n
        dimension = d
        blocks = count
        var s = [_Lanes](repeating: _Lanes(), count: count * d)
        data.values.withUnsafeBufferPointer { v in
            for b in 0..<count {
                for lane in 0..<4 {
                    let row = min(4 * b + lane, n - 1)
                    for j in 0..<d { s[b * d + j][lane] = v[row * d + j] }
                }
            }
        }
        storage = s
    }
}

/// Everything the E-step needs about the current parameters, precomputed once per iteration.
struct _ComponentFactors: Sendable {
    var components: Int
    var dimension: Int
    /// True when every Wₖ is diagonal (diagonal and spherical covariances).
    var diagonal: Bool
    /// K×d current means.
    var means: [Double]
    /// Per component: the packed lower triangle of Wₖ = Lₖ⁻¹, row by row (d(d+1)/2 values), or its diagonal (d).
    var factors: [Double]
    /// Per component: log πₖ − (d/2)·log 2π + log |Wₖ|.
    var constants: [Double]

    var packedSize: Int { diagonal ? dimension : dimension * (dimension + 1) / 2 }

    /// Factors the covariances of `state`.
    /// - Throws: `InferenceError` (.notPositiveDefinite) naming the first component whose covariance is
    ///   not positive definite.
    init(_ state: _MixtureState, context: String) throws {
        let k = state.components, d = state.dimension
        components = k
        dimension = d
        diagonal = state.covariance == .diagonal || state.covariance == .spherical
        means = state.means
        factors = []
        constants = []
        let packed = diagonal ? d : d * (d + 1) / 2
        factors.reserveCapacity(k * packed)
        for c in 0..<k {
            let sigma = Array(state.covariances[(c * d * d)..<((c + 1) * d * d)])
            var logDetW = 0.0
            if diagonal {
                for j in 0..<d {
                    let v = sigma[j * d + j]
                    guard v > 0, v.isFinite else {
                        throw InferenceError(
                            .notPositiveDefinite,
                            "\(context): component \(c) has variance \(v) in dimension \(j); increase the regularization")
                    }
                    let w = 1 / v.squareRoot()
                    factors.append(w)
                    logDetW += log(w)
                }
            } else {
                guard let l = try? Cholesky.lower(sigma, dimension: d) else {
                    throw InferenceError(
                        .notPositiveDefinite,
                        "\(context): the covariance of component \(c) is not positive definite; increase the regularization")
                }
                let w = Cholesky.inverseLower(l, dimension: d)
                for i in 0..<d {
                    for j in 0...i { factors.append(w[i * d + j]) }
                    logDetW += log(w[i * d + i])
                }
            }
            let weight = state.weights[c]
            constants.append((weight > 0 ? log(weight) : -Double.infinity) - Double(d) * MathConstants.halfLogTwoPi + logDetW)
        }
    }
}

/// What a pass over the data produces.
enum _PassOutput {
    /// Sufficient statistics for the M-step (and the total log-likelihood).
    case statistics
    /// Per row, the K responsibilities p(z = k | x).
    case responsibilities
    /// Per row, log p(x).
    case scores
}

/// Layout of the partial sums of one chunk: [log-likelihood, n₁…n_K, K×d first moments, K×m second moments].
struct _StatisticsLayout {
    var components: Int
    var dimension: Int
    var packed: Int
    var count: Int { 1 + components + components * dimension + components * packed }
    var firstOffset: Int { 1 + components }
    var secondOffset: Int { 1 + components + components * dimension }
}

/// Raw pointers handed to the worker threads; each thread writes only its own part of `out`.
struct _PassPointers: @unchecked Sendable {
    var x: UnsafePointer<_Lanes>
    var mu: UnsafePointer<Double>
    var w: UnsafePointer<Double>
    var c: UnsafePointer<Double>
    var out: UnsafeMutablePointer<Double>
}

/// Runs one pass over the rows with the given factors.
/// - Returns: for `.statistics`, the summed statistics (layout `_StatisticsLayout`); for
///   `.responsibilities`, N×K values; for `.scores`, N values.
func _mixturePass(
    _ data: _BlockedRows, _ f: _ComponentFactors, output: _PassOutput, parallel: Bool = true
) -> [Double] {
    let n = data.rows, d = data.dimension, k = f.components
    let layout = _StatisticsLayout(components: k, dimension: d, packed: f.packedSize)
    let chunks = (data.blocks + _chunkBlocks - 1) / _chunkBlocks
    let perChunk = output == .statistics ? layout.count : 0
    let outCount: Int
    switch output {
    case .statistics: outCount = chunks * perChunk
    case .responsibilities: outCount = n * k
    case .scores: outCount = n
    }
    var out = [Double](repeating: 0, count: max(outCount, 1))
    let diagonal = f.diagonal
    let blocks = data.blocks
    data.storage.withUnsafeBufferPointer { x in
        f.means.withUnsafeBufferPointer { mu in
            f.factors.withUnsafeBufferPointer { w in
                f.constants.withUnsafeBufferPointer { c in
                    out.withUnsafeMutableBufferPointer { o in
                        let p = _PassPointers(
                            x: x.baseAddress!, mu: mu.baseAddress!, w: w.baseAddress!, c: c.baseAddress!,
                            out: o.baseAddress!)
                        let work: @Sendable (Int) -> Void = { chunk in
                            let lo = chunk * _chunkBlocks
                            let hi = min(blocks, lo + _chunkBlocks)
                            // Fixed small dimensions get their own specialisation, with loops the
                            // compiler unrolls; the rest share the general one.
                            func run<D: _Dimension>(_ dim: D) {
                                _passChunk(
                                    p, dim, blocks: lo..<hi, rows: n, k: k, diagonal: diagonal, layout: layout,
                                    output: output, statsBase: chunk * perChunk)
                            }
                            switch d {
                            case 1: run(_Dimension1())
                            case 2: run(_Dimension2())
                            case 3: run(_Dimension3())
                            case 4: run(_Dimension4())
                            case 8: run(_Dimension8())
                            default: run(_AnyDimension(value: d))
                            }
                        }
                        if parallel {
                            Parallel.forEach(chunks, work)
                        } else {
                            for chunk in 0..<chunks { work(chunk) }
                        }
                    }
                }
            }
        }
    }
    guard output == .statistics else { return outCount == 0 ? [] : out }
    // Add the chunks in order: deterministic whatever the thread count.
    var total = [Double](repeating: 0, count: perChunk)
    for chunk in 0..<chunks {
        for i in 0..<perChunk { total[i] += out[chunk * perChunk + i] }
    }
    return total
}

/// The data dimension, as a type so that fixed dimensions can be specialised.
protocol _Dimension {
    var value: Int { get }
}
struct _Dimension1: _Dimension { var value: Int { 1 } }
struct _Dimension2: _Dimension { var value: Int { 2 } }
struct _Dimension3: _Dimension { var value: Int { 3 } }
struct _Dimension4: _Dimension { var value: Int { 4 } }
struct _Dimension8: _Dimension { var value: Int { 8 } }
struct _AnyDimension: _Dimension { var value: Int }

/// The pass over one chunk of blocks.
@inline(never)
func _passChunk<D: _Dimension>(
    _ p: _PassPointers, _ dimension: D, blocks: Range<Int>, rows n: Int, k: Int, diagonal: Bool,
    layout: _StatisticsLayout, output: _PassOutput, statsBase: Int
) {
    let d = dimension.value
    let packed = layout.packed
    // Scratch: K×d deltas, K log-probabilities; lane accumulators for the statistics.
    let scratch = UnsafeMutablePointer<_Lanes>.allocate(capacity: k &* d &+ k)
    let accumulatorCount = output == .statistics ? layout.count : 0
    let acc = UnsafeMutablePointer<_Lanes>.allocate(capacity: max(accumulatorCount, 1))
    acc.initialize(repeating: _Lanes(), count: max(accumulatorCount, 1))
    defer {
        scratch.deallocate()
        acc.deallocate()
    }
    let deltas = scratch
    let logp = scratch + k &* d
    let nk = acc + 1
    let s1 = acc + layout.firstOffset
    let s2 = acc + layout.secondOffset

    for block in blocks {
        let x = p.x + block &* d
        let firstRow = block &* 4
        let valid = n &- firstRow  // lanes beyond this are padding
        var best = _Lanes(repeating: -Double.infinity)
        for c in 0..<k {
            let mu = p.mu + c &* d
            let delta = deltas + c &* d
            let wc = p.w + c &* packed
            var q = _Lanes()
            if diagonal {
                var j = 0
                while j < d {
                    let v = x[j] - _Lanes(repeating: mu[j])
                    delta[j] = v
                    let z = v * wc[j]
                    q += z * z
                    j &+= 1
                }
            } else {
                var j = 0
                while j < d {
                    delta[j] = x[j] - _Lanes(repeating: mu[j])
                    j &+= 1
                }
                var idx = 0
                var i = 0
                while i < d {
                    var z = _Lanes()
                    var jj = 0
                    while jj <= i {
                        z += delta[jj] * wc[idx &+ jj]
                        jj &+= 1
                    }
                    idx &+= i &+ 1
                    q += z * z
                    i &+= 1
                }
            }
            let lp = _Lanes(repeating: p.c[c]) - 0.5 * q
            logp[c] = lp
            best = pointwiseMax(best, lp)
        }
        var sum = _Lanes()
        for c in 0..<k {
            let e = SIMDMath.expNonPositive(logp[c] - best)
            logp[c] = e
            sum += e
        }
        var lse = _Lanes()
        for lane in 0..<4 { lse[lane] = best[lane] + log(sum[lane]) }
        let inverse = 1 / sum
        switch output {
        case .scores:
            for lane in 0..<min(4, valid) { p.out[firstRow &+ lane] = lse[lane] }
            continue
        case .responsibilities:
            for lane in 0..<min(4, valid) {
                for c in 0..<k { p.out[(firstRow &+ lane) &* k &+ c] = logp[c][lane] * inverse[lane] }
            }
            continue
        case .statistics:
            break
        }
        var mask = _Lanes(repeating: 1)
        if valid < 4 { for lane in valid..<4 { mask[lane] = 0 } }
        acc[0] += lse * mask
        let weight = inverse * mask
        for c in 0..<k {
            let r = logp[c] * weight
            nk[c] += r
            let delta = deltas + c &* d
            let m1 = s1 + c &* d
            let m2 = s2 + c &* packed
            if diagonal {
                var j = 0
                while j < d {
                    let rd = r * delta[j]
                    m1[j] += rd
                    m2[j] += rd * delta[j]
                    j &+= 1
                }
            } else {
                var idx = 0
                var i = 0
                while i < d {
                    let rd = r * delta[i]
                    m1[i] += rd
                    let row = m2 + (idx &- i)
                    var j = i
                    while j < d {
                        row[j] += rd * delta[j]
                        j &+= 1
                    }
                    idx &+= d &- i
                    i &+= 1
                }
            }
        }
    }
    if output == .statistics {
        let stats = p.out + statsBase
        for i in 0..<accumulatorCount {
            let v = acc[i]
            stats[i] = (v[0] + v[1]) + (v[2] + v[3])
        }
    }
}
