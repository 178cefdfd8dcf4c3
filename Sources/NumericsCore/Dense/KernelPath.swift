// Run-time choice between the portable Swift kernels and the AVX2 / AVX-512 ones in the C target
// `CInferenceKernels`, reached through the resilient Swift module `WideKernels` (which says why).
//
// Every path computes each value with the same multiplications and additions in the same order
// (no FMA; lane-wise reductions defined on 8 lanes), so the results are bit-identical whichever
// path runs; the choice only changes speed. `KernelDispatchTests` checks this on odd sizes.

internal import WideKernels
import Synchronization

internal import SystemLibC

/// Which implementation of the dense kernels runs.
public enum KernelPath: Int, Sendable, CaseIterable {
    /// The Swift kernels (SIMD2/SIMD4, any CPU).
    case portable = 0
    /// 256-bit kernels (C), used when the CPU supports AVX2.
    case avx2 = 1
    /// 512-bit kernels (C), used when the CPU supports AVX-512F.
    case avx512 = 2

    /// A short description, e.g. "AVX2 (C, 4 doubles per register)".
    public var name: String {
        switch self {
        case .portable: return "portable (Swift)"
        case .avx2: return "AVX2 (C, 4 doubles per register)"
        case .avx512: return "AVX-512 (C, 8 doubles per register)"
        }
    }

    /// Whether this CPU can run the path.
    public var isSupported: Bool { rawValue <= Self.widestSupported.rawValue }

    /// The widest path this CPU supports (asked once).
    public static let widestSupported: KernelPath = KernelPath(rawValue: AVXKernels.supportedLevel) ?? .portable

    /// The path chosen at start-up: the widest supported, unless the environment variable
    /// `SWIFT_INFERENCE_KERNELS` names a narrower one (`portable` or `avx2`).
    static let startupDefault: KernelPath = {
        var path = widestSupported
        if let value = getenv("SWIFT_INFERENCE_KERNELS") {
            switch String(cString: value) {
            case "portable": path = .portable
            case "avx2": path = KernelPath(rawValue: min(path.rawValue, KernelPath.avx2.rawValue)) ?? .portable
            default: break
            }
        }
        return path
    }()

    /// Set by tests to force a path for every thread (harmless to other threads: every path gives the
    /// same bits). −1 means the default.
    static let forced = Atomic<Int>(-1)

    /// The path the kernels take now.
    public static var current: KernelPath {
        let value = forced.load(ordering: .relaxed)
        return value < 0 ? startupDefault : KernelPath(rawValue: value) ?? .portable
    }

    /// Runs `body` with `path` forced (for every thread), then restores the default. For tests.
    public static func withForced<T>(_ path: KernelPath, _ body: () throws -> T) rethrows -> T {
        precondition(path.isSupported, "this CPU cannot run the \(path.name) kernels")
        forced.store(path.rawValue, ordering: .relaxed)
        defer { forced.store(-1, ordering: .relaxed) }
        return try body()
    }
}

/// Dense matrix products and element-wise kernels on row-major `Double` buffers, each with a portable
/// Swift form and AVX2 / AVX-512 forms in C that give the same bits.
///
/// Error bounds: each entry of a product is a dot product summed in increasing index order, so
/// |ĉ − c| ≤ γₖ Σₚ |aᵢₚ||bₚⱼ| with γₖ = k·u/(1 − k·u), u = 2⁻⁵³ (Higham, §3.1).
public enum DenseKernels {
    /// C (n×m) = A (n×k) · B (k×m), or C += A·B when `accumulate` is true.
    /// - Complexity: O(n·k·m).
    @inline(__always)
    public static func matMul(
        _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>,
        n: Int, k: Int, m: Int, accumulate: Bool, path: KernelPath = .current
    ) {
        if path == .portable {
            matMulPortable(a, b, c, n: n, k: k, m: m, accumulate: accumulate)
        } else {
            AVXKernels.matMul(level: path.rawValue, a, b, c, n: n, k: k, m: m, accumulate: accumulate)
        }
    }

