// The kernels for one instruction set; included by CInferenceKernels.c once per level with
//   CIK_W        doubles per vector register (4 for AVX2, 8 for AVX-512F)
//   CIK_TARGET   the clang target attribute string
//   CIK_N(name)  the level-specific name
// Written with clang's generic vector types, so the same source serves both widths. Contraction
// of a*b + c into FMA is off for the whole file (see CInferenceKernels.c).

#define CIK_FN static inline __attribute__((always_inline, target(CIK_TARGET)))
#define CIK_ENTRY __attribute__((target(CIK_TARGET)))

typedef double CIK_N(vd) __attribute__((vector_size(CIK_W * 8)));
typedef long long CIK_N(vl) __attribute__((vector_size(CIK_W * 8)));
typedef double CIK_N(v4) __attribute__((vector_size(32)));
#define vd CIK_N(vd)
#define vl CIK_N(vl)
#define v4 CIK_N(v4)
/// Lanes in the 8-lane reductions (Bernoulli row) held by one register.
#define CIK_GROUPS (8 / CIK_W)

CIK_FN vd CIK_N(load)(const double *p) { vd v; memcpy(&v, p, sizeof v); return v; }
CIK_FN void CIK_N(store)(double *p, vd v) { memcpy(p, &v, sizeof v); }
CIK_FN v4 CIK_N(load4)(const double *p) { v4 v; memcpy(&v, p, sizeof v); return v; }
CIK_FN void CIK_N(store4)(double *p, v4 v) { memcpy(p, &v, sizeof v); }
CIK_FN vd CIK_N(splat)(double s) {
    vd v;
    for (int i = 0; i < CIK_W; i++) v[i] = s;
    return v;
}
CIK_FN v4 CIK_N(splat4)(double s) { v4 v = {s, s, s, s}; return v; }
/// m ? x : y per lane (m all ones or all zeros).
CIK_FN vd CIK_N(select)(vl m, vd x, vd y) { return (vd)(((vl)x & m) | ((vl)y & ~m)); }

// MARK: Matrix products

/// C[i0+r][j..j+V·W) over R rows: Σ_p A(i0+r, p)·B[p][j..], with A(i, p) = a[i·ars + p·aps].
/// R and V are constants at every call, so the accumulators live in registers.
CIK_FN void CIK_N(block)(const double *a, long ars, long aps, const double *b, long ldb, double *c, long ldc,
                         long k, int R, int V, int accumulate) {
    vd s[4][2];
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++) s[r][v] = CIK_N(splat)(0.0);
    for (long p = 0; p < k; p++) {
        const double *bp = b + p * ldb;
        vd bv[2];
        for (int v = 0; v < V; v++) bv[v] = CIK_N(load)(bp + v * CIK_W);
        for (int r = 0; r < R; r++) {
            vd x = CIK_N(splat)(a[r * ars + p * aps]);
            for (int v = 0; v < V; v++) s[r][v] = s[r][v] + x * bv[v];
        }
    }
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++) {
            double *cp = c + r * ldc + v * CIK_W;
            CIK_N(store)(cp, accumulate ? CIK_N(load)(cp) + s[r][v] : s[r][v]);
        }
}

/// The same for a block four columns wide (used below the register width of AVX-512).
CIK_FN void CIK_N(block4)(const double *a, long ars, long aps, const double *b, long ldb, double *c, long ldc,
                          long k, int R, int accumulate) {
    v4 s[4];
    for (int r = 0; r < R; r++) s[r] = CIK_N(splat4)(0.0);
    for (long p = 0; p < k; p++) {
        v4 bv = CIK_N(load4)(b + p * ldb);
        for (int r = 0; r < R; r++) s[r] = s[r] + CIK_N(splat4)(a[r * ars + p * aps]) * bv;
    }
    for (int r = 0; r < R; r++) {
        double *cp = c + r * ldc;
        CIK_N(store4)(cp, accumulate ? CIK_N(load4)(cp) + s[r] : s[r]);
    }
}

/// One column, R rows, scalar.
CIK_FN void CIK_N(block1)(const double *a, long ars, long aps, const double *b, long ldb, double *c, long ldc,
                          long k, int R, int accumulate) {
    double s[4] = {0, 0, 0, 0};
    for (long p = 0; p < k; p++) {
        double bv = b[p * ldb];
        for (int r = 0; r < R; r++) s[r] = s[r] + a[r * ars + p * aps] * bv;
    }
    for (int r = 0; r < R; r++) c[r * ldc] = accumulate ? c[r * ldc] + s[r] : s[r];
}

