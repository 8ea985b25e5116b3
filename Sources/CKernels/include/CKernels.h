#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>

/// Single-precision loops over a feature-major batch (a `rows × n` matrix with row r at `r·ld`),
/// compiled twice, for x86-64-v3 (AVX2 and FMA) and for the baseline, and chosen when the
/// program starts by what the processor supports. Swift has no per-function target features, so
/// the hot loops of network training live in C.

/// The activations `ck_multiply` can apply to its result.
#define CK_ACTIVATION_IDENTITY 0
#define CK_ACTIVATION_ELU 1
#define CK_ACTIVATION_TANH 2
#define CK_ACTIVATION_RELU 3

/// `z[r·ld + s] = σ((bias ? bias[r] : 0) + Σ_{c<k} a[r·rowStride + c·columnStride] · x[c·ld + s])`
/// for r < m, s < n, σ the `activation` (a CK_ACTIVATION_* code) applied before the store. Every
/// sample is computed in the same order, in a vector block or in the tail, and σ gives the same
/// bits as `ck_elu`, `ck_tanh` or max(·, 0).
void ck_multiply(ptrdiff_t n, ptrdiff_t ld, ptrdiff_t m, ptrdiff_t k,
                 const float *a, ptrdiff_t rowStride, ptrdiff_t columnStride,
                 const float *x, const float *bias, float *z, int activation);

/// `g[r·gStride + c] += Σ_{s<n} d[r·ld + s] · x[c·ld + s]` for r < m, c < k, and
/// `gb[r] += Σ_{s<n} d[r·ld + s]` when `gb` is not null.
void ck_accumulate_outer(ptrdiff_t n, ptrdiff_t ld, ptrdiff_t m, ptrdiff_t k,
                         const float *d, const float *x, float *g, ptrdiff_t gStride, float *gb);

/// `y[i] = ELU(x[i])` (x for x > 0, e^x − 1 otherwise) for i < n; `y` may be `x`.
void ck_elu(ptrdiff_t n, const float *x, float *y);

/// `out[i] = c[i] · ELU′(x[i])` (1 for x > 0, y[i] + 1 otherwise, y = ELU(x)); `out` may be `c`.
void ck_elu_pullback(ptrdiff_t n, const float *c, const float *x, const float *y, float *out);

/// `out[i] = c[i]` where x[i] > 0, 0 elsewhere (ReLU′, from the pre-activation or the value);
/// `out` may be `c`.
void ck_relu_pullback(ptrdiff_t n, const float *c, const float *x, float *out);

/// `y[i] = tanh x[i]` for i < n; `y` may be `x`.
void ck_tanh(ptrdiff_t n, const float *x, float *y);

/// `out[i] = c[i] · (1 − y[i]²)` (tanh′ from y = tanh x); `out` may be `c`.
void ck_tanh_pullback(ptrdiff_t n, const float *c, const float *y, float *out);

/// `steps` Euler steps of size `h` of the competition model dx1/dt = x1 (r1 − r1·iN1·x1 − a1·x2),
/// dx2/dt = x2 (r2 − r2·iN2·x2 − a2·x1) for `n` trajectories stored component-major (`x1[i]`,
/// `x2[i]`), in place; `p` holds r1, r2, a1, a2, iN1, iN2. Trajectories go sixteen at a time
/// through all steps in vector registers (AVX2 and FMA where the processor has them).
void ck_competition_euler(ptrdiff_t n, double *x1, double *x2, const double *p, double h, ptrdiff_t steps);

/// A spin-wait hint to the processor (`pause` on x86), for a thread watching a flag.
void ck_spin_pause(void);

/// The name of the variant the processor runs: "x86-64-v3" or "baseline".
const char *ck_variant(void);

#endif
