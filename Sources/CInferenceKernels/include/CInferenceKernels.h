#pragma once
// Wide (AVX2 and AVX-512) versions of the dense kernels of NumericsCore, chosen at
// run time. Internal to NumericsCore; not part of the public API.
//
// Every kernel performs, for each output value, exactly the floating-point operations, in exactly
// the order, of the portable Swift kernel of the same name in NumericsCore (`DenseKernels+Portable.swift`,
// `SIMDMath.swift`): multiplications and additions stay separate (no FMA),
// and lane-wise work is defined on 8 lanes whatever the register width. So every path gives the
// same bits on every machine; the choice only changes speed.
//
// `level` selects the instruction set: 1 = AVX2, 2 = AVX-512F. Callers pass only a level that
// `cik_supported_level()` reported.

/// The widest level this CPU and OS support: 0 (none), 1 (AVX2) or 2 (AVX-512F).
int cik_supported_level(void);

/// C (n×m) = A (n×k)·B (k×m), or C += A·B when accumulate is nonzero. Each element is summed
/// over p in increasing order from zero, then added to C when accumulating. See `DenseKernels.matMul`.
void cik_matmul(int level, const double *a, const double *b, double *c, long n, long k, long m, int accumulate);

/// C (n×m) = Aᵀ·B for A (rows×n), B (rows×m), each element summed over the rows in order.
void cik_matmul_tn(int level, const double *a, const double *b, double *c, long rows, long n, long m);

/// T (m×n) = Aᵀ for A (n×m), row-major.
void cik_transpose(int level, const double *a, double *t, long n, long m);

/// y[i] = tanh(y[i]) for i < count, by the method of `SIMDMath.tanh`.
void cik_tanh(int level, double *y, long count);

/// The Bernoulli log-likelihood of one row and, if cotangent is not NULL, w·(x − σ(η)) into it.
/// See `DenseKernels.bernoulliRow`.
double cik_bernoulli_row(int level, const double *x, const double *eta, long d, double *cotangent, double w);

/// One Adam update of count parameters. See `DenseKernels.adam`.
void cik_adam(int level, double *p, double *m, double *v, const double *g, long count,
              double beta1, double beta2, double stepScale, double rootScale, double epsilon);

/// The core the calling thread runs on, or −1 when unknown.
int cik_current_cpu(void);

/// If the calling thread runs on core `cpu`, moves it to another core it may use (Linux; elsewhere
/// nothing). The affinity mask is narrowed for a moment and then restored.
void cik_move_off_cpu(int cpu);
