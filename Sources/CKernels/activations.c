// Single-precision activation loops (ELU, tanh) in 8-float vectors; see CKernels.h. The
// algorithms are those of the Swift `FastExpm1` and `FastTanh` (Cody & Waite reduction, Taylor
// series, 2^k built in the exponent bits), written once more here so that they run 8 lanes wide
// with FMA where the processor has them.
#include "CKernels.h"

#include "vector_math.h"

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

CK_CLONES
void ck_relu_pullback(ptrdiff_t n, const float *c, const float *x, float *out) {
    ptrdiff_t i = 0;
    for (; i + 8 <= n; i += 8) {
        v8 xv = load8(x + i);
        store8(out + i, select8(xv > splat8(0), load8(c + i), splat8(0)));
    }
    for (; i < n; i++) out[i] = x[i] > 0 ? c[i] : 0.0f;
}
