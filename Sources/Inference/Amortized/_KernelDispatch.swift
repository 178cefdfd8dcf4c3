// Run-time choice between the portable Swift kernels and the AVX2 / AVX-512 ones in the C target
// `CInferenceKernels`.
//
// The C module is imported `@_implementationOnly`: notebook cells are compiled with
// `swiftc -I <modules folder>` against Inference.swiftmodule, and neither the build folder's
// Modules nor the installed layout holds the C module's module map. With `internal import` the
// dependency is still recorded for a module built without library evolution, and a cell then fails
// with "missing required module 'CInferenceKernels'"; `@_implementationOnly` leaves it out. The
// compiler's warning about instability concerns types from the hidden module in Inference's own
// layouts; only plain C functions (pointers and integers) are used, inside function bodies here.
//
// Every path computes each value with the same multiplications and additions in the same order
// (no FMA; lane-wise reductions defined on 8 lanes), so the results are bit-identical whichever
// path runs; the choice only changes speed. `KernelDispatchTests` checks this on odd sizes.

@_implementationOnly import CInferenceKernels
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif

/// Which implementation of the dense kernels runs.
package enum _AmKernelPath: Int, Sendable, CaseIterable {
    /// The Swift kernels in `_DenseKernels.swift` and `_VectorMath.swift` (SIMD2/SIMD4, any CPU).
    case portable = 0
    /// 256-bit kernels (C), used when the CPU supports AVX2.
    case avx2 = 1
    /// 512-bit kernels (C), used when the CPU supports AVX-512F.
    case avx512 = 2

    package var name: String {
        switch self {
        case .portable: return "portable (Swift)"
        case .avx2: return "AVX2 (C, 4 doubles per register)"
        case .avx512: return "AVX-512 (C, 8 doubles per register)"
        }
    }

    /// Whether this CPU can run the path.
    package var isSupported: Bool { rawValue <= _amSupportedLevel.rawValue }
}

/// The widest path this CPU supports (asked once).
let _amSupportedLevel: _AmKernelPath = _AmKernelPath(rawValue: Int(cik_supported_level())) ?? .portable

/// The path chosen at start-up: the widest supported, unless the environment variable
/// `SWIFT_INFERENCE_KERNELS` names a narrower one (`portable` or `avx2`).
let _amDefaultKernelPath: _AmKernelPath = {
    var path = _amSupportedLevel
    if let value = getenv("SWIFT_INFERENCE_KERNELS") {
        switch String(cString: value) {
        case "portable": path = .portable
        case "avx2": path = _AmKernelPath(rawValue: min(path.rawValue, _AmKernelPath.avx2.rawValue)) ?? .portable
        default: break
        }
    }
    return path
}()

/// Set by tests to force a path for every thread (harmless to other threads: every path gives
/// the same bits). −1 means the default.
let _amForcedKernelPath = Atomic<Int>(-1)

/// The path the kernels take now.
@inline(__always)
var _amKernelPath: _AmKernelPath {
    let forced = _amForcedKernelPath.load(ordering: .relaxed)
    return forced < 0 ? _amDefaultKernelPath : _AmKernelPath(rawValue: forced) ?? .portable
}

@inline(__always)
func _amMatMul(
    _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>,
    n: Int, k: Int, m: Int, accumulate: Bool, path: _AmKernelPath = _amKernelPath
) {
    if path == .portable {
        _amMatMulPortable(a, b, c, n: n, k: k, m: m, accumulate: accumulate)
    } else {
        cik_matmul(Int32(path.rawValue), a, b, c, n, k, m, accumulate ? 1 : 0)
    }
}

@inline(__always)
func _amMatMulTN(
    _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>,
    rows: Int, n: Int, m: Int, path: _AmKernelPath = _amKernelPath
) {
    if path == .portable {
        _amMatMulTNPortable(a, b, c, rows: rows, n: n, m: m)
    } else {
        cik_matmul_tn(Int32(path.rawValue), a, b, c, rows, n, m)
    }
}

