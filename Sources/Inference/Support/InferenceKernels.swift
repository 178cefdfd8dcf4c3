internal import NumericsCore

/// Which matrix kernels Inference runs on this machine, for benchmarks and diagnostics.
/// Not part of the supported API (SPI).
@_spi(Benchmarking)
public enum InferenceKernels {
    /// A short description of the kernel path in use, e.g. "AVX2 (C, 4 doubles per register)".
    public static var path: String { KernelPath.current.name }
    /// The widest kernels this CPU supports (the environment variable `SWIFT_INFERENCE_KERNELS`
    /// may still select `portable` or `avx2`).
    public static var widestSupported: String { KernelPath.widestSupported.name }
}
