"""The gradient workloads of the seed's fit: the competition model with six
free parameters, a sum-of-squares loss at seven observation steps of an
explicit Euler solve, and the gradient of that loss w.r.t. the parameters.

    dx1/dt = r1*x1*(1 - iN1*x1) - a1*x1*x2
    dx2/dt = r2*x2*(1 - iN2*x2) - a2*x1*x2,   x0 = (100, 150)

parameters p = (r1, r2, a1, a2, iN1, iN2), starting guess (0.1, 0.1, 0.001, 0.001, 0.001, 0.001);
loss = sum over the observations of (x1 - obs1)^2 + (x2 - obs2)^2.

Workloads (float64):
  species-gradient-euler-1000  ONE loss + gradient through 1000 Euler steps of h = 0.1
                               (observations at the steps 0, 100, 150, 300, 360, 400, 420)
  species-fit-adam             10000 epochs of Adam (Keras form, lr 1e-4, eps 1e-7) through
                               50 Euler steps of h = 1 (observations at the steps 0, 10, ..., 42)

The reference is a hand-written discrete adjoint of the Euler recurrence in
Python floats (``loss_and_gradient``), checked against notebook's values.
"""
from __future__ import annotations

import functools
import math

X0 = (100.0, 150.0)
GUESS = (0.1, 0.1, 0.001, 0.001, 0.001, 0.001)  # r1, r2, a1, a2, iN1, iN2
PARAMETER_NAMES = ("r1", "r2", "a1", "a2", "iN1", "iN2")
OBS_STEPS = (0, 10, 15, 30, 36, 40, 42)  # at h = 1
OBS_X1 = (100.0, 165.0, 197.0, 280.0, 305.0, 318.0, 324.0)
OBS_X2 = (150.0, 283.0, 290.0, 276.0, 269.0, 266.0, 264.0)

# species-gradient-euler-1000
GRAD_H, GRAD_STEPS = 0.1, 1000
GRAD_OBS_STEPS = tuple(10 * s for s in OBS_STEPS)  # 0, 100, 150, 300, 360, 400, 420
NOTEBOOK_GRAD_LOSS = 956847.047614  # notebook's loss at the guess (to 1e-6 relative)

# species-fit-adam
FIT_H, FIT_STEPS = 1.0, 50
FIT_EPOCHS = 10_000
ADAM_LR, ADAM_B1, ADAM_B2, ADAM_EPS = 1e-4, 0.9, 0.999, 1e-7
# notebook's loss after the last update is 374.489, before it 824.36; neither is
# reproducible by another implementation (see FIT_CHECK_EPOCHS below).


def loss_and_gradient(p, h: float, steps: int, obs_steps) -> tuple[float, list[float]]:
    """Loss and its gradient w.r.t. p through ``steps`` Euler steps of size h,
    by the discrete adjoint of the recurrence, in Python floats."""
    r1, r2, a1, a2, iN1, iN2 = p
    obs = {k: (o1, o2) for k, o1, o2 in zip(obs_steps, OBS_X1, OBS_X2)}
    xs1, xs2 = [0.0] * (steps + 1), [0.0] * (steps + 1)
    x1, x2 = X0
    xs1[0], xs2[0] = x1, x2
    for k in range(steps):
        d1 = r1 * x1 * (1 - iN1 * x1) - a1 * x1 * x2
        d2 = r2 * x2 * (1 - iN2 * x2) - a2 * x1 * x2
        x1, x2 = x1 + h * d1, x2 + h * d2
        xs1[k + 1], xs2[k + 1] = x1, x2
    loss = 0.0
    for k in obs_steps:
        e1, e2 = xs1[k] - obs[k][0], xs2[k] - obs[k][1]
        loss += e1 * e1 + e2 * e2
    g = [0.0] * 6
    l1 = l2 = 0.0  # dL/dx_{k+1}
    if steps in obs:
        l1, l2 = 2 * (xs1[steps] - obs[steps][0]), 2 * (xs2[steps] - obs[steps][1])
    for k in range(steps - 1, -1, -1):
        x1, x2 = xs1[k], xs2[k]
        hl1, hl2 = h * l1, h * l2
        g[0] += hl1 * x1 * (1 - iN1 * x1)
        g[1] += hl2 * x2 * (1 - iN2 * x2)
        g[2] -= hl1 * x1 * x2
        g[3] -= hl2 * x1 * x2
        g[4] -= hl1 * r1 * x1 * x1
        g[5] -= hl2 * r2 * x2 * x2
        n1 = l1 + hl1 * (r1 * (1 - 2 * iN1 * x1) - a1 * x2) - hl2 * a2 * x2
        n2 = l2 - hl1 * a1 * x1 + hl2 * (r2 * (1 - 2 * iN2 * x2) - a2 * x1)
        if k in obs:
            n1 += 2 * (x1 - obs[k][0])
            n2 += 2 * (x2 - obs[k][1])
        l1, l2 = n1, n2
    return loss, g