/// C (n×m) = A·B or C += A·B read in place: column panels outside, row blocks inside.
CIK_FN void CIK_N(product_direct)(const double *a, long ars, long aps, const double *b, double *c, long n, long k,
                                  long m, int accumulate) {
#define CIK_ROWS(CALL)                                                                                       \
    do {                                                                                                     \
        long i = 0;                                                                                          \
        for (; i + 4 <= n; i += 4) { const double *ai = a + i * ars; double *ci = c + i * m + j; int R = 4; CALL; } \
        for (; i < n; i++) { const double *ai = a + i * ars; double *ci = c + i * m + j; int R = 1; CALL; }        \
    } while (0)
    long j = 0;
    for (; j + 2 * CIK_W <= m; j += 2 * CIK_W) CIK_ROWS(CIK_N(block)(ai, ars, aps, b + j, m, ci, m, k, R, 2, accumulate));
    for (; j + CIK_W <= m; j += CIK_W) CIK_ROWS(CIK_N(block)(ai, ars, aps, b + j, m, ci, m, k, R, 1, accumulate));
#if CIK_W > 4
    for (; j + 4 <= m; j += 4) CIK_ROWS(CIK_N(block4)(ai, ars, aps, b + j, m, ci, m, k, R, accumulate));
#endif
    for (; j < m; j++) CIK_ROWS(CIK_N(block1)(ai, ars, aps, b + j, m, ci, m, k, R, accumulate));
#undef CIK_ROWS
}

/// Copies B's columns j..j+width (k rows) into a contiguous panel.
CIK_FN void CIK_N(pack_panel)(const double *b, long m, long k, long j, int width, double *panel) {
    for (long p = 0; p < k; p++) memcpy(panel + p * width, b + p * m + j, (size_t)width * sizeof(double));
}

/// C (n×m) = A·B or C += A·B, A(i, p) = a[i·ars + p·aps], B (k×m) row-major.
///
/// Both operands are first copied into the order the blocks read them: A as blocks of four rows
/// (k × 4, interleaved), B one column panel at a time (k × width, contiguous). Without the copies,
/// rows of B (or columns of A) 1 KB apart fall into a few L1 cache sets and evict each other — the
/// 64×128 layers ran at half the speed of the 64×64 ones. Column panels are the outer loop, so a
/// panel stays in L1 while every row block streams past it. The arithmetic is unchanged.
CIK_FN void CIK_N(product)(const double *a, long ars, long aps, const double *b, double *c, long n, long k,
                           long m, int accumulate) {
    if (n <= 0 || m <= 0) return;
    // B within 32 KB: it stays in L1 as it is, and copying would cost more than it saves.
    double *packedA = k * m <= 4096 ? NULL : malloc((size_t)(n * k + k * 2 * CIK_W + 1) * sizeof(double));
    if (!packedA) {
        // Straight from the operands (a small B, or no memory for the copies).
        CIK_N(product_direct)(a, ars, aps, b, c, n, k, m, accumulate);
        return;
    }
    double *panel = packedA + n * k;
    long n4 = n - n % 4;
    for (long i = 0; i < n4; i += 4)
        for (long p = 0; p < k; p++)
            for (int r = 0; r < 4; r++) packedA[i * k + p * 4 + r] = a[(i + r) * ars + p * aps];
    for (long i = n4; i < n; i++)
        for (long p = 0; p < k; p++) packedA[i * k + p] = a[i * ars + p * aps];
#define CIK_ROWS(CALL)                                                                                  \
    do {                                                                                                \
        for (long i = 0; i < n4; i += 4) { const double *ai = packedA + i * k; double *ci = c + i * m + j; \
            long rs = 1, ps = 4; int R = 4; CALL; }                                                      \
        for (long i = n4; i < n; i++) { const double *ai = packedA + i * k; double *ci = c + i * m + j;  \
            long rs = 0, ps = 1; int R = 1; CALL; }                                                      \
    } while (0)
    long j = 0;
    for (; j + 2 * CIK_W <= m; j += 2 * CIK_W) {
        CIK_N(pack_panel)(b, m, k, j, 2 * CIK_W, panel);
        CIK_ROWS(CIK_N(block)(ai, rs, ps, panel, 2 * CIK_W, ci, m, k, R, 2, accumulate));
    }
    for (; j + CIK_W <= m; j += CIK_W) {
        CIK_N(pack_panel)(b, m, k, j, CIK_W, panel);
        CIK_ROWS(CIK_N(block)(ai, rs, ps, panel, CIK_W, ci, m, k, R, 1, accumulate));
    }
#if CIK_W > 4
    for (; j + 4 <= m; j += 4) {
        CIK_N(pack_panel)(b, m, k, j, 4, panel);
        CIK_ROWS(CIK_N(block4)(ai, rs, ps, panel, 4, ci, m, k, R, accumulate));
    }
#endif
    for (; j < m; j++) {
        CIK_N(pack_panel)(b, m, k, j, 1, panel);
        CIK_ROWS(CIK_N(block1)(ai, rs, ps, panel, 1, ci, m, k, R, accumulate));
    }
#undef CIK_ROWS
    free(packedA);
}

