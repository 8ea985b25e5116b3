// Feature-major single-precision kernels; see CKernels.h.
#include "CKernels.h"

#include "vector_math.h"

// The lanes summed in a fixed order.
#define total8(v) ((((v)[0] + (v)[4]) + ((v)[1] + (v)[5])) + (((v)[2] + (v)[6]) + ((v)[3] + (v)[7])))

CK_CLONES
void ck_multiply(ptrdiff_t n, ptrdiff_t ld, ptrdiff_t m, ptrdiff_t k,
                 const float *a, ptrdiff_t rs, ptrdiff_t cs,
                 const float *x, const float *bias, float *z, int activation) {
    ptrdiff_t full = n & ~(ptrdiff_t)15, s = 0;
    for (; s < full; s += 16) {
        ptrdiff_t r = 0;
        for (; r + 4 <= m; r += 4) {
            const float *a0 = a + r * rs, *a1 = a0 + rs, *a2 = a1 + rs, *a3 = a2 + rs;
            v8 z0 = splat8(bias ? bias[r] : 0), z1 = splat8(bias ? bias[r + 1] : 0);
            v8 z2 = splat8(bias ? bias[r + 2] : 0), z3 = splat8(bias ? bias[r + 3] : 0);
            v8 y0 = z0, y1 = z1, y2 = z2, y3 = z3;
            const float *xp = x + s;
            for (ptrdiff_t c = 0, o = 0; c < k; c++, o += cs, xp += ld) {
                v8 p = load8(xp), q = load8(xp + 8);
                v8 w0 = splat8(a0[o]), w1 = splat8(a1[o]), w2 = splat8(a2[o]), w3 = splat8(a3[o]);
                z0 = z0 + w0 * p; y0 = y0 + w0 * q;
                z1 = z1 + w1 * p; y1 = y1 + w1 * q;
                z2 = z2 + w2 * p; y2 = y2 + w2 * q;
                z3 = z3 + w3 * p; y3 = y3 + w3 * q;
            }
            ACTIVATE8(activation, z0); ACTIVATE8(activation, y0);
            ACTIVATE8(activation, z1); ACTIVATE8(activation, y1);
            ACTIVATE8(activation, z2); ACTIVATE8(activation, y2);
            ACTIVATE8(activation, z3); ACTIVATE8(activation, y3);
            float *zp = z + r * ld + s;
            store8(zp, z0); store8(zp + 8, y0);
            store8(zp + ld, z1); store8(zp + ld + 8, y1);
            store8(zp + 2 * ld, z2); store8(zp + 2 * ld + 8, y2);
            store8(zp + 3 * ld, z3); store8(zp + 3 * ld + 8, y3);
        }
        for (; r < m; r++) {
            const float *a0 = a + r * rs;
            v8 z0 = splat8(bias ? bias[r] : 0), y0 = z0;
            const float *xp = x + s;
            for (ptrdiff_t c = 0, o = 0; c < k; c++, o += cs, xp += ld) {
                v8 w0 = splat8(a0[o]);
                z0 = z0 + w0 * load8(xp);
                y0 = y0 + w0 * load8(xp + 8);
            }
            ACTIVATE8(activation, z0); ACTIVATE8(activation, y0);
            store8(z + r * ld + s, z0);
            store8(z + r * ld + s + 8, y0);
        }
    }
    for (ptrdiff_t r = 0; r < m && full < n; r++) {
        const float *ar = a + r * rs;
        float *zr = z + r * ld;
        for (ptrdiff_t t = full; t < n; t++) {
            float sum = bias ? bias[r] : 0;
            for (ptrdiff_t c = 0; c < k; c++) sum = sum + ar[c * cs] * x[c * ld + t];
            zr[t] = sum;
        }
        if (activation != CK_ACTIVATION_IDENTITY) {
            // The tail's activations through zero-padded vectors, as in the blocks.
            for (ptrdiff_t t = full; t < n; t += 8) {
                float lanes[8] = {0};
                ptrdiff_t count = n - t < 8 ? n - t : 8;
                for (ptrdiff_t j = 0; j < count; j++) lanes[j] = zr[t + j];
                v8 v = load8(lanes);
                ACTIVATE8(activation, v);
                store8(lanes, v);
                for (ptrdiff_t j = 0; j < count; j++) zr[t + j] = lanes[j];
            }
        }
    }
}

