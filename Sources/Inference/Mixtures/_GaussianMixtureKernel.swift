import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif

// The hot loop of EM for Gaussian mixtures.
//
// One pass over the data does the E-step and gathers everything the M-step needs, without storing the
// N × K responsibilities: for each row x and component k it forms δ = x − μₖ (μₖ the current mean),
// z = Wₖ·δ with Wₖ = Lₖ⁻¹ (Lₖ the Cholesky factor of Σₖ), log πₖ + log N(x | μₖ, Σₖ) = cₖ − ½‖z‖², then
// the log-sum-exp over k and the responsibilities rₖ, and accumulates Σ rₖ, Σ rₖ·δ and Σ rₖ·δδᵀ (upper
// triangle; only the diagonal for diagonal and spherical covariances). Centering on the current mean
// keeps the covariance update free of cancellation: Σₖ' = Σ rδδᵀ / nₖ − ΔΔᵀ with Δ = Σ rδ / nₖ small.
//
// Rows are cut into chunks of a fixed size; every chunk writes its own partial sums and the chunks are
// added in order, so the result does not depend on the number of threads.

/// Rows per chunk: small enough to balance two cores, large enough that a chunk's partial sums are
/// cheap to add up.
let _chunkRows = 2048

/// Everything the E-step needs about the current parameters, precomputed once per iteration.
struct _ComponentFactors: Sendable {
    var components: Int
    var dimension: Int
    /// True when every Wₖ is diagonal (diagonal and spherical covariances).
    var diagonal: Bool
    /// Kₓd current means.
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
                guard let l = _choleskyLower(sigma, dimension: d) else {
                    throw InferenceError(
                        .notPositiveDefinite,
                        "\(context): the covariance of component \(c) is not positive definite; increase the regularization")
                }
                let w = _inverseLower(l, dimension: d)
                for i in 0..<d {
                    for j in 0...i { factors.append(w[i * d + j]) }
                    logDetW += log(w[i * d + i])
                }
            }
            let weight = state.weights[c]
            constants.append((weight > 0 ? log(weight) : -Double.infinity) - Double(d) * _halfLogTwoPi + logDetW)
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

/// A pointer that may cross threads; each thread writes only its own part.
struct _SharedPointer: @unchecked Sendable {
    var base: UnsafeMutablePointer<Double>
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

/// Runs one pass over the rows of `data` with the given factors.
/// - Returns: for `.statistics`, the summed statistics (layout `_StatisticsLayout`); for
///   `.responsibilities`, N×K values; for `.scores`, N values.
func _mixturePass(
    _ data: DataMatrix, _ f: _ComponentFactors, output: _PassOutput, parallel: Bool = true
) -> [Double] {
    let n = data.rowCount, d = data.columnCount, k = f.components
    let layout = _StatisticsLayout(components: k, dimension: d, packed: f.packedSize)
    let chunks = (n + _chunkRows - 1) / _chunkRows
    let perChunk = output == .statistics ? layout.count : 0
    let outCount: Int
    switch output {
    case .statistics: outCount = chunks * perChunk
    case .responsibilities: outCount = n * k
    case .scores: outCount = n
    }
    var out = [Double](repeating: 0, count: outCount)
    data.values.withUnsafeBufferPointer { x in
        f.means.withUnsafeBufferPointer { mu in
            f.factors.withUnsafeBufferPointer { w in
                f.constants.withUnsafeBufferPointer { c in
                    out.withUnsafeMutableBufferPointer { o in
                        let shared = _SharedPointer(base: o.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!)
                        let xs = _ConstPointers(
                            x: x.baseAddress!, mu: mu.baseAddress!, w: w.baseAddress!, c: c.baseAddress!)
                        let work: @Sendable (Int) -> Void = { chunk in
                            let lo = chunk * _chunkRows
                            let hi = min(n, lo + _chunkRows)
                            _passChunk(
                                xs, rows: lo..<hi, d: d, k: k, diagonal: f.diagonal, layout: layout,
                                output: output, out: shared.base, statsBase: chunk * perChunk)
                        }
                        if parallel && chunks > 1 {
                            DispatchQueue.concurrentPerform(iterations: chunks, execute: work)
                        } else {
                            for chunk in 0..<chunks { work(chunk) }
                        }
                    }
                }
            }
        }
    }
    guard output == .statistics else { return out }
    // Add the chunks in order: deterministic whatever the thread count.
    var total = [Double](repeating: 0, count: perChunk)
    for chunk in 0..<chunks {
        for i in 0..<perChunk { total[i] += out[chunk * perChunk + i] }
    }
    return total
}

struct _ConstPointers: @unchecked Sendable {
    var x: UnsafePointer<Double>
    var mu: UnsafePointer<Double>
    var w: UnsafePointer<Double>
    var c: UnsafePointer<Double>
}

/// The pass over one chunk of rows.
@inline(never)
func _passChunk(
    _ p: _ConstPointers, rows: Range<Int>, d: Int, k: Int, diagonal: Bool, layout: _StatisticsLayout,
    output: _PassOutput, out: UnsafeMutablePointer<Double>, statsBase: Int
) {
    let packed = layout.packed
    let scratch = UnsafeMutablePointer<Double>.allocate(capacity: k * d + 2 * k)
    defer { scratch.deallocate() }
    let diffs = scratch
    let logp = scratch + k * d
    let resp = logp + k
    let stats = out + statsBase
    let nk = stats + 1
    let s1 = stats + layout.firstOffset
    let s2 = stats + layout.secondOffset
    var loglik = 0.0

    for row in rows {
        let x = p.x + row * d
        var best = -Double.infinity
        for c in 0..<k {
            let mu = p.mu + c * d
            let delta = diffs + c * d
            let wc = p.w + c * packed
            var q = 0.0
            if diagonal {
                for j in 0..<d {
                    let v = x[j] - mu[j]
                    delta[j] = v
                    let z = wc[j] * v
                    q += z * z
                }
            } else {
                for j in 0..<d { delta[j] = x[j] - mu[j] }
                var idx = 0
                for i in 0..<d {
                    var z = 0.0
                    for j in 0...i { z += wc[idx + j] * delta[j] }
                    idx += i + 1
                    q += z * z
                }
            }
            let lp = p.c[c] - 0.5 * q
            logp[c] = lp
            if lp > best { best = lp }
        }
        var sum = 0.0
        for c in 0..<k {
            let e = exp(logp[c] - best)
            resp[c] = e
            sum += e
        }
        let lse = best + log(sum)
        switch output {
        case .scores:
            out[row] = lse
            continue
        case .responsibilities:
            let inv = 1 / sum
            for c in 0..<k { out[row * k + c] = resp[c] * inv }
            continue
        case .statistics:
            break
        }
        loglik += lse
        let inv = 1 / sum
        for c in 0..<k {
            let r = resp[c] * inv
            nk[c] += r
            let delta = diffs + c * d
            let m1 = s1 + c * d
            let m2 = s2 + c * packed
            if diagonal {
                for j in 0..<d {
                    let rd = r * delta[j]
                    m1[j] += rd
                    m2[j] += rd * delta[j]
                }
            } else {
                var idx = 0
                for i in 0..<d {
                    let rd = r * delta[i]
                    m1[i] += rd
                    for j in i..<d { m2[idx + j - i] += rd * delta[j] }
                    idx += d - i
                }
            }
        }
    }
    if output == .statistics { stats[0] = loglik }
}
