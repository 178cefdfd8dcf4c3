// Small dense-matrix kernels and scalar helpers for the amortized-inference code.
//
// Everything here is internal (`_am` prefix) so it cannot clash with the helpers other parts of
// `Inference` define. Matrices are row-major `Double` buffers whose leading dimension is their width.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif

/// C (n×m) = A (n×k) · B (k×m), or C += A·B when `accumulate` is true.
///
/// The main loop keeps a 4×4 block of C in eight `SIMD2<Double>` registers (the width the
/// baseline x86-64 target vectorises) and streams one row of B per step; the borders fall back to
/// scalar loops. Every element of C is summed over k in increasing order, so the result does not
/// depend on how a caller splits rows between threads.
@inline(__always)
func _amMatMul(
    _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>,
    n: Int, k: Int, m: Int, accumulate: Bool
) {
    let raw = UnsafeRawPointer(b)
    var i = 0
    while i + 4 <= n {
        let a0 = a + i * k
        let a1 = a0 + k
        let a2 = a1 + k
        let a3 = a2 + k
        let c0 = c + i * m
        let c1 = c0 + m
        let c2 = c1 + m
        let c3 = c2 + m
        var j = 0
        while j + 4 <= m {
            var s00 = SIMD2<Double>()
            var s01 = SIMD2<Double>()
            var s10 = SIMD2<Double>()
            var s11 = SIMD2<Double>()
            var s20 = SIMD2<Double>()
            var s21 = SIMD2<Double>()
            var s30 = SIMD2<Double>()
            var s31 = SIMD2<Double>()
            var offset = j &* 8
            let stride = m &* 8
            for p in 0..<k {
                let b0 = raw.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self)
                let b1 = raw.loadUnaligned(fromByteOffset: offset &+ 16, as: SIMD2<Double>.self)
                offset &+= stride
                let x0 = SIMD2<Double>(repeating: a0[p])
                let x1 = SIMD2<Double>(repeating: a1[p])
                let x2 = SIMD2<Double>(repeating: a2[p])
                let x3 = SIMD2<Double>(repeating: a3[p])
                s00 += x0 * b0
                s01 += x0 * b1
                s10 += x1 * b0
                s11 += x1 * b1
                s20 += x2 * b0
                s21 += x2 * b1
                s30 += x3 * b0
                s31 += x3 * b1
            }
            if accumulate {
                c0[j] += s00[0]; c0[j + 1] += s00[1]; c0[j + 2] += s01[0]; c0[j + 3] += s01[1]
                c1[j] += s10[0]; c1[j + 1] += s10[1]; c1[j + 2] += s11[0]; c1[j + 3] += s11[1]
                c2[j] += s20[0]; c2[j + 1] += s20[1]; c2[j + 2] += s21[0]; c2[j + 3] += s21[1]
                c3[j] += s30[0]; c3[j + 1] += s30[1]; c3[j + 2] += s31[0]; c3[j + 3] += s31[1]
            } else {
                c0[j] = s00[0]; c0[j + 1] = s00[1]; c0[j + 2] = s01[0]; c0[j + 3] = s01[1]
                c1[j] = s10[0]; c1[j + 1] = s10[1]; c1[j + 2] = s11[0]; c1[j + 3] = s11[1]
                c2[j] = s20[0]; c2[j + 1] = s20[1]; c2[j + 2] = s21[0]; c2[j + 3] = s21[1]
                c3[j] = s30[0]; c3[j + 1] = s30[1]; c3[j + 2] = s31[0]; c3[j + 3] = s31[1]
            }
            j += 4
        }
        while j < m {
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
            for p in 0..<k {
                let bv = b[p * m + j]
                s0 += a0[p] * bv
                s1 += a1[p] * bv
                s2 += a2[p] * bv
                s3 += a3[p] * bv
            }
            if accumulate {
                c0[j] += s0; c1[j] += s1; c2[j] += s2; c3[j] += s3
            } else {
                c0[j] = s0; c1[j] = s1; c2[j] = s2; c3[j] = s3
            }
            j += 1
        }
        i += 4
    }
    while i < n {
        let ai = a + i * k
        let ci = c + i * m
        var j = 0
        while j + 2 <= m {
            var s = SIMD2<Double>()
            var offset = j &* 8
            for p in 0..<k {
                s += SIMD2<Double>(repeating: ai[p]) * raw.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self)
                offset &+= m &* 8
            }
            if accumulate {
                ci[j] += s[0]; ci[j + 1] += s[1]
            } else {
                ci[j] = s[0]; ci[j + 1] = s[1]
            }
            j += 2
        }
        while j < m {
            var s = 0.0
            for p in 0..<k { s += ai[p] * b[p * m + j] }
            if accumulate { ci[j] += s } else { ci[j] = s }
            j += 1
        }
        i += 1
    }
}

