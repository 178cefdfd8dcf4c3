// The portable (Swift SIMD) forms of the dense kernels; `KernelPath.swift` chooses between these and
// the AVX2 / AVX-512 forms in `CInferenceKernels`. Matrices are row-major `Double` buffers whose leading
// dimension is their width.

internal import SystemLibC

extension DenseKernels {

    /// C (n×m) = A (n×k) · B (k×m), or C += A·B when `accumulate` is true: the portable kernel
    /// behind `matMul` (see `KernelPath.swift`).
    ///
    /// The main loop keeps a 4×4 block of C in eight `SIMD2<Double>` registers (the width the
    /// baseline x86-64 target vectorises) and streams one row of B per step; the borders fall back to
    /// scalar loops. Every element of C is summed over k in increasing order, so the result does not
    /// depend on how a caller splits rows between threads.
    @inline(__always)
    static func matMulPortable(
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
    /// Same register blocking as `matMul` (a 4×4 block of C in eight `SIMD2<Double>`), with the
    /// four A values of a step read from one row of A. Every element of C is summed over the rows in
    /// increasing order.
    static func matMulTNPortable(
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
                store(s00, s01, c0 + j)
                store(s10, s11, c1 + j)
                store(s20, s21, c2 + j)
                store(s30, s31, c3 + j)
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
                store(s0, s1, ci + j)
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

    @inline(__always)
    static func store(_ s0: SIMD2<Double>, _ s1: SIMD2<Double>, _ c: UnsafeMutablePointer<Double>) {
        let raw = UnsafeMutableRawPointer(c)
        raw.storeBytes(of: s0, toByteOffset: 0, as: SIMD2<Double>.self)
        raw.storeBytes(of: s1, toByteOffset: 16, as: SIMD2<Double>.self)
    }

    /// g[j] = Σᵣ d[r·columns + j], summed over r in increasing order.
    public static func columnSums(_ d: UnsafePointer<Double>, _ g: UnsafeMutablePointer<Double>, rows: Int, columns: Int) {
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
            store(s0, s1, g + j)
            j &+= 4
        }
        while j < columns {
            var s = 0.0
            for r in 0..<rows { s += d[r &* columns &+ j] }
            g[j] = s
            j &+= 1
        }
    }

    /// T (m×n) = Aᵀ for A (n×m): the portable kernel behind `transpose`.
    @inline(__always)
    static func transposePortable(_ a: UnsafePointer<Double>, _ t: UnsafeMutablePointer<Double>, rows n: Int, columns m: Int) {
        for i in 0..<n {
            let ai = a + i * m
            for j in 0..<m { t[j * n + i] = ai[j] }
        }
    }

    /// The Bernoulli log-likelihood of one row, Σᵢ xᵢηᵢ − log(1 + e^ηᵢ), and (if `cotangent` is given)
    /// w · (xᵢ − σ(ηᵢ)) into it: the portable kernel behind `bernoulliRow`.
    ///
    /// log(1 + e^η) = max(η, 0) + log(1 + e^−|η|). Instead of one log1p per pixel, the factors
    /// 1 + e^−|η| (each in (1, 2]) are multiplied and one log is taken per 512 pixels (products stay
    /// below 2⁵¹², far from overflow). The product's relative rounding error is at most ~2 · 2⁻⁵³
    /// per factor, so the row's log-likelihood has an absolute error of order d · 10⁻¹⁶ nats — the
    /// same order as summing d rounded log1p terms.
    ///
    /// The sums and products run on 8 lanes (pixel i in lane i mod 8; two `SIMD4` here, one AVX-512
    /// register in the C kernel), combined at the end in a fixed tree, so every path gives the same bits.
    @inline(__always)
    static func bernoulliRowPortable(
        x: UnsafePointer<Double>, output eta: UnsafePointer<Double>, dimension d: Int,
        cotangent: UnsafeMutablePointer<Double>?, weight w: Double
    ) -> Double {
        let xr = UnsafeRawPointer(x)
        let er = UnsafeRawPointer(eta)
        let cr = cotangent.map { UnsafeMutableRawPointer($0) }
        let zero = SIMD4<Double>()
        let one = SIMD4<Double>(repeating: 1)
        let weight = SIMD4<Double>(repeating: w)
        var linear = (zero, zero)
        var logTotal = 0.0
        var i = 0
        @inline(__always)
        func lanes(
            _ e: SIMD4<Double>, _ xv: SIMD4<Double>, _ product: inout SIMD4<Double>, _ linear: inout SIMD4<Double>
        ) -> SIMD4<Double> {
            let bits = unsafeBitCast(e, to: SIMD4<UInt64>.self)
            let negativeMagnitude = unsafeBitCast(bits | SIMD4(repeating: 0x8000_0000_0000_0000), to: SIMD4<Double>.self)
            let ex = SIMDMath.exp(negativeMagnitude)  // e^−|η|
            let factor = one + ex
            product *= factor
            linear += xv * e - e.replacing(with: zero, where: e .< zero)
            let q = one / factor
            let sigmoid = q.replacing(with: ex * q, where: e .< zero)
            return weight * (xv - sigmoid)
        }
        while i < d {
            let blockEnd = min(d, i &+ 512)
            var product = (one, one)
            while i &+ 8 <= blockEnd {
                let o = i &* 8
                let c0 = lanes(
                    er.loadUnaligned(fromByteOffset: o, as: SIMD4<Double>.self),
                    xr.loadUnaligned(fromByteOffset: o, as: SIMD4<Double>.self), &product.0, &linear.0)
                let c1 = lanes(
                    er.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD4<Double>.self),
                    xr.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD4<Double>.self), &product.1, &linear.1)
                cr?.storeBytes(of: c0, toByteOffset: o, as: SIMD4<Double>.self)
                cr?.storeBytes(of: c1, toByteOffset: o &+ 32, as: SIMD4<Double>.self)
                i &+= 8
            }
            if i < blockEnd {
                // Pad the tail with η = 0, x = 0; padded lanes add 0 to `linear` (0·0 − max(0, 0))
                // and their factors 1 + e⁰ are dropped.
                let tail = blockEnd &- i
                var ev = (zero, zero)
                var xv = (zero, zero)
                for t in 0..<tail {
                    if t < 4 {
                        ev.0[t] = eta[i &+ t]
                        xv.0[t] = x[i &+ t]
                    } else {
                        ev.1[t &- 4] = eta[i &+ t]
                        xv.1[t &- 4] = x[i &+ t]
                    }
                }
                var tailProduct = (one, one)
                let c0 = lanes(ev.0, xv.0, &tailProduct.0, &linear.0)
                let c1 = lanes(ev.1, xv.1, &tailProduct.1, &linear.1)
                for t in 0..<tail {
                    if t < 4 {
                        product.0[t] *= tailProduct.0[t]
                        cotangent?[i &+ t] = c0[t]
                    } else {
                        product.1[t &- 4] *= tailProduct.1[t &- 4]
                        cotangent?[i &+ t] = c1[t &- 4]
                    }
                }
                i = blockEnd
            }
            let p = product
            logTotal += log(((p.0[0] * p.0[1]) * (p.0[2] * p.0[3])) * ((p.1[0] * p.1[1]) * (p.1[2] * p.1[3])))
        }
        let l = linear
        return (((l.0[0] + l.0[1]) + (l.0[2] + l.0[3])) + ((l.1[0] + l.1[1]) + (l.1[2] + l.1[3]))) - logTotal
    }
}

