"""jax (lax.scan) and diffrax rows. Every function is jit-compiled; the
compilation happens in the warm-up call and is reported in the notes, the
timed calls end with block_until_ready."""
from __future__ import annotations

import time

import numpy as np

from ...core import Context, Result, benchmark, max_rel_error
from . import (ATOL, EULER_STEPS, H, RTOL, T0, T1, X0, batch_x0, euler_reference_batch,
               euler_reference_single, reference_batch, reference_single, rhs_columns)


def _jax():
    import jax
    jax.config.update("jax_enable_x64", True)
    return jax


def _rhs(y):
    import jax.numpy as jnp
    d1, d2 = rhs_columns(y[..., 0], y[..., 1])
    return jnp.stack([d1, d2], axis=-1)


def _euler(y0):
    from jax import lax

    def body(y, _):
        return y + H * _rhs(y), None
    y, _ = lax.scan(body, y0, None, length=EULER_STEPS)
    return y


def _compile_note(fn, *args) -> str:
    t0 = time.perf_counter()
    _jax().block_until_ready(fn(*args))
    return f"first call (jit compile + run) {time.perf_counter() - t0:.2f} s"


@benchmark("competition-euler", "jax lax.scan (jit)", library="jax")
def euler_jax(ctx: Context) -> Result:
    jax = _jax()
    import jax.numpy as jnp
    fn = jax.jit(_euler)
    y0 = jnp.asarray(X0, dtype=jnp.float64)
    note = _compile_note(fn, y0)
    med, mn, runs, out = ctx.measure(lambda: fn(y0).block_until_ready())
    out = np.asarray(out)
    return Result(med, mn, runs, steps=EULER_STEPS, nfe=EULER_STEPS,
                  error=max_rel_error(out, reference_single()),
                  check=max_rel_error(out, euler_reference_single()), notes=note)


@benchmark("competition-euler-batch10k", "jax vmap(lax.scan) (jit)", library="jax")
def euler_batch_jax(ctx: Context) -> Result:
    jax = _jax()
    import jax.numpy as jnp
    fn = jax.jit(jax.vmap(_euler))
    y0 = jnp.asarray(batch_x0())
    note = _compile_note(fn, y0)
    med, mn, runs, out = ctx.measure(lambda: fn(y0).block_until_ready())
    out = np.asarray(out)
    return Result(med, mn, runs, steps=EULER_STEPS, nfe=EULER_STEPS,
                  error=max_rel_error(out, reference_batch()),
                  check=max_rel_error(out, euler_reference_batch()), notes=note)


# --- diffrax -----------------------------------------------------------------

def _make_solve(count_evals: bool = False):
    """solve(y0) -> (final state, stats). With count_evals the vector field
    calls back into Python once per (batched) evaluation: used only in a
    separate, untimed run to count nfe exactly."""
    _jax()
    import jax
    import jax.numpy as jnp
    import diffrax

    counter = [0]

    def tick(t):
        counter[0] += 1
        return np.zeros(np.shape(t), dtype=np.float64)

    def vf(t, y, args):
        dy = _rhs(y)
        if count_evals:
            # vmap_method="expand_dims": one call per batched evaluation under vmap.
            z = jax.pure_callback(tick, jax.ShapeDtypeStruct(jnp.shape(t), jnp.float64), t,
                                  vmap_method="expand_dims")
            dy = dy + z
        return dy

    term = diffrax.ODETerm(vf)
    solver = diffrax.Dopri5()
    controller = diffrax.PIDController(rtol=RTOL, atol=ATOL)
    saveat = diffrax.SaveAt(t1=True)

    def solve(y0):
        sol = diffrax.diffeqsolve(term, solver, T0, T1, None, y0,
                                  stepsize_controller=controller, saveat=saveat, max_steps=4096)
        return sol.ys[-1], sol.stats, sol.result == diffrax.RESULTS.successful

    return solve, counter


def _count_nfe(y0, vmapped: bool) -> int:
    jax = _jax()
    solve, counter = _make_solve(count_evals=True)
    fn = jax.vmap(solve) if vmapped else solve
    jax.block_until_ready(jax.jit(fn)(y0))
    return counter[0]


def _diffrax_row(ctx: Context, y0_np: np.ndarray, ref: np.ndarray, vmapped: bool, note: str) -> Result:
    jax = _jax()
    import jax.numpy as jnp
    solve, _ = _make_solve()
    fn = jax.jit(jax.vmap(solve) if vmapped else solve)
    y0 = jnp.asarray(y0_np)
    compile_note = _compile_note(fn, y0)
    med, mn, runs, (out, stats, ok) = ctx.measure(lambda: jax.block_until_ready(fn(y0)))
    assert bool(np.all(np.asarray(ok))), "diffrax did not succeed"
    acc = np.asarray(stats["num_accepted_steps"])
    rej = np.asarray(stats["num_rejected_steps"])
    nfe = _count_nfe(y0, vmapped)
    if vmapped:
        total = acc + rej
        steps = int(total.max())  # iterations of the vectorised loop
        note = (f"{note}; steps = iterations of the vectorised loop (max over trajectories of "
                f"accepted+rejected); per-trajectory accepted mean {acc.mean():.1f}, "
                f"max {acc.max()}; rejected total {rej.sum()}")
    else:
        steps = int(acc)
        note = f"{note}; rejected {int(rej)}"
    return Result(med, mn, runs, steps=steps, nfe=nfe,
                  error=max_rel_error(np.asarray(out), ref),
                  notes=f"{note}; nfe counted by callback in an untimed run; {compile_note}")


@benchmark("competition-dopri5", "diffrax Dopri5 + PIDController (jit)", library="jax")
def dopri5_diffrax(ctx: Context) -> Result:
    return _diffrax_row(ctx, np.asarray(X0), reference_single(), vmapped=False,
                        note="steps = accepted")


@benchmark("competition-dopri5-batch10k", "diffrax Dopri5, batch as one system (jit)", library="jax")
def dopri5_batch_diffrax_system(ctx: Context) -> Result:
    return _diffrax_row(ctx, batch_x0(), reference_batch(), vmapped=False,
                        note="state (10000,2), one shared step size, RMS error norm over the batch; "
                             "steps = accepted")


@benchmark("competition-dopri5-batch10k", "diffrax Dopri5, jax.vmap over trajectories (jit)", library="jax")
def dopri5_batch_diffrax_vmap(ctx: Context) -> Result:
    return _diffrax_row(ctx, batch_x0(), reference_batch(), vmapped=True,
                        note="per-trajectory step sizes")