def loss_only(p, h: float, steps: int, obs_steps) -> float:
    r1, r2, a1, a2, iN1, iN2 = p
    obs = {k: (o1, o2) for k, o1, o2 in zip(obs_steps, OBS_X1, OBS_X2)}
    x1, x2 = X0
    loss = 0.0
    for k in range(steps + 1):
        if k in obs:
            e1, e2 = x1 - obs[k][0], x2 - obs[k][1]
            loss += e1 * e1 + e2 * e2
        d1 = r1 * x1 * (1 - iN1 * x1) - a1 * x1 * x2
        d2 = r2 * x2 * (1 - iN2 * x2) - a2 * x1 * x2
        x1, x2 = x1 + h * d1, x2 + h * d2
    return loss


class KerasAdam:
    """lr_t = lr*sqrt(1-b2^t)/(1-b1^t); m, v updated; p -= lr_t*m/(sqrt(v)+eps)."""

    def __init__(self, n: int):
        self.m, self.v, self.t = [0.0] * n, [0.0] * n, 0

    def step(self, p: list[float], g: list[float]) -> list[float]:
        self.t += 1
        lr_t = ADAM_LR * math.sqrt(1 - ADAM_B2 ** self.t) / (1 - ADAM_B1 ** self.t)
        out = []
        for i, (pi, gi) in enumerate(zip(p, g)):
            self.m[i] = ADAM_B1 * self.m[i] + (1 - ADAM_B1) * gi
            self.v[i] = ADAM_B2 * self.v[i] + (1 - ADAM_B2) * gi * gi
            out.append(pi - lr_t * self.m[i] / (math.sqrt(self.v[i]) + ADAM_EPS))
        return out


def fit_python(epochs: int = FIT_EPOCHS) -> tuple[list[float], list[float]]:
    """The fit in Python floats: (parameters after `epochs` updates,
    losses[e] = loss before update e+1 for e < epochs, losses[epochs] = loss after the last)."""
    p, adam, losses = list(GUESS), KerasAdam(6), []
    for _ in range(epochs):
        loss, g = loss_and_gradient(p, FIT_H, FIT_STEPS, OBS_STEPS)
        losses.append(loss)
        p = adam.step(p, g)
    losses.append(loss_only(p, FIT_H, FIT_STEPS, OBS_STEPS))
    return p, losses


@functools.lru_cache(maxsize=None)
def gradient_reference() -> tuple[float, tuple[float, ...]]:
    loss, g = loss_and_gradient(GUESS, GRAD_H, GRAD_STEPS, GRAD_OBS_STEPS)
    return loss, tuple(g)


@functools.lru_cache(maxsize=None)
def fit_reference() -> tuple[tuple[float, ...], tuple[float, ...]]:
    p, losses = fit_python()
    return tuple(p), tuple(losses)


def rel_dev(x: float, ref: float) -> float:
    return abs(x - ref) / abs(ref)


def max_rel_dev(xs, refs) -> float:
    """max |x - ref| / |ref| over components (the gradient's components differ by orders of magnitude)."""
    return max(abs(float(x) - r) / abs(r) for x, r in zip(xs, refs))


# --- what a row reports -----------------------------------------------------

# The fit is chaotic in its rounding: Adam's loss spikes from epoch ~340 on, and
# a 1e-15 relative change in the gradients then changes the loss by 1e-6 at
# epoch ~620 and by 10% at epoch ~1300 (the final loss of the Python-floats fit
# is 78.88; with the gradients scaled by 1 + 1e-15 it is 93.5). No two
# implementations (nor notebook) share the final loss, so the check compares
# the loss history before the first spike, where every correct implementation
# agrees to rounding.
FIT_CHECK_EPOCHS = 300


def gradient_row(med, mn, runs, loss, grad, note: str = ""):
    """A species-gradient-euler-1000 row: error = the gradient's max relative
    deviation from the reference adjoint, check = the loss's relative deviation
    from notebook's 956847.047614."""
    from ...core import Result
    ref_loss, ref_grad = gradient_reference()
    return Result(med, mn, runs, steps=GRAD_STEPS, nfe=GRAD_STEPS,
                  error=max_rel_dev(grad, ref_grad), check=rel_dev(float(loss), NOTEBOOK_GRAD_LOSS),
                  notes=(note + "; " if note else "") + f"loss {float(loss):.6f}")


def fit_check(losses) -> float:
    """max relative deviation of the loss over the first FIT_CHECK_EPOCHS epochs from the Python-floats fit."""
    _, ref = fit_reference()
    return max_rel_dev(list(losses)[:FIT_CHECK_EPOCHS], ref[:FIT_CHECK_EPOCHS])


def fit_notes(losses, note: str = "") -> str:
    losses = list(losses)
    n = len(losses) - 1
    return ((note + "; " if note else "") +
            f"loss after {n} updates {float(losses[-1]):.3f} (before the last {float(losses[-2]):.3f}); "
            f"check = loss over epochs 1..{FIT_CHECK_EPOCHS} vs the Python-floats fit (later epochs "
            f"depend on rounding: see README)")


def self_check() -> None:
    loss, _ = gradient_reference()
    assert rel_dev(loss, NOTEBOOK_GRAD_LOSS) < 1e-6, loss


# Register the implementations (order here is the order of rows in the table).
from . import python_impl, jax_impl, torch_impl  # noqa: E402,F401
