// The Euler recurrence of the two-species competition model for many trajectories; see CKernels.h.
#include "CKernels.h"

#include "vector_math.h"

typedef double v4d __attribute__((vector_size(32)));
typedef double v4du __attribute__((vector_size(32), aligned(8), may_alias));

#define load4d(p) (*(const v4du *)(p))
#define store4d(p, v) (*(v4du *)(p) = (v))

// One Euler step of four trajectories: x1 += h x1 (r1 − c1 x1 − a1 x2), x2 += h x2 (r2 − c2 x2 − a2 x1).
#define STEP4(u, w)                                       \
    do {                                                  \
        v4d du = (u) * (R1 - C1 * (u) - A1 * (w));        \
        v4d dw = (w) * (R2 - C2 * (w) - A2 * (u));        \
        (u) = (u) + H * du;                               \
        (w) = (w) + H * dw;                               \
    } while (0)

CK_CLONES
void ck_competition_euler(ptrdiff_t n, double *x1, double *x2, const double *p, double h, ptrdiff_t steps) {
    const double r1 = p[0], r2 = p[1], a1 = p[2], a2 = p[3], c1 = p[0] * p[4], c2 = p[1] * p[5];
    const v4d R1 = {r1, r1, r1, r1}, R2 = {r2, r2, r2, r2}, A1 = {a1, a1, a1, a1}, A2 = {a2, a2, a2, a2};
    const v4d C1 = {c1, c1, c1, c1}, C2 = {c2, c2, c2, c2}, H = {h, h, h, h};
    ptrdiff_t i = 0;
    // Sixteen trajectories in registers through every step: four independent chains hide the
    // latency of each step's dependent multiply–adds, and the state never leaves the registers.
    for (; i + 16 <= n; i += 16) {
        v4d u0 = load4d(x1 + i), u1 = load4d(x1 + i + 4), u2 = load4d(x1 + i + 8), u3 = load4d(x1 + i + 12);
        v4d w0 = load4d(x2 + i), w1 = load4d(x2 + i + 4), w2 = load4d(x2 + i + 8), w3 = load4d(x2 + i + 12);
        for (ptrdiff_t s = 0; s < steps; s++) {
            STEP4(u0, w0);
            STEP4(u1, w1);
            STEP4(u2, w2);
            STEP4(u3, w3);
        }
        store4d(x1 + i, u0); store4d(x1 + i + 4, u1); store4d(x1 + i + 8, u2); store4d(x1 + i + 12, u3);
        store4d(x2 + i, w0); store4d(x2 + i + 4, w1); store4d(x2 + i + 8, w2); store4d(x2 + i + 12, w3);
    }
    for (; i < n; i++) {
        double u = x1[i], w = x2[i];
        for (ptrdiff_t s = 0; s < steps; s++) {
            double du = u * (r1 - c1 * u - a1 * w), dw = w * (r2 - c2 * w - a2 * u);
            u = u + h * du;
            w = w + h * dw;
        }
        x1[i] = u;
        x2[i] = w;
    }
}