/// C (n×m) = Aᵀ · B for A (rows×n) and B (rows×m): the weight gradient Xᵀδ without transposing X.
///
/// Same register blocking as `_amMatMul` (a 4×4 block of C in eight `SIMD2<Double>`), with the
/// four A values of a step read from one row of A. Every element of C is summed over the rows in
/// increasing order.
func _amMatMulTN(
    _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>,
    rows: Int, n: Int, m: Int
) {
    let rawB = UnsafeRawPointer(b)
    var i = 0
    while i &+ 4 <= n {
        let c0 = c + i &* m
        let c1 = c0 + m
        let c2 = c1 + m
        let c3 = c2 + m
        var j = 0
        while j &+ 4 <= m {
            var s00 = SIMD2<Double>(), s01 = SIMD2<Double>()
            var s10 = SIMD2<Double>(), s11 = SIMD2<Double>()
            var s20 = SIMD2<Double>(), s21 = SIMD2<Double>()
            var s30 = SIMD2<Double>(), s31 = SIMD2<Double>()
            var ap = a + i
            var offset = j &* 8
            let strideB = m &* 8
            for _ in 0..<rows {
                let b0 = rawB.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self)
                let b1 = rawB.loadUnaligned(fromByteOffset: offset &+ 16, as: SIMD2<Double>.self)
                let x0 = SIMD2<Double>(repeating: ap[0])
                let x1 = SIMD2<Double>(repeating: ap[1])
                let x2 = SIMD2<Double>(repeating: ap[2])
                let x3 = SIMD2<Double>(repeating: ap[3])
                s00 += x0 * b0; s01 += x0 * b1
                s10 += x1 * b0; s11 += x1 * b1
                s20 += x2 * b0; s21 += x2 * b1
                s30 += x3 * b0; s31 += x3 * b1
                ap += n
                offset &+= strideB
            }
            _amStore(s00, s01, c0 + j)
            _amStore(s10, s11, c1 + j)
            _amStore(s20, s21, c2 + j)
            _amStore(s30, s31, c3 + j)
            j &+= 4
        }
        while j < m {
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
            for r in 0..<rows {
                let ar = a + (r &* n &+ i)
                let bv = b[r &* m &+ j]
                s0 += ar[0] * bv; s1 += ar[1] * bv; s2 += ar[2] * bv; s3 += ar[3] * bv
            }
            c0[j] = s0; c1[j] = s1; c2[j] = s2; c3[j] = s3
            j &+= 1
        }
        i &+= 4
    }
    while i < n {
        let ci = c + i &* m
        var j = 0
        while j &+ 4 <= m {
            var s0 = SIMD2<Double>(), s1 = SIMD2<Double>()
            var offset = j &* 8
            for r in 0..<rows {
                let x = SIMD2<Double>(repeating: a[r &* n &+ i])
                s0 += x * rawB.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self)
                s1 += x * rawB.loadUnaligned(fromByteOffset: offset &+ 16, as: SIMD2<Double>.self)
                offset &+= m &* 8
            }
            _amStore(s0, s1, ci + j)
            j &+= 4
        }
        while j < m {
            var s = 0.0
            for r in 0..<rows { s += a[r &* n &+ i] * b[r &* m &+ j] }
            ci[j] = s
            j &+= 1
        }
        i &+= 1
    }
}