extension DenseKernels {
    /// The portable Adam update behind `adam`: two parameters per `SIMD2` step, then a scalar tail, with
    /// the multiplications and additions the C kernels repeat in the same order.
    static func adamPortable(
        _ p: UnsafeMutablePointer<Double>, _ m: UnsafeMutablePointer<Double>, _ v: UnsafeMutablePointer<Double>,
        _ g: UnsafePointer<Double>, count: Int, beta1: Double, beta2: Double, stepScale: Double, rootScale: Double,
        epsilon: Double
    ) {
        let b1 = SIMD2<Double>(repeating: beta1)
        let b2 = SIMD2<Double>(repeating: beta2)
        let a1 = SIMD2<Double>(repeating: 1 - beta1)
        let a2 = SIMD2<Double>(repeating: 1 - beta2)
        let scale = SIMD2<Double>(repeating: stepScale)
        let root = SIMD2<Double>(repeating: rootScale)
        let eps = SIMD2<Double>(repeating: epsilon)
        let mr = UnsafeMutableRawPointer(m)
        let vr = UnsafeMutableRawPointer(v)
        let pr = UnsafeMutableRawPointer(p)
        let gr = UnsafeRawPointer(g)
        var i = 0
        while i + 2 <= count {
            let offset = i &* 8
            let gi = gr.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self)
            let mi = b1 * mr.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self) + a1 * gi
            let vi = b2 * vr.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self) + a2 * gi * gi
            mr.storeBytes(of: mi, toByteOffset: offset, as: SIMD2<Double>.self)
            vr.storeBytes(of: vi, toByteOffset: offset, as: SIMD2<Double>.self)
            let pi = pr.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self)
            let update = scale * mi / (vi.squareRoot() * root + eps)
            pr.storeBytes(of: pi - update, toByteOffset: offset, as: SIMD2<Double>.self)
            i += 2
        }
        while i < count {
            let gi = g[i]
            m[i] = beta1 * m[i] + (1 - beta1) * gi
            v[i] = beta2 * v[i] + (1 - beta2) * gi * gi
            p[i] -= stepScale * m[i] / (v[i].squareRoot() * rootScale + epsilon)
            i += 1
        }
    }
}