/// C (n×m) = A (n×k) · Bᵀ for B (m×k): B is transposed into a temporary k×m buffer and the
/// product taken with `_amMatMul`, so every element is summed over p in increasing order on every
/// path. (B is a weight matrix, so the copy is small next to the product.)
func _amMatMulNT(
    _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>,
    n: Int, k: Int, m: Int, path: _AmKernelPath = _amKernelPath
) {
    withUnsafeTemporaryAllocation(of: Double.self, capacity: max(k * m, 1)) { t in
        _amTranspose(b, t.baseAddress!, rows: m, columns: k, path: path)
        _amMatMul(a, t.baseAddress!, c, n: n, k: k, m: m, accumulate: false, path: path)
    }
}

/// T (m×n) = Aᵀ for A (n×m).
@inline(__always)
func _amTranspose(
    _ a: UnsafePointer<Double>, _ t: UnsafeMutablePointer<Double>, rows n: Int, columns m: Int,
    path: _AmKernelPath = _amKernelPath
) {
    if path == .portable {
        _amTransposePortable(a, t, rows: n, columns: m)
    } else {
        cik_transpose(Int32(path.rawValue), a, t, n, m)
    }
}

/// y[i] = tanh(y[i]) for i in 0..<count.
@inline(__always)
func _amTanhInPlace(_ y: UnsafeMutablePointer<Double>, count: Int, path: _AmKernelPath = _amKernelPath) {
    if path == .portable {
        _amTanhInPlacePortable(y, count: count)
    } else {
        cik_tanh(Int32(path.rawValue), y, count)
    }
}

/// The Bernoulli log-likelihood of one row; see `_amBernoulliRowPortable`.
@inline(__always)
func _amBernoulliRow(
    x: UnsafePointer<Double>, output eta: UnsafePointer<Double>, dimension d: Int,
    cotangent: UnsafeMutablePointer<Double>?, weight w: Double, path: _AmKernelPath = _amKernelPath
) -> Double {
    if path == .portable {
        return _amBernoulliRowPortable(x: x, output: eta, dimension: d, cotangent: cotangent, weight: w)
    }
    return cik_bernoulli_row(Int32(path.rawValue), x, eta, d, cotangent, w)
}

/// Which matrix kernels Inference runs on this machine, for benchmarks and diagnostics.
/// Not part of the supported API (SPI).
@_spi(Benchmarking)
public enum InferenceKernels {
    /// A short description of the kernel path in use, e.g. "AVX2 (C, 4 doubles per register)".
    public static var path: String { _amKernelPath.name }
    /// The widest kernels this CPU supports (the environment variable `SWIFT_INFERENCE_KERNELS`
    /// may still select `portable` or `avx2`).
    public static var widestSupported: String { _amSupportedLevel.name }
}

extension _AmKernelProbe {
    /// The path the kernels take now.
    package static var kernelPath: _AmKernelPath { _amKernelPath }
    /// The widest path this CPU supports.
    package static var widestSupported: _AmKernelPath { _amSupportedLevel }
    /// Runs `body` with `path` forced (for every thread), then restores the default.
    package static func withKernels<T>(_ path: _AmKernelPath, _ body: () throws -> T) rethrows -> T {
        precondition(path.isSupported, "this CPU cannot run the \(path.name) kernels")
        _amForcedKernelPath.store(path.rawValue, ordering: .relaxed)
        defer { _amForcedKernelPath.store(-1, ordering: .relaxed) }
        return try body()
    }
}

/// One Adam update on a wide path; the same operations as the portable loop in `AdamOptimizer.step`.
func _amAdamWide(
    _ path: _AmKernelPath, _ p: UnsafeMutablePointer<Double>, _ m: UnsafeMutablePointer<Double>,
    _ v: UnsafeMutablePointer<Double>, _ g: UnsafePointer<Double>, count: Int,
    beta1: Double, beta2: Double, stepScale: Double, rootScale: Double, epsilon: Double
) {
    cik_adam(Int32(path.rawValue), p, m, v, g, count, beta1, beta2, stepScale, rootScale, epsilon)
}