/// C (n×m) = A · Bᵀ for A (n×k) and B (m×k): the input gradient δWᵀ read straight from the
/// row-major weights W, without a transposed copy.
///
/// Each element is a dot product of two rows; a 4×2 block of C keeps eight `SIMD2<Double>`
/// partial sums (even and odd p), added together at the end, then the odd-k tail. The order of
/// the additions is fixed by (n, k, m) alone.
func _amMatMulNT(
    _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>,
    n: Int, k: Int, m: Int
) {
    let rawA = UnsafeRawPointer(a)
    let rawB = UnsafeRawPointer(b)
    let pairs = k / 2
    let rowBytes = k &* 8
    @inline(__always)
    func total(_ s: SIMD2<Double>, _ ai: UnsafePointer<Double>, _ bj: UnsafePointer<Double>) -> Double {
        var t = s[0] + s[1]
        if k & 1 == 1 { t += ai[k &- 1] * bj[k &- 1] }
        return t
    }
    var i = 0
    while i &+ 4 <= n {
        let a0 = i &* rowBytes
        let a1 = a0 &+ rowBytes
        let a2 = a1 &+ rowBytes
        let a3 = a2 &+ rowBytes
        var j = 0
        while j &+ 2 <= m {
            let b0 = j &* rowBytes
            let b1 = b0 &+ rowBytes
            var s00 = SIMD2<Double>(), s01 = SIMD2<Double>()
            var s10 = SIMD2<Double>(), s11 = SIMD2<Double>()
            var s20 = SIMD2<Double>(), s21 = SIMD2<Double>()
            var s30 = SIMD2<Double>(), s31 = SIMD2<Double>()
            var o = 0
            for _ in 0..<pairs {
                let y0 = rawB.loadUnaligned(fromByteOffset: b0 &+ o, as: SIMD2<Double>.self)
                let y1 = rawB.loadUnaligned(fromByteOffset: b1 &+ o, as: SIMD2<Double>.self)
                let x0 = rawA.loadUnaligned(fromByteOffset: a0 &+ o, as: SIMD2<Double>.self)
                let x1 = rawA.loadUnaligned(fromByteOffset: a1 &+ o, as: SIMD2<Double>.self)
                let x2 = rawA.loadUnaligned(fromByteOffset: a2 &+ o, as: SIMD2<Double>.self)
                let x3 = rawA.loadUnaligned(fromByteOffset: a3 &+ o, as: SIMD2<Double>.self)
                s00 += x0 * y0; s01 += x0 * y1
                s10 += x1 * y0; s11 += x1 * y1
                s20 += x2 * y0; s21 += x2 * y1
                s30 += x3 * y0; s31 += x3 * y1
                o &+= 16
            }
            let bj0 = b + j &* k
            let bj1 = bj0 + k
            let ai0 = a + i &* k
            let ai1 = ai0 + k
            let ai2 = ai1 + k
            let ai3 = ai2 + k
            let c0 = c + (i &* m &+ j)
            c0[0] = total(s00, ai0, bj0); c0[1] = total(s01, ai0, bj1)
            let c1 = c0 + m
            c1[0] = total(s10, ai1, bj0); c1[1] = total(s11, ai1, bj1)
            let c2 = c1 + m
            c2[0] = total(s20, ai2, bj0); c2[1] = total(s21, ai2, bj1)
            let c3 = c2 + m
            c3[0] = total(s30, ai3, bj0); c3[1] = total(s31, ai3, bj1)
            j &+= 2
        }
        i &+= 4
    }
    // Leftover rows of C (i ≥ 4⌊n/4⌋) for every column, then the leftover column for the blocked rows.
    @inline(__always)
    func single(_ i: Int, _ j: Int) {
        let ai = a + i &* k
        let bj = b + j &* k
        var s = SIMD2<Double>()
        var o = 0
        for _ in 0..<pairs {
            s += rawA.loadUnaligned(fromByteOffset: i &* rowBytes &+ o, as: SIMD2<Double>.self)
                * rawB.loadUnaligned(fromByteOffset: j &* rowBytes &+ o, as: SIMD2<Double>.self)
            o &+= 16
        }
        c[i &* m &+ j] = total(s, ai, bj)
    }
    let blockedRows = i
    while i < n {
        for j in 0..<m { single(i, j) }
        i &+= 1
    }
    if m & 1 == 1 {
        for r in 0..<blockedRows { single(r, m &- 1) }
    }
}

@inline(__always)
func _amStore(_ s0: SIMD2<Double>, _ s1: SIMD2<Double>, _ c: UnsafeMutablePointer<Double>) {
    let raw = UnsafeMutableRawPointer(c)
    raw.storeBytes(of: s0, toByteOffset: 0, as: SIMD2<Double>.self)
    raw.storeBytes(of: s1, toByteOffset: 16, as: SIMD2<Double>.self)
}

/// g[j] = Σᵣ d[r·columns + j], summed over r in increasing order.
func _amColumnSums(_ d: UnsafePointer<Double>, _ g: UnsafeMutablePointer<Double>, rows: Int, columns: Int) {
    let raw = UnsafeRawPointer(d)
    var j = 0
    while j &+ 4 <= columns {
        var s0 = SIMD2<Double>(), s1 = SIMD2<Double>()
        var o = j &* 8
        for _ in 0..<rows {
            s0 += raw.loadUnaligned(fromByteOffset: o, as: SIMD2<Double>.self)
            s1 += raw.loadUnaligned(fromByteOffset: o &+ 16, as: SIMD2<Double>.self)
            o &+= columns &* 8
        }
        _amStore(s0, s1, g + j)
        j &+= 4
    }
    while j < columns {
        var s = 0.0
        for r in 0..<rows { s += d[r &* columns &+ j] }
        g[j] = s
        j &+= 1
    }
}

/// y[i] = activation(y[i]) for i in 0..<count (tanh vectorised).
@inline(__always)
func _amApplyActivation(_ activation: Activation, _ y: UnsafeMutablePointer<Double>, count: Int) {
    switch activation {
    case .identity: return
    case .tanh: _amTanhInPlace(y, count: count)
    default: for i in 0..<count { y[i] = activation.apply(y[i]) }
    }
}

