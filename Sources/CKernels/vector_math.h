// Private to CKernels: 8-float vector types and the activation functions on them, shared by the
// matrix and activation loops so that an activation gives the same bits fused or separate.
#ifndef CK_VECTOR_MATH_H
#define CK_VECTOR_MATH_H

#include "CKernels.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CK_UNDER_TSAN 1
#endif
#endif

// Clones for x86-64-v3 and the baseline, chosen at load time by a resolver. Not under
// ThreadSanitizer: it instruments the resolver, which the loader runs before the sanitizer is
// set up (a crash at start-up), so that build keeps the baseline only.
#if defined(__x86_64__) && defined(__clang__) && defined(__linux__) && !defined(CK_UNDER_TSAN)
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

// max(x, 0) as Swift's `max` gives it (NaN and −0 pass through).
#define RELU8(x) ({ v8 r8_ = (x); select8(r8_ < splat8(0), splat8(0), r8_); })

// Replaces the vector variable `v` by the activation `code` (CK_ACTIVATION_*) of it.
#define ACTIVATE8(code, v) do {                             \
        if ((code) == CK_ACTIVATION_ELU) (v) = ELU8(v);     \
        else if ((code) == CK_ACTIVATION_TANH) (v) = TANH8(v); \
        else if ((code) == CK_ACTIVATION_RELU) (v) = RELU8(v); \
    } while (0)

#endif
