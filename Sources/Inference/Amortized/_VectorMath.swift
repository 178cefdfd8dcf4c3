// Vectorised exp, expm1 and tanh on SIMD4<Double>, for the dense-network kernels.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif
//
// The C library's tanh (via expm1) and exp/log1p are scalar calls of ~20–50 ns each, and a VAE
// epoch on the digits makes a few hundred thousand of them — about a third of the epoch before
// these kernels. Here the same functions are written with portable SIMD types (no target flags:
// on baseline x86-64 a SIMD4<Double> is two SSE2 registers), using the textbook method:
//
//   x = k·ln 2 + r,  k = round(x / ln 2),  |r| ≤ ln 2 / 2 (Cody–Waite split of ln 2),
//   eʳ − 1 = r + r²/2! + … + r¹³/13!   (truncation error < 5·10⁻¹⁸ relative for |r| ≤ 0.347),
//   eˣ = 2ᵏ(1 + p),  eˣ − 1 = 2ᵏ·p + (2ᵏ − 1)   (2ᵏ built from its bit pattern).
//
// The results are within a few units in the last place of the correctly rounded values (the test
// `DenseKernelTests` checks a 10⁻¹⁵ relative bound (a few ulp) against the C library over a wide range). They
// are not bit-identical to the C library, but they are deterministic: every lane does the same
// operations whatever its neighbours, so a value does not depend on where in a buffer it sits.
// The scalar versions evaluate one lane of the vector code, so scalar and vector paths agree
// exactly.

/// 1.5 · 2⁵²: adding and subtracting it rounds a double of magnitude < 2⁵¹ to an integer, and
/// leaves that integer in the low bits of the sum's bit pattern.
@usableFromInline let _amRoundingShifter = 6_755_399_441_055_744.0
/// ln 2 split so that k · ln2High is exact for |k| < 2²⁰ (fdlibm's constants).
@usableFromInline let _amLn2High = 6.93147180369123816490e-01
@usableFromInline let _amLn2Low = 1.90821492927058770002e-10
@usableFromInline let _amLog2E = 1.44269504088896338700e+00

/// eʳ − 1 for |r| ≤ ~0.35: Taylor polynomial of degree 13 in Horner form.
@inline(__always)
func _amExpm1Reduced(_ r: SIMD4<Double>) -> SIMD4<Double> {
    // 1/n! for n = 13 down to 2.
    var q = SIMD4<Double>(repeating: 1.0 / 6_227_020_800.0)
    q = q * r + SIMD4(repeating: 1.0 / 479_001_600.0)
    q = q * r + SIMD4(repeating: 1.0 / 39_916_800.0)
    q = q * r + SIMD4(repeating: 1.0 / 3_628_800.0)
    q = q * r + SIMD4(repeating: 1.0 / 362_880.0)
    q = q * r + SIMD4(repeating: 1.0 / 40_320.0)
    q = q * r + SIMD4(repeating: 1.0 / 5_040.0)
    q = q * r + SIMD4(repeating: 1.0 / 720.0)
    q = q * r + SIMD4(repeating: 1.0 / 120.0)
    q = q * r + SIMD4(repeating: 1.0 / 24.0)
    q = q * r + SIMD4(repeating: 1.0 / 6.0)
    q = q * r + SIMD4(repeating: 0.5)
    return r + (r * r) * q
}

/// Splits x (already clamped to [−708, 708]) into 2ᵏ and r = x − k ln 2.
@inline(__always)
func _amExpReduce(_ x: SIMD4<Double>) -> (scale: SIMD4<Double>, r: SIMD4<Double>) {
    let shifter = SIMD4<Double>(repeating: _amRoundingShifter)
    let t = x * SIMD4(repeating: _amLog2E) + shifter
    let k = t - shifter
    let r = (x - k * SIMD4(repeating: _amLn2High)) - k * SIMD4(repeating: _amLn2Low)
    // The low bits of t's pattern hold k (two's complement); (k + 1023) << 52 is 2ᵏ.
    let bits = unsafeBitCast(t, to: SIMD4<UInt64>.self)
    let scale = unsafeBitCast((bits &+ 1023) &<< 52, to: SIMD4<Double>.self)
    return (scale, r)
}

/// eˣ for each lane; lanes below −708 give e⁻⁷⁰⁸ ≈ 3·10⁻³⁰⁸ instead of a smaller number, lanes above
/// 708 give e⁷⁰⁸. NaN stays NaN. Meant for arguments known to be ≤ 0 or moderate.
@inline(__always)
func _amExpClamped(_ x: SIMD4<Double>) -> SIMD4<Double> {
    let limit = SIMD4<Double>(repeating: 708)
    // Comparisons are false for NaN, so a NaN lane passes through unchanged.
    var y = x.replacing(with: -limit, where: x .< -limit)
    y.replace(with: limit, where: y .> limit)
    let (scale, r) = _amExpReduce(y)
    return scale + scale * _amExpm1Reduced(r)
}