/// g[i] *= activation′ written in terms of the stored output y[i] (tanh′ = 1 − y², vectorised).
@inline(__always)
func _amMultiplyByDerivative(
    _ activation: Activation, _ g: UnsafeMutablePointer<Double>, output y: UnsafePointer<Double>, count: Int
) {
    switch activation {
    case .identity: return
    case .tanh:
        let rg = UnsafeMutableRawPointer(g)
        let ry = UnsafeRawPointer(y)
        let one = SIMD2<Double>(repeating: 1)
        var i = 0
        while i &+ 2 <= count {
            let o = i &* 8
            let yv = ry.loadUnaligned(fromByteOffset: o, as: SIMD2<Double>.self)
            let gv = rg.loadUnaligned(fromByteOffset: o, as: SIMD2<Double>.self)
            rg.storeBytes(of: gv * (one - yv * yv), toByteOffset: o, as: SIMD2<Double>.self)
            i &+= 2
        }
        if i < count { g[i] *= 1 - y[i] * y[i] }
    default: for i in 0..<count { g[i] *= activation.derivative(output: y[i]) }
    }
}

/// T (m×n) = Aᵀ for A (n×m).
@inline(__always)
func _amTranspose(_ a: UnsafePointer<Double>, _ t: UnsafeMutablePointer<Double>, rows n: Int, columns m: Int) {
    for i in 0..<n {
        let ai = a + i * m
        for j in 0..<m { t[j * n + i] = ai[j] }
    }
}

@inline(__always)
func _amSigmoid(_ x: Double) -> Double {
    if x >= 0 {
        return 1 / (1 + exp(-x))
    }
    let e = exp(x)
    return e / (1 + e)
}

/// log(1 + eˣ) without overflow.
@inline(__always)
func _amSoftplus(_ x: Double) -> Double {
    x > 0 ? x + log1p(exp(-x)) : log1p(exp(x))
}

/// log Σ exp(values), exact for −∞ entries; returns −∞ for an empty or all −∞ input.
func _amLogSumExp(_ values: UnsafeBufferPointer<Double>) -> Double {
    var top = -Double.infinity
    for v in values where v > top { top = v }
    if top == -.infinity || !top.isFinite { return top }
    var s = 0.0
    for v in values { s += exp(v - top) }
    return top + log(s)
}

let _amLogTwoPi = log(2 * Double.pi)

/// Mean and standard error (sample standard deviation / √n) of `values`.
func _amMeanAndError(_ values: [Double]) -> MeanAndStandardError {
    let n = Double(values.count)
    guard values.count > 0 else { return MeanAndStandardError(mean: .nan, standardError: .nan) }
    var mean = 0.0
    for v in values { mean += v }
    mean /= n
    guard values.count > 1 else { return MeanAndStandardError(mean: mean, standardError: .infinity) }
    var ss = 0.0
    for v in values { ss += (v - mean) * (v - mean) }
    return MeanAndStandardError(mean: mean, standardError: (ss / (n - 1) / n).squareRoot())
}

/// Lower Cholesky factor of a symmetric positive-definite n×n matrix (row-major), or nil.
func _amCholesky(_ a: [Double], n: Int) -> [Double]? {
    var l = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
        for j in 0...i {
            var s = a[i * n + j]
            for p in 0..<j { s -= l[i * n + p] * l[j * n + p] }
            if i == j {
                guard s > 0, s.isFinite else { return nil }
                l[i * n + i] = s.squareRoot()
            } else {
                l[i * n + j] = s / l[j * n + j]
            }
        }
    }
    return l
}

/// Solves L y = r for lower-triangular L.
func _amForwardSolve(_ l: [Double], _ r: [Double], n: Int) -> [Double] {
    var y = r
    for i in 0..<n {
        var s = y[i]
        for p in 0..<i { s -= l[i * n + p] * y[p] }
        y[i] = s / l[i * n + i]
    }
    return y
}

/// Solves Lᵀ x = y for lower-triangular L.
func _amBackSolve(_ l: [Double], _ y: [Double], n: Int) -> [Double] {
    var x = y
    for i in stride(from: n - 1, through: 0, by: -1) {
        var s = x[i]
        for p in (i + 1)..<n { s -= l[p * n + i] * x[p] }
        x[i] = s / l[i * n + i]
    }
    return x
}

@inline(__always)
func _amTanh(_ x: Double) -> Double { _amTanhScalar(x) }

@inline(__always)
func _amExp(_ x: Double) -> Double { exp(x) }

@inline(__always)
func _amLog(_ x: Double) -> Double { log(x) }
