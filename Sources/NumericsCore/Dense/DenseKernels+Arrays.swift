/// Array forms of the pointer kernels: for tests, benchmarks and callers that hold arrays. Each
/// allocates its result; the pointer forms write into the caller's buffers.
extension DenseKernels {
    /// A (n×k) · B (k×m), row-major.
    public static func matMul(
        _ a: [Double], _ b: [Double], n: Int, k: Int, m: Int, path: KernelPath = .current, accumulateInto start: [Double]? = nil
    ) -> [Double] {
        precondition(a.count == n * k && b.count == k * m)
        var c = start ?? [Double](repeating: .nan, count: n * m)
        precondition(c.count == n * m)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    matMul(
                        ap.baseAddress!, bp.baseAddress!, cp.baseAddress!, n: n, k: k, m: m, accumulate: start != nil,
                        path: path)
                }
            }
        }
        return c
    }

    /// Aᵀ · B for A (rows×n) and B (rows×m).
    public static func matMulTN(
        _ a: [Double], _ b: [Double], rows: Int, n: Int, m: Int, path: KernelPath = .current
    ) -> [Double] {
        precondition(a.count == rows * n && b.count == rows * m)
        return product(a, b, count: n * m) { matMulTN($0, $1, $2, rows: rows, n: n, m: m, path: path) }
    }

    /// A · Bᵀ for A (n×k) and B (m×k).
    public static func matMulNT(
        _ a: [Double], _ b: [Double], n: Int, k: Int, m: Int, path: KernelPath = .current
    ) -> [Double] {
        precondition(a.count == n * k && b.count == m * k)
        return product(a, b, count: n * m) { matMulNT($0, $1, $2, n: n, k: k, m: m, path: path) }
    }

    /// Column sums of a rows×columns matrix.
    public static func columnSums(_ d: [Double], rows: Int, columns: Int) -> [Double] {
        var g = [Double](repeating: .nan, count: columns)
        d.withUnsafeBufferPointer { dp in
            g.withUnsafeMutableBufferPointer { gp in columnSums(dp.baseAddress!, gp.baseAddress!, rows: rows, columns: columns) }
        }
        return g
    }

    /// The vectorised tanh applied in place to a buffer (exercises the 8-, 4- and 1-wide paths).
    public static func tanh(_ x: [Double], path: KernelPath = .current) -> [Double] {
        var y = x
        y.withUnsafeMutableBufferPointer { tanhInPlace($0.baseAddress!, count: $0.count, path: path) }
        return y
    }

    /// The Bernoulli row kernel: log-likelihood and weight · (x − σ(η)).
    public static func bernoulliRow(
        x: [Double], eta: [Double], weight: Double, path: KernelPath = .current
    ) -> (Double, [Double]) {
        precondition(x.count == eta.count)
        var c = [Double](repeating: .nan, count: x.count)
        let value = x.withUnsafeBufferPointer { xp in
            eta.withUnsafeBufferPointer { ep in
                c.withUnsafeMutableBufferPointer { cp in
                    bernoulliRow(
                        x: xp.baseAddress!, output: ep.baseAddress!, dimension: x.count, cotangent: cp.baseAddress!,
                        weight: weight, path: path)
                }
            }
        }
        return (value, c)
    }

    /// A new result of `count` entries (NaN until written) that `body` fills from `a` and `b`.
    private static func product(
        _ a: [Double], _ b: [Double], count: Int,
        _ body: (UnsafePointer<Double>, UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void
    ) -> [Double] {
        var c = [Double](repeating: .nan, count: count)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in body(ap.baseAddress!, bp.baseAddress!, cp.baseAddress!) }
            }
        }
        return c
    }
}