    /// C (n×m) = Aᵀ · B for A (rows×n) and B (rows×m): the weight gradient Xᵀδ without transposing X.
    /// - Complexity: O(rows·n·m).
    @inline(__always)
    public static func matMulTN(
        _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>,
        rows: Int, n: Int, m: Int, path: KernelPath = .current
    ) {
        if path == .portable {
            matMulTNPortable(a, b, c, rows: rows, n: n, m: m)
        } else {
            AVXKernels.matMulTN(level: path.rawValue, a, b, c, rows: rows, n: n, m: m)
        }
    }

    /// C (n×m) = A (n×k) · Bᵀ for B (m×k): B is transposed into a temporary k×m buffer and the product
    /// taken with `matMul`, so every element is summed over p in increasing order on every path. (B is a
    /// weight matrix, so the copy is small next to the product.)
    public static func matMulNT(
        _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>,
        n: Int, k: Int, m: Int, path: KernelPath = .current
    ) {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: max(k * m, 1)) { t in
            transpose(b, t.baseAddress!, rows: m, columns: k, path: path)
            matMul(a, t.baseAddress!, c, n: n, k: k, m: m, accumulate: false, path: path)
        }
    }

    /// T (m×n) = Aᵀ for A (n×m).
    @inline(__always)
    public static func transpose(
        _ a: UnsafePointer<Double>, _ t: UnsafeMutablePointer<Double>, rows n: Int, columns m: Int,
        path: KernelPath = .current
    ) {
        if path == .portable {
            transposePortable(a, t, rows: n, columns: m)
        } else {
            AVXKernels.transpose(level: path.rawValue, a, t, rows: n, columns: m)
        }
    }

    /// y[i] = tanh(y[i]) for i in 0..<count, by `SIMDMath.tanh`.
    @inline(__always)
    public static func tanhInPlace(_ y: UnsafeMutablePointer<Double>, count: Int, path: KernelPath = .current) {
        if path == .portable {
            SIMDMath.tanhInPlacePortable(y, count: count)
        } else {
            AVXKernels.tanhInPlace(level: path.rawValue, y, count: count)
        }
    }

    /// The Bernoulli log-likelihood of one row, Σᵢ xᵢηᵢ − log(1 + e^ηᵢ), and (if `cotangent` is given)
    /// w · (xᵢ − σ(ηᵢ)) into it; see `bernoulliRowPortable` for the method and its error.
    @inline(__always)
    public static func bernoulliRow(
        x: UnsafePointer<Double>, output eta: UnsafePointer<Double>, dimension d: Int,
        cotangent: UnsafeMutablePointer<Double>?, weight w: Double, path: KernelPath = .current
    ) -> Double {
        if path == .portable {
            return bernoulliRowPortable(x: x, output: eta, dimension: d, cotangent: cotangent, weight: w)
        }
        return AVXKernels.bernoulliRow(
            level: path.rawValue, x: x, output: eta, dimension: d, cotangent: cotangent, weight: w)
    }

    /// One Adam update of `count` parameters: m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g²,
    /// p ← p − stepScale · m / (√v · rootScale + ε), with the portable loop's operations in its order.
    public static func adam(
        _ p: UnsafeMutablePointer<Double>, _ m: UnsafeMutablePointer<Double>, _ v: UnsafeMutablePointer<Double>,
        _ g: UnsafePointer<Double>, count: Int, beta1: Double, beta2: Double, stepScale: Double, rootScale: Double,
        epsilon: Double, path: KernelPath = .current
    ) {
        if path == .portable {
            adamPortable(p, m, v, g, count: count, beta1: beta1, beta2: beta2, stepScale: stepScale, rootScale: rootScale, epsilon: epsilon)
        } else {
            AVXKernels.adam(
                level: path.rawValue, p, m, v, g, count: count, beta1: beta1, beta2: beta2, stepScale: stepScale,
                rootScale: rootScale, epsilon: epsilon)
        }
    }
}