/// tanh for each lane, from u = expm1(−2|x|): tanh|x| = −u / (2 + u), with the sign of x.
///
/// No cancellation anywhere: for small |x| the k = 0 branch returns expm1 of the reduced
/// argument itself, and −u/(2 + u) is a quotient of same-signed quantities. |x| ≥ 20 gives ±1
/// (tanh 20 = 1 − 8·10⁻¹⁸ rounds to 1). NaN stays NaN.
@inline(__always)
func _amTanhVector(_ x: SIMD4<Double>) -> SIMD4<Double> {
    let bits = unsafeBitCast(x, to: SIMD4<UInt64>.self)
    let signMask = SIMD4<UInt64>(repeating: 0x8000_0000_0000_0000)
    let magnitude = unsafeBitCast(bits & ~signMask, to: SIMD4<Double>.self)
    var a = -2 * magnitude
    a.replace(with: SIMD4(repeating: -40), where: a .< SIMD4(repeating: -40))
    let (scale, r) = _amExpReduce(a)
    let u = scale * _amExpm1Reduced(r) + (scale - 1)
    let t = -u / (2 + u)
    return unsafeBitCast(unsafeBitCast(t, to: SIMD4<UInt64>.self) | (bits & signMask), to: SIMD4<Double>.self)
}

/// Scalar tanh: lane 0 of `_amTanhVector`, so scalar and vector paths agree bit for bit.
@inline(__always)
func _amTanhScalar(_ x: Double) -> Double {
    _amTanhVector(SIMD4(repeating: x))[0]
}

/// Scalar eˣ: lane 0 of `_amExpClamped`.
@inline(__always)
func _amExpScalar(_ x: Double) -> Double {
    _amExpClamped(SIMD4(repeating: x))[0]
}

/// y[i] = tanh(y[i]) for i in 0..<count.
func _amTanhInPlace(_ y: UnsafeMutablePointer<Double>, count: Int) {
    let raw = UnsafeMutableRawPointer(y)
    var i = 0
    while i &+ 8 <= count {
        let o = i &* 8
        let v0 = raw.loadUnaligned(fromByteOffset: o, as: SIMD4<Double>.self)
        let v1 = raw.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD4<Double>.self)
        raw.storeBytes(of: _amTanhVector(v0), toByteOffset: o, as: SIMD4<Double>.self)
        raw.storeBytes(of: _amTanhVector(v1), toByteOffset: o &+ 32, as: SIMD4<Double>.self)
        i &+= 8
    }
    while i &+ 4 <= count {
        let o = i &* 8
        raw.storeBytes(of: _amTanhVector(raw.loadUnaligned(fromByteOffset: o, as: SIMD4<Double>.self)), toByteOffset: o, as: SIMD4<Double>.self)
        i &+= 4
    }
    while i < count {
        y[i] = _amTanhScalar(y[i])
        i &+= 1
    }
}

/// The Bernoulli log-likelihood of one row, Σᵢ xᵢηᵢ − log(1 + e^ηᵢ), and (if `cotangent` is given)
/// w · (xᵢ − σ(ηᵢ)) into it.
///
/// log(1 + e^η) = max(η, 0) + log(1 + e^−|η|). Instead of one log1p per pixel, the factors
/// 1 + e^−|η| (each in (1, 2]) are multiplied and one log is taken per 512 pixels (products stay
/// below 2⁵¹², far from overflow). The product's relative rounding error is at most ~2 · 2⁻⁵³
/// per factor, so the row's log-likelihood has an absolute error of order d · 10⁻¹⁶ nats — the
/// same order as summing d rounded log1p terms.
@inline(__always)
func _amBernoulliRow(
    x: UnsafePointer<Double>, output eta: UnsafePointer<Double>, dimension d: Int,
    cotangent: UnsafeMutablePointer<Double>?, weight w: Double
) -> Double {
    let xr = UnsafeRawPointer(x)
    let er = UnsafeRawPointer(eta)
    let cr = cotangent.map { UnsafeMutableRawPointer($0) }
    let zero = SIMD4<Double>()
    let one = SIMD4<Double>(repeating: 1)
    let weight = SIMD4<Double>(repeating: w)
    var linear = zero
    var logTotal = 0.0
    var i = 0
    @inline(__always)
    func lanes(
        _ e: SIMD4<Double>, _ xv: SIMD4<Double>, _ product: inout SIMD4<Double>, _ linear: inout SIMD4<Double>
    ) -> SIMD4<Double> {
        let bits = unsafeBitCast(e, to: SIMD4<UInt64>.self)
        let negativeMagnitude = unsafeBitCast(bits | SIMD4(repeating: 0x8000_0000_0000_0000), to: SIMD4<Double>.self)
        let ex = _amExpClamped(negativeMagnitude)  // e^−|η|
        let factor = one + ex
        product *= factor
        linear += xv * e - e.replacing(with: zero, where: e .< zero)
        let q = one / factor
        let sigmoid = q.replacing(with: ex * q, where: e .< zero)
        return weight * (xv - sigmoid)
    }
    while i < d {
        let blockEnd = min(d, i &+ 512)
        var product = one
        while i &+ 4 <= blockEnd {
            let o = i &* 8
            let c = lanes(
                er.loadUnaligned(fromByteOffset: o, as: SIMD4<Double>.self),
                xr.loadUnaligned(fromByteOffset: o, as: SIMD4<Double>.self), &product, &linear)
            cr?.storeBytes(of: c, toByteOffset: o, as: SIMD4<Double>.self)
            i &+= 4
        }
        if i < blockEnd {
            // Pad the tail with η = 0, x = 0; padded lanes add 0 to `linear` (0·0 − max(0, 0))
            // and their factors 1 + e⁰ are dropped.
            var ev = zero
            var xv = zero
            let tail = blockEnd &- i
            for t in 0..<tail {
                ev[t] = eta[i &+ t]
                xv[t] = x[i &+ t]
            }
            var tailProduct = one
            let c = lanes(ev, xv, &tailProduct, &linear)
            for t in 0..<tail { product[t] *= tailProduct[t] }
            if let cotangent {
                for t in 0..<tail { cotangent[i &+ t] = c[t] }
            }
            i = blockEnd
        }
        logTotal += log((product[0] * product[1]) * (product[2] * product[3]))
    }
    return (linear[0] + linear[1]) + (linear[2] + linear[3]) - logTotal
}

