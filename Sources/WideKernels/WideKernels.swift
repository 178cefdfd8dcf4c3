// The C kernels of `CInferenceKernels` behind a Swift module that is built with library evolution.
//
// Notebook cells are compiled against the installed `.swiftmodule`s only. A module built without
// library evolution makes its clients load everything it imports, even with `internal import`, so if
// NumericsCore imported the C module, every cell would need the C module's map and header. This module
// is resilient: its `internal import` of the C module is invisible to its clients, and cells need just
// `WideKernels.swiftmodule`. Its API is plain functions on pointers and integers, so resilience costs
// one ordinary call per kernel call. NumericsCore's `DenseKernels` documents what each computes.

internal import CInferenceKernels

/// Entry points of the AVX2 (`level` 1) and AVX-512F (`level` 2) kernels. Callers pass only a level
/// that `supportedLevel` allows; the portable Swift kernels live in NumericsCore.
public enum AVXKernels {
    /// The widest level this CPU and OS support: 0 (none), 1 (AVX2) or 2 (AVX-512F).
    public static var supportedLevel: Int { Int(cik_supported_level()) }

    /// C (n×m) = A (n×k)·B (k×m), or C += A·B when `accumulate` is true.
    public static func matMul(
        level: Int, _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>,
        n: Int, k: Int, m: Int, accumulate: Bool
    ) {
        cik_matmul(Int32(level), a, b, c, n, k, m, accumulate ? 1 : 0)
    }

    /// C (n×m) = Aᵀ·B for A (rows×n) and B (rows×m).
    public static func matMulTN(
        level: Int, _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>,
        rows: Int, n: Int, m: Int
    ) {
        cik_matmul_tn(Int32(level), a, b, c, rows, n, m)
    }

    /// T (m×n) = Aᵀ for A (n×m).
    public static func transpose(
        level: Int, _ a: UnsafePointer<Double>, _ t: UnsafeMutablePointer<Double>, rows n: Int, columns m: Int
    ) {
        cik_transpose(Int32(level), a, t, n, m)
    }

    /// y[i] = tanh(y[i]) for i in 0..<count.
    public static func tanhInPlace(level: Int, _ y: UnsafeMutablePointer<Double>, count: Int) {
        cik_tanh(Int32(level), y, count)
    }

    /// The Bernoulli log-likelihood of one row and, when `cotangent` is given, w·(x − σ(η)) into it.
    public static func bernoulliRow(
        level: Int, x: UnsafePointer<Double>, output eta: UnsafePointer<Double>, dimension d: Int,
        cotangent: UnsafeMutablePointer<Double>?, weight w: Double
    ) -> Double {
        cik_bernoulli_row(Int32(level), x, eta, d, cotangent, w)
    }

    /// One Adam update of `count` parameters.
    public static func adam(
        level: Int, _ p: UnsafeMutablePointer<Double>, _ m: UnsafeMutablePointer<Double>,
        _ v: UnsafeMutablePointer<Double>, _ g: UnsafePointer<Double>, count: Int, beta1: Double, beta2: Double,
        stepScale: Double, rootScale: Double, epsilon: Double
    ) {
        cik_adam(Int32(level), p, m, v, g, count, beta1, beta2, stepScale, rootScale, epsilon)
    }

    /// The core the calling thread runs on, or −1 when unknown.
    public static func currentCPU() -> Int { Int(cik_current_cpu()) }

    /// If the calling thread runs on core `cpu`, moves it to another core it may use.
    public static func moveOffCPU(_ cpu: Int) { cik_move_off_cpu(Int32(cpu)) }
}
