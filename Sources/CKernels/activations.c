// Single-precision activation loops (ELU, tanh) in 8-float vectors; see CKernels.h. The
// algorithms are those of the Swift `FastExpm1` and `FastTanh` (Cody & Waite reduction, Taylor
// series, 2^k built in the exponent bits), written once more here so that they run 8 lanes wide
// with FMA where the processor has them.
#include "CKernels.h"

#if defined(__x86_64__) && defined(__clang__) && defined(__linux__)
#define CK_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define CK_CLONES
#endif

typedef float v8 __attribute__((vector_size(32)));
typedef int v8i __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4), may_alias));

#define load8(p) (*(const v8u *)(p))
#define store8(p, v) (*(v8u *)(p) = (v))
#define splat8(f) ((v8){0} + (float)(f))
#define splat8i(i) ((v8i){0} + (int)(i))
// Lanes of `a` where `mask` is set, of `b` elsewhere.
#define select8(mask, a, b) ((v8)(((mask) & (v8i)(a)) | (~(mask) & (v8i)(b))))

// Statement expressions, not functions: a function passing 8-float vectors by value would change
// its ABI between the two variants.

// The exponent bits of 2^k from the rounded value `shifted` = k + 1.5 · 2^23.
#define POW2_FROM_SHIFTED(shifted) ((v8)((((v8i)(shifted) - (v8i)splat8(12582912.0f)) + splat8i(127)) << 23))

// The Taylor series of e^r − 1 to degree 8.
#define EXPM1_SERIES(r) ({                          \
    v8 r_ = (r), p_ = splat8(1.0f / 40320);         \
    p_ = p_ * r_ + splat8(1.0f / 5040);             \
    p_ = p_ * r_ + splat8(1.0f / 720);              \
    p_ = p_ * r_ + splat8(1.0f / 120);              \
    p_ = p_ * r_ + splat8(1.0f / 24);               \
    p_ = p_ * r_ + splat8(1.0f / 6);                \
    p_ = p_ * r_ + splat8(0.5f);                    \
    p_ = p_ * r_ + splat8(1.0f);                    \
    p_ * r_;                                        \
})

// e^u − 1 for u in [−30, 19] (or NaN): u = k ln 2 + r, e^u − 1 = 2^k (e^r − 1) + (2^k − 1).
#define EXPM1_REDUCED(u) ({                                                                     \
    v8 u_ = (u);                                                                                \
    v8 shifted_ = u_ * splat8(1.4426950408889634f) + splat8(12582912.0f);                       \
    v8 k_ = shifted_ - splat8(12582912.0f);                                                     \
    v8 rr_ = (u_ - k_ * splat8(0.693145751953125f)) - k_ * splat8(1.428606765330187045e-6f);    \
    v8 scale_ = POW2_FROM_SHIFTED(shifted_);                                                    \
    scale_ * EXPM1_SERIES(rr_) + (scale_ - splat8(1.0f));                                       \
})

#define ELU8(x) ({                                                                  \
    v8 x8_ = (x);                                                                   \
    v8 n_ = select8(x8_ > splat8(0), splat8(0), x8_);                               \
    n_ = select8(n_ < splat8(-30), splat8(-30), n_);                                \
    v8 e_ = EXPM1_REDUCED(n_);                                                      \
    /* x itself where x > 0, and for ±0 (so −0 stays −0) */                         \
    select8((x8_ > splat8(0)) | (x8_ == splat8(0)), x8_, e_);                       \
})

// tanh |x| = m / (m + 2), m = e^(2 min(|x|, 9.5)) − 1, with the sign of x.
#define TANH8(x) ({                                                                 \
    v8 x8_ = (x);                                                                   \
    v8i sign_ = splat8i((int)0x80000000u);                                          \
    v8 a_ = (v8)((v8i)x8_ & ~sign_);                                                \
    v8 m_ = EXPM1_REDUCED(splat8(2) * select8(a_ > splat8(9.5f), splat8(9.5f), a_)); \
    v8 t_ = m_ / (m_ + splat8(2));                                                  \
    (v8)((v8i)t_ | ((v8i)x8_ & sign_));                                             \
})

// The loop over n values in vectors of 8, the tail through a zero-padded vector (so every value
// takes the same arithmetic).
#define UNARY_LOOP(f)                                                       \
    ptrdiff_t i = 0;                                                        \
    for (; i + 8 <= n; i += 8) store8(y + i, f(load8(x + i)));              \
    if (i < n) {                                                            \
        float in[8] = {0}, out[8];                                          \
        for (ptrdiff_t j = 0; j < n - i; j++) in[j] = x[i + j];             \
        store8(out, f(load8(in)));                                          \
        for (ptrdiff_t j = 0; j < n - i; j++) y[i + j] = out[j];            \
    }

CK_CLONES
void ck_elu(ptrdiff_t n, const float *x, float *y) { UNARY_LOOP(ELU8) }

CK_CLONES
void ck_tanh(ptrdiff_t n, const float *x, float *y) { UNARY_LOOP(TANH8) }

CK_CLONES
void ck_elu_pullback(ptrdiff_t n, const float *c, const float *x, const float *y, float *out) {
    ptrdiff_t i = 0;
    for (; i + 8 <= n; i += 8) {
        v8 xv = load8(x + i);
        v8 factor = select8(xv > splat8(0), splat8(1), load8(y + i) + splat8(1));
        store8(out + i, load8(c + i) * factor);
    }
    for (; i < n; i++) out[i] = c[i] * (x[i] > 0 ? 1.0f : y[i] + 1.0f);
}

CK_CLONES
void ck_tanh_pullback(ptrdiff_t n, const float *c, const float *y, float *out) {
    ptrdiff_t i = 0;
    for (; i + 8 <= n; i += 8) {
        v8 yv = load8(y + i);
        store8(out + i, load8(c + i) * (splat8(1) - yv * yv));
    }
    for (; i < n; i++) out[i] = c[i] * (1.0f - y[i] * y[i]);
}
