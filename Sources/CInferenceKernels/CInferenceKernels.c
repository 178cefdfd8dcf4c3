// AVX2 and AVX-512F dense kernels; see include/CInferenceKernels.h.
//
// Why C, measured (2026-12-05, this project's 2-core x86-64 machine with AVX-512F, OpenBLAS 0.3.21
// pthread/DYNAMIC_ARCH single-threaded, median of 9 runs of 2000 steps). One training step of one
// minibatch shard of the digits VAE — the forward X·W, the weight gradient Xᵀδ and the input gradient
// δ·Wᵀ of its four layers — in µs:
//
//     shape (rows per shard)          C AVX-512   C AVX2   Swift SIMD (portable)   OpenBLAS dgemm
//     64-64-2, batch 32   (16)           22.3       22.8          48.7                 15.8
//     64-64-2, batch 50   (25)           35.0       36.0          79.2                 24.7
//     64-64-2, batch 100  (50)           71.4       71.4         157.3                 47.3
//     64-128-8, batch 100 (50)          161.8      149.2         368.3                110.6
//
//     swift run -c release --package-path Benchmarks DenseBenchmark
//
// Swift's SIMD types reach less than half this speed (they compile for the x86-64 baseline, SSE2;
// Swift has no per-function target attribute to dispatch on). OpenBLAS is about 1.4× faster on the
// products, with fused multiply-adds and its own blocking per CPU model, so its results differ from
// these in the last bits (relative 1e-12) and from machine to machine. The products take 17% (batch
// 32) to 40% (batch 100) of a training epoch (steps per epoch × the figures above, against VAEBenchmark's
// best epochs of 3.4–7.2 ms), so OpenBLAS would save an estimated 5–13% of an epoch. The C stays: every
// path gives the same bits on every machine (KernelDispatchTests), which a BLAS cannot, and the package
// needs no BLAS. Swift SIMD would make the products 2.2× slower.
//
// The file is compiled for the baseline target. Only functions carrying a `target(...)` attribute
// use wider instructions, and Swift calls them only at a level `cik_supported_level()` reported.
// Contraction into FMA is off: a fused multiply-add rounds once where the portable Swift code
// rounds twice, and every path must give the same bits.
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)
#include "CInferenceKernels.h"

#if defined(__x86_64__) && defined(__clang__)
#include <math.h>
#include <stdlib.h>
#include <string.h>

// The constants of `_VectorMath.swift`.
#define CIK_SHIFTER 6755399441055744.0
#define CIK_LN2_HIGH 6.93147180369123816490e-01
#define CIK_LN2_LOW 1.90821492927058770002e-10
#define CIK_LOG2E 1.44269504088896338700e+00

#define CIK_W 4
#define CIK_TARGET "avx2"
#define CIK_N(name) cik_avx2_##name
#include "cik_template.h"
#undef CIK_W
#undef CIK_TARGET
#undef CIK_N

#define CIK_W 8
#define CIK_TARGET "avx512f"
#define CIK_N(name) cik_avx512_##name
#include "cik_template.h"
#undef CIK_W
#undef CIK_TARGET
#undef CIK_N

int cik_supported_level(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return 2;
    if (__builtin_cpu_supports("avx2")) return 1;
    return 0;
}

void cik_matmul(int level, const double *a, const double *b, double *c, long n, long k, long m, int accumulate) {
    if (level >= 2) cik_avx512_matmul(a, b, c, n, k, m, accumulate);
    else cik_avx2_matmul(a, b, c, n, k, m, accumulate);
}

void cik_matmul_tn(int level, const double *a, const double *b, double *c, long rows, long n, long m) {
    if (level >= 2) cik_avx512_matmul_tn(a, b, c, rows, n, m);
    else cik_avx2_matmul_tn(a, b, c, rows, n, m);
}

void cik_transpose(int level, const double *a, double *t, long n, long m) {
    if (level >= 2) cik_avx512_transpose(a, t, n, m);
    else cik_avx2_transpose(a, t, n, m);
}

void cik_tanh(int level, double *y, long count) {
    if (level >= 2) cik_avx512_tanh(y, count);
    else cik_avx2_tanh(y, count);
}

double cik_bernoulli_row(int level, const double *x, const double *eta, long d, double *cotangent, double w) {
    return level >= 2 ? cik_avx512_bernoulli_row(x, eta, d, cotangent, w)
                      : cik_avx2_bernoulli_row(x, eta, d, cotangent, w);
}

void cik_adam(int level, double *p, double *m, double *v, const double *g, long count, double beta1, double beta2,
              double stepScale, double rootScale, double epsilon) {
    if (level >= 2) cik_avx512_adam(p, m, v, g, count, beta1, beta2, stepScale, rootScale, epsilon);
    else cik_avx2_adam(p, m, v, g, count, beta1, beta2, stepScale, rootScale, epsilon);
}

#else
// Other architectures and compilers: only the portable Swift kernels run.
int cik_supported_level(void) { return 0; }
void cik_matmul(int level, const double *a, const double *b, double *c, long n, long k, long m, int accumulate) {
    (void)level; (void)a; (void)b; (void)c; (void)n; (void)k; (void)m; (void)accumulate;
}
void cik_matmul_tn(int level, const double *a, const double *b, double *c, long rows, long n, long m) {
    (void)level; (void)a; (void)b; (void)c; (void)rows; (void)n; (void)m;
}
void cik_transpose(int level, const double *a, double *t, long n, long m) {
    (void)level; (void)a; (void)t; (void)n; (void)m;
}
void cik_tanh(int level, double *y, long count) { (void)level; (void)y; (void)count; }
double cik_bernoulli_row(int level, const double *x, const double *eta, long d, double *cotangent, double w) {
    (void)level; (void)x; (void)eta; (void)d; (void)cotangent; (void)w;
    return 0;
}
void cik_adam(int level, double *p, double *m, double *v, const double *g, long count, double beta1, double beta2,
              double stepScale, double rootScale, double epsilon) {
    (void)level; (void)p; (void)m; (void)v; (void)g; (void)count; (void)beta1; (void)beta2;
    (void)stepScale; (void)rootScale; (void)epsilon;
}
#endif