CIK_ENTRY static void CIK_N(matmul)(const double *a, const double *b, double *c, long n, long k, long m, int accumulate) {
    CIK_N(product)(a, k, 1, b, c, n, k, m, accumulate);
}

CIK_ENTRY static void CIK_N(matmul_tn)(const double *a, const double *b, double *c, long rows, long n, long m) {
    CIK_N(product)(a, 1, n, b, c, n, rows, m, 0);
}

/// T (m×n) = Aᵀ for A (n×m), in 8×8 tiles: each tile writes eight 64-byte runs instead of 64
/// scattered doubles (rows of T 1 KB apart would otherwise evict each other from L1).
CIK_ENTRY static void CIK_N(transpose)(const double *a, double *t, long n, long m) {
    for (long i0 = 0; i0 < n; i0 += 8) {
        long i1 = i0 + 8 < n ? i0 + 8 : n;
        for (long j0 = 0; j0 < m; j0 += 8) {
            long j1 = j0 + 8 < m ? j0 + 8 : m;
            for (long j = j0; j < j1; j++)
                for (long i = i0; i < i1; i++) t[j * n + i] = a[i * m + j];
        }
    }
}

// MARK: exp and tanh (the method of `_VectorMath.swift`)

CIK_FN vd CIK_N(expm1_reduced)(vd r) {
    vd q = CIK_N(splat)(1.0 / 6227020800.0);
    q = q * r + 1.0 / 479001600.0;
    q = q * r + 1.0 / 39916800.0;
    q = q * r + 1.0 / 3628800.0;
    q = q * r + 1.0 / 362880.0;
    q = q * r + 1.0 / 40320.0;
    q = q * r + 1.0 / 5040.0;
    q = q * r + 1.0 / 720.0;
    q = q * r + 1.0 / 120.0;
    q = q * r + 1.0 / 24.0;
    q = q * r + 1.0 / 6.0;
    q = q * r + 0.5;
    return r + (r * r) * q;
}

/// 2ᵏ and r = x − k ln 2 for x in [−708, 708].
CIK_FN void CIK_N(exp_reduce)(vd x, vd *scale, vd *r) {
    vd shifter = CIK_N(splat)(CIK_SHIFTER);
    vd t = x * CIK_LOG2E + shifter;
    vd k = t - shifter;
    *r = (x - k * CIK_LN2_HIGH) - k * CIK_LN2_LOW;
    vl bits = (vl)t;
    *scale = (vd)((bits + 1023) << 52);
}

CIK_FN vd CIK_N(exp_clamped)(vd x) {
    vd limit = CIK_N(splat)(708.0);
    vd y = CIK_N(select)(x < -limit, -limit, x);
    y = CIK_N(select)(y > limit, limit, y);
    vd scale, r;
    CIK_N(exp_reduce)(y, &scale, &r);
    return scale + scale * CIK_N(expm1_reduced)(r);
}

CIK_FN vd CIK_N(tanh_vector)(vd x) {
    vl bits = (vl)x;
    vl sign = (vl)CIK_N(splat)(-0.0);
    vd magnitude = (vd)(bits & ~sign);
    vd a = -2.0 * magnitude;
    vd floor = CIK_N(splat)(-40.0);
    a = CIK_N(select)(a < floor, floor, a);
    vd scale, r;
    CIK_N(exp_reduce)(a, &scale, &r);
    vd u = scale * CIK_N(expm1_reduced)(r) + (scale - 1.0);
    // Swift's SIMD negation is 0 − u (so tanh(0) = +0); the same here, not a sign flip.
    vd t = (0.0 - u) / (2.0 + u);
    return (vd)((vl)t | (bits & sign));
}

CIK_ENTRY static void CIK_N(tanh)(double *y, long count) {
    long i = 0;
    for (; i + CIK_W <= count; i += CIK_W) CIK_N(store)(y + i, CIK_N(tanh_vector)(CIK_N(load)(y + i)));
    if (i < count) {
        double tail[CIK_W] = {0};
        memcpy(tail, y + i, (size_t)(count - i) * sizeof(double));
        vd t = CIK_N(tanh_vector)(CIK_N(load)(tail));
        CIK_N(store)(tail, t);
        memcpy(y + i, tail, (size_t)(count - i) * sizeof(double));
    }
}