CK_CLONES
void ck_accumulate_outer(ptrdiff_t n, ptrdiff_t ld, ptrdiff_t m, ptrdiff_t k,
                         const float *d, const float *x, float *g, ptrdiff_t gs, float *gb) {
    ptrdiff_t full = n & ~(ptrdiff_t)7;
    ptrdiff_t r = 0;
    for (; r + 2 <= m; r += 2) {
        const float *d0 = d + r * ld, *d1 = d0 + ld;
        ptrdiff_t c = 0;
        for (; c + 4 <= k; c += 4) {
            const float *x0 = x + c * ld, *x1 = x0 + ld, *x2 = x1 + ld, *x3 = x2 + ld;
            v8 g00 = splat8(0), g01 = g00, g02 = g00, g03 = g00, g10 = g00, g11 = g00, g12 = g00, g13 = g00;
            for (ptrdiff_t s = 0; s < full; s += 8) {
                v8 u = load8(d0 + s), v = load8(d1 + s);
                v8 p0 = load8(x0 + s), p1 = load8(x1 + s), p2 = load8(x2 + s), p3 = load8(x3 + s);
                g00 = g00 + u * p0; g01 = g01 + u * p1; g02 = g02 + u * p2; g03 = g03 + u * p3;
                g10 = g10 + v * p0; g11 = g11 + v * p1; g12 = g12 + v * p2; g13 = g13 + v * p3;
            }
            float s00 = total8(g00), s01 = total8(g01), s02 = total8(g02), s03 = total8(g03);
            float s10 = total8(g10), s11 = total8(g11), s12 = total8(g12), s13 = total8(g13);
            for (ptrdiff_t s = full; s < n; s++) {
                float u = d0[s], v = d1[s];
                s00 = s00 + u * x0[s]; s01 = s01 + u * x1[s]; s02 = s02 + u * x2[s]; s03 = s03 + u * x3[s];
                s10 = s10 + v * x0[s]; s11 = s11 + v * x1[s]; s12 = s12 + v * x2[s]; s13 = s13 + v * x3[s];
            }
            float *g0 = g + r * gs + c, *g1 = g0 + gs;
            g0[0] += s00; g0[1] += s01; g0[2] += s02; g0[3] += s03;
            g1[0] += s10; g1[1] += s11; g1[2] += s12; g1[3] += s13;
        }
        for (; c < k; c++) {
            const float *xc = x + c * ld;
            v8 a0 = splat8(0), a1 = a0;
            for (ptrdiff_t s = 0; s < full; s += 8) {
                v8 p = load8(xc + s);
                a0 = a0 + load8(d0 + s) * p;
                a1 = a1 + load8(d1 + s) * p;
            }
            float s0 = total8(a0), s1 = total8(a1);
            for (ptrdiff_t s = full; s < n; s++) { s0 = s0 + d0[s] * xc[s]; s1 = s1 + d1[s] * xc[s]; }
            g[r * gs + c] += s0;
            g[(r + 1) * gs + c] += s1;
        }
    }
    for (; r < m; r++) {
        const float *dr = d + r * ld;
        for (ptrdiff_t c = 0; c < k; c++) {
            const float *xc = x + c * ld;
            v8 a0 = splat8(0);
            for (ptrdiff_t s = 0; s < full; s += 8) a0 = a0 + load8(dr + s) * load8(xc + s);
            float s0 = total8(a0);
            for (ptrdiff_t s = full; s < n; s++) s0 = s0 + dr[s] * xc[s];
            g[r * gs + c] += s0;
        }
    }
    if (gb) {
        for (ptrdiff_t q = 0; q < m; q++) {
            const float *dr = d + q * ld;
            v8 a0 = splat8(0);
            for (ptrdiff_t s = 0; s < full; s += 8) a0 = a0 + load8(dr + s);
            float s0 = total8(a0);
            for (ptrdiff_t s = full; s < n; s++) s0 = s0 + dr[s];
            gb[q] += s0;
        }
    }
}

const char *ck_variant(void) {
#if defined(__x86_64__) && defined(__clang__) && defined(__linux__) && !defined(CK_UNDER_TSAN)
    // The same test the start-up resolver of the kernels makes.
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v3")) return "x86-64-v3";
#endif
    return "baseline";
}

void ck_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}
