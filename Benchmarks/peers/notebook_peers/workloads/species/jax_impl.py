"""jax rows: jax.value_and_grad through lax.scan, jit-compiled; the fit as one
compiled call (lax.scan over the epochs, Keras-form Adam written out)."""
from __future__ import annotations

import time

import numpy as np

from ...core import Context, Result, benchmark
from . import (ADAM_B1, ADAM_B2, ADAM_EPS, ADAM_LR, FIT_EPOCHS, FIT_H, FIT_STEPS, GRAD_H,
               GRAD_OBS_STEPS, GRAD_STEPS, GUESS, OBS_STEPS, OBS_X1, OBS_X2, X0, fit_check,
               fit_notes, gradient_row)


def _jax():
    import jax
    jax.config.update("jax_enable_x64", True)
    return jax


def _make_loss(h: float, steps: int, obs_steps):
    """loss(p): sum of squared errors at obs_steps of the Euler recurrence."""
    import jax.numpy as jnp
    from jax import lax
    idx = jnp.asarray(obs_steps)
    o1, o2 = jnp.asarray(OBS_X1), jnp.asarray(OBS_X2)
    x10, x20 = X0

    def loss(p):
        r1, r2, a1, a2, iN1, iN2 = p[0], p[1], p[2], p[3], p[4], p[5]

        def body(x, _):
            x1, x2 = x
            d1 = r1 * x1 * (1 - iN1 * x1) - a1 * x1 * x2
            d2 = r2 * x2 * (1 - iN2 * x2) - a2 * x1 * x2
            y = (x1 + h * d1, x2 + h * d2)
            return y, y
        x0 = (jnp.asarray(x10, dtype=jnp.float64), jnp.asarray(x20, dtype=jnp.float64))
        _, (s1, s2) = lax.scan(body, x0, None, length=steps)
        s1 = jnp.concatenate([x0[0][None], s1])
        s2 = jnp.concatenate([x0[1][None], s2])
        e1, e2 = s1[idx] - o1, s2[idx] - o2
        return jnp.sum(e1 * e1 + e2 * e2)
    return loss


def _compile_note(fn, *args) -> str:
    t0 = time.perf_counter()
    _jax().block_until_ready(fn(*args))
    return f"first call (jit compile + run) {time.perf_counter() - t0:.2f} s"


@benchmark("species-gradient-euler-1000", "jax value_and_grad(lax.scan) (jit)", library="jax")
def gradient_jax(ctx: Context) -> Result:
    jax = _jax()
    import jax.numpy as jnp
    fn = jax.jit(jax.value_and_grad(_make_loss(GRAD_H, GRAD_STEPS, GRAD_OBS_STEPS)))
    p = jnp.asarray(GUESS, dtype=jnp.float64)
    note = _compile_note(fn, p)
    med, mn, runs, (loss, g) = ctx.measure(lambda: jax.block_until_ready(fn(p)))
    return gradient_row(med, mn, runs, float(loss), np.asarray(g), note)


def _make_fit(epochs: int):
    """fit(p0) -> (p, losses[epochs + 1]): losses[e] is the loss before update e+1, the last one after all updates."""
    jax = _jax()
    import jax.numpy as jnp
    from jax import lax
    loss = _make_loss(FIT_H, FIT_STEPS, OBS_STEPS)
    vg = jax.value_and_grad(loss)

    def epoch(carry, t):
        p, m, v = carry
        value, g = vg(p)
        m = ADAM_B1 * m + (1 - ADAM_B1) * g
        v = ADAM_B2 * v + (1 - ADAM_B2) * g * g
        lr_t = ADAM_LR * jnp.sqrt(1 - ADAM_B2 ** t) / (1 - ADAM_B1 ** t)
        p = p - lr_t * m / (jnp.sqrt(v) + ADAM_EPS)
        return (p, m, v), value

    def fit(p0):
        z = jnp.zeros_like(p0)
        ts = jnp.arange(1, epochs + 1, dtype=jnp.float64)
        (p, _, _), losses = lax.scan(epoch, (p0, z, z), ts)
        return p, jnp.concatenate([losses, loss(p)[None]])
    return jax.jit(fit)


@benchmark("species-fit-adam", "jax scan over epochs, value_and_grad + Adam (jit)", library="jax")
def fit_jax(ctx: Context) -> Result:
    jax = _jax()
    import jax.numpy as jnp
    fn = _make_fit(FIT_EPOCHS)
    p0 = jnp.asarray(GUESS, dtype=jnp.float64)
    note = _compile_note(fn, p0)
    med, mn, runs, (p, losses) = ctx.measure(lambda: jax.block_until_ready(fn(p0)))
    losses = np.asarray(losses)
    return Result(med, mn, runs, steps=FIT_EPOCHS, nfe=FIT_EPOCHS * FIT_STEPS,
                  check=fit_check(losses),
                  notes=fit_notes(losses, "one compiled call for the 10000 epochs; " + note))