/// Array wrappers around the internal kernels, for the package's tests (release-mode tests cannot
/// use `@testable import`). Not part of the public API.
package enum _AmKernelProbe {
    /// A (n×k) · B (k×m), row-major.
    package static func matMul(_ a: [Double], _ b: [Double], n: Int, k: Int, m: Int) -> [Double] {
        precondition(a.count == n * k && b.count == k * m)
        var c = [Double](repeating: 0, count: n * m)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    _amMatMul(ap.baseAddress!, bp.baseAddress!, cp.baseAddress!, n: n, k: k, m: m, accumulate: false)
                }
            }
        }
        return c
    }

    /// Aᵀ · B for A (rows×n) and B (rows×m).
    package static func matMulTN(_ a: [Double], _ b: [Double], rows: Int, n: Int, m: Int) -> [Double] {
        precondition(a.count == rows * n && b.count == rows * m)
        var c = [Double](repeating: .nan, count: n * m)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    _amMatMulTN(ap.baseAddress!, bp.baseAddress!, cp.baseAddress!, rows: rows, n: n, m: m)
                }
            }
        }
        return c
    }

    /// A · Bᵀ for A (n×k) and B (m×k).
    package static func matMulNT(_ a: [Double], _ b: [Double], n: Int, k: Int, m: Int) -> [Double] {
        precondition(a.count == n * k && b.count == m * k)
        var c = [Double](repeating: .nan, count: n * m)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    _amMatMulNT(ap.baseAddress!, bp.baseAddress!, cp.baseAddress!, n: n, k: k, m: m)
                }
            }
        }
        return c
    }

    /// Column sums of a rows×columns matrix.
    package static func columnSums(_ d: [Double], rows: Int, columns: Int) -> [Double] {
        var g = [Double](repeating: .nan, count: columns)
        d.withUnsafeBufferPointer { dp in
            g.withUnsafeMutableBufferPointer { gp in _amColumnSums(dp.baseAddress!, gp.baseAddress!, rows: rows, columns: columns) }
        }
        return g
    }

    /// The vectorised tanh applied in place to a buffer (exercises the 8-, 4- and 1-wide paths).
    package static func tanh(_ x: [Double]) -> [Double] {
        var y = x
        y.withUnsafeMutableBufferPointer { _amTanhInPlace($0.baseAddress!, count: $0.count) }
        return y
    }

    /// The scalar tanh (lane 0 of the vector code).
    package static func tanhScalar(_ x: Double) -> Double { _amTanhScalar(x) }

    /// The vectorised eˣ (clamped to [−708, 708]).
    package static func exp(_ x: Double) -> Double { _amExpScalar(x) }

    /// The Bernoulli row kernel: log-likelihood and weight · (x − σ(η)).
    package static func bernoulliRow(x: [Double], eta: [Double], weight: Double) -> (Double, [Double]) {
        precondition(x.count == eta.count)
        var c = [Double](repeating: .nan, count: x.count)
        let value = x.withUnsafeBufferPointer { xp in
            eta.withUnsafeBufferPointer { ep in
                c.withUnsafeMutableBufferPointer { cp in
                    _amBernoulliRow(
                        x: xp.baseAddress!, output: ep.baseAddress!, dimension: x.count, cotangent: cp.baseAddress!,
                        weight: weight)
                }
            }
        }
        return (value, c)
    }
}