// MARK: Bernoulli row (the method of `DenseKernels.bernoulliRow`, on 8 lanes)

/// One register's lanes: updates product and linear, returns the cotangent lanes.
CIK_FN vd CIK_N(bernoulli_lanes)(vd e, vd x, vd *product, vd *linear, vd weight) {
    vd zero = CIK_N(splat)(0.0);
    vd one = CIK_N(splat)(1.0);
    vd negative = (vd)((vl)e | (vl)CIK_N(splat)(-0.0));
    vd ex = CIK_N(exp_clamped)(negative);
    vd factor = one + ex;
    *product = *product * factor;
    vl below = e < zero;
    *linear = *linear + (x * e - CIK_N(select)(below, zero, e));
    vd q = one / factor;
    vd sigmoid = CIK_N(select)(below, ex * q, q);
    return weight * (x - sigmoid);
}

CIK_ENTRY static double CIK_N(bernoulli_row)(const double *x, const double *eta, long d, double *cotangent, double w) {
    vd weight = CIK_N(splat)(w);
    vd linear[CIK_GROUPS];
    for (int g = 0; g < CIK_GROUPS; g++) linear[g] = CIK_N(splat)(0.0);
    double logTotal = 0.0;
    long i = 0;
    while (i < d) {
        long end = d < i + 512 ? d : i + 512;
        vd product[CIK_GROUPS];
        for (int g = 0; g < CIK_GROUPS; g++) product[g] = CIK_N(splat)(1.0);
        for (; i + 8 <= end; i += 8) {
            for (int g = 0; g < CIK_GROUPS; g++) {
                long o = i + g * CIK_W;
                vd c = CIK_N(bernoulli_lanes)(CIK_N(load)(eta + o), CIK_N(load)(x + o), &product[g], &linear[g], weight);
                if (cotangent) CIK_N(store)(cotangent + o, c);
            }
        }
        if (i < end) {
            // Pad with η = 0, x = 0; padded lanes add 0 to `linear` and their factors are dropped.
            long tail = end - i;
            double ev[8] = {0}, xv[8] = {0}, cv[8];
            memcpy(ev, eta + i, (size_t)tail * sizeof(double));
            memcpy(xv, x + i, (size_t)tail * sizeof(double));
            for (int g = 0; g < CIK_GROUPS; g++) {
                vd tailProduct = CIK_N(splat)(1.0);
                vd c = CIK_N(bernoulli_lanes)(CIK_N(load)(ev + g * CIK_W), CIK_N(load)(xv + g * CIK_W), &tailProduct,
                                              &linear[g], weight);
                for (int t = 0; t < CIK_W; t++)
                    if (g * CIK_W + t < tail) product[g][t] = product[g][t] * tailProduct[t];
                CIK_N(store)(cv + g * CIK_W, c);
            }
            if (cotangent) memcpy(cotangent + i, cv, (size_t)tail * sizeof(double));
            i = end;
        }
        double p[8];
        for (int g = 0; g < CIK_GROUPS; g++) CIK_N(store)(p + g * CIK_W, product[g]);
        logTotal += log(((p[0] * p[1]) * (p[2] * p[3])) * ((p[4] * p[5]) * (p[6] * p[7])));
    }
    double l[8];
    for (int g = 0; g < CIK_GROUPS; g++) CIK_N(store)(l + g * CIK_W, linear[g]);
    return (((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]))) - logTotal;
}

// MARK: Adam

CIK_ENTRY static void CIK_N(adam)(double *p, double *m, double *v, const double *g, long count, double beta1,
                                  double beta2, double stepScale, double rootScale, double epsilon) {
    double a1 = 1 - beta1, a2 = 1 - beta2;
    long i = 0;
    for (; i + CIK_W <= count; i += CIK_W) {
        vd gi = CIK_N(load)(g + i);
        vd mi = beta1 * CIK_N(load)(m + i) + a1 * gi;
        vd vi = beta2 * CIK_N(load)(v + i) + a2 * gi * gi;
        CIK_N(store)(m + i, mi);
        CIK_N(store)(v + i, vi);
        vd root = __builtin_elementwise_sqrt(vi);
        vd update = stepScale * mi / (root * rootScale + epsilon);
        CIK_N(store)(p + i, CIK_N(load)(p + i) - update);
    }
    for (; i < count; i++) {
        double gi = g[i];
        m[i] = beta1 * m[i] + a1 * gi;
        v[i] = beta2 * v[i] + a2 * gi * gi;
        p[i] = p[i] - stepScale * m[i] / (sqrt(v[i]) * rootScale + epsilon);
    }
}

#undef vd
#undef vl
#undef v4
#undef CIK_GROUPS
#undef CIK_FN
#undef CIK_ENTRY
