"""jax + diffrax rows: the demo's training loop with one jitted train step
(batch gather, diffeqsolve, loss, gradient, RMSprop written out as torch
defines it: optax is not installed), float32 (explicit dtypes: the jax worker
runs with x64 enabled).

diffeqsolve(ODETerm, Dopri5(), t[0], t[9], dt0=None, state (20, 2),
PIDController(rtol=1e-7, atol=1e-9), SaveAt(ts=t[:10])); the gradient through
RecursiveCheckpointAdjoint (backprop through the steps, diffrax's default) or
BacksolveAdjoint (continuous adjoint)."""
from __future__ import annotations

import time

import numpy as np

from ...core import Context, Result, benchmark
from . import (ALPHA, ATOL, BATCH_TIME, EPS, LR, RTOL, TRUE_Y0, final_mae, initial_weights,
               options, row, t_grid, true_trajectory)


def _jax():
    import jax
    jax.config.update("jax_enable_x64", True)
    return jax


def _vector_field(count=None):
    import jax
    import jax.numpy as jnp

    def f(t, y, p):
        if count is not None:
            jax.debug.callback(count)
        w1, b1, w2, b2 = p
        return jnp.tanh((y ** 3) @ w1.T + b1) @ w2.T + b2
    return f


def _make(adjoint_name: str, count=None):
    """(train_step, forward_solve, full_solve), all jitted."""
    jax = _jax()
    import diffrax as dfx
    import jax.numpy as jnp

    adjoint = dfx.BacksolveAdjoint() if adjoint_name == "backsolve" else dfx.RecursiveCheckpointAdjoint()
    term = dfx.ODETerm(_vector_field(count))
    solver = dfx.Dopri5()
    controller = dfx.PIDController(rtol=RTOL, atol=ATOL)
    t = jnp.asarray(t_grid())
    batch_t = t[:BATCH_TIME]
    true_y = jnp.asarray(true_trajectory())  # (1000, 2) float32
    offsets = jnp.arange(BATCH_TIME)

    def solve(p, y0, ts, adj):
        sol = dfx.diffeqsolve(term, solver, ts[0], ts[-1], None, y0, p, saveat=dfx.SaveAt(ts=ts),
                              stepsize_controller=controller, adjoint=adj, max_steps=16384)
        return sol.ys, sol.stats["num_steps"]

    def loss_fn(p, idx):
        y0 = true_y[idx]  # (20, 2): the batch as one system
        batch_y = true_y[idx[None, :] + offsets[:, None]]  # (10, 20, 2)
        ys, steps = solve(p, y0, batch_t, adjoint)
        return jnp.mean(jnp.abs(ys - batch_y)), steps

    def train_step(p, v, idx):
        (loss, steps), g = jax.value_and_grad(loss_fn, has_aux=True)(p, idx)
        v = jax.tree_util.tree_map(lambda v, g: ALPHA * v + (1 - ALPHA) * g * g, v, g)
        p = jax.tree_util.tree_map(lambda p, g, v: p - LR * g / (jnp.sqrt(v) + EPS), p, g, v)
        return p, v, loss, steps

    def forward(p, idx):
        return loss_fn(p, idx)

    def full(p):
        ys, _ = solve(p, jnp.asarray([TRUE_Y0], dtype=jnp.float32)[0], t, dfx.RecursiveCheckpointAdjoint())
        return ys
    return jax.jit(train_step), jax.jit(forward), jax.jit(full)


def _params(seed: int, iterations: int):
    import jax.numpy as jnp
    w1, b1, w2, b2, idx = initial_weights(seed, iterations)
    p = tuple(jnp.asarray(a) for a in (w1, b1, w2, b2))
    return p, tuple(jnp.zeros_like(a) for a in p), idx.astype(np.int32)


def _train(seed: int, iterations: int, step, full, compile_note: list):
    jax = _jax()
    p, v, idx = _params(seed, iterations)
    if not compile_note:
        t0 = time.perf_counter()
        jax.block_until_ready(step(p, v, idx[0]))  # compile; the result is dropped
        compile_note.append(time.perf_counter() - t0)
    times, steps, losses = [], [], []
    for i in range(iterations):
        t0 = time.perf_counter()
        p, v, loss, n = jax.block_until_ready(step(p, v, idx[i]))
        times.append(time.perf_counter() - t0)
        steps.append(int(n))
        losses.append(float(loss))
    return times, steps, losses, final_mae(np.asarray(full(p)))


def _count(adjoint_name: str, seed: int, iterations: int):
    """Vector-field evaluations per iteration, in an untimed replay of the same
    training with a counting callback in the vector field: forward = one
    forward solve, backward = (value_and_grad step) - forward."""
    jax = _jax()
    calls = [0]

    def tick():
        calls[0] += 1
    step, forward, _ = _make(adjoint_name, tick)
    p, v, idx = _params(seed, iterations)
    fwd, bwd = [], []
    for i in range(iterations):
        calls[0] = 0
        jax.block_until_ready(forward(p, idx[i]))
        jax.effects_barrier()
        f = calls[0]
        calls[0] = 0
        p, v, _, _ = jax.block_until_ready(step(p, v, idx[i]))
        jax.effects_barrier()
        fwd.append(f)
        bwd.append(calls[0] - f)
    return fwd, bwd


def _rows(ctx: Context, adjoint_name: str) -> Result:
    iterations, seeds = options(ctx)
    step, _, full = _make(adjoint_name)
    compile_s: list = []
    maes = []
    for seed in seeds:
        times, steps, losses, mae = _train(seed, iterations, step, full, compile_s)
        maes.append(mae)
        if seed == seeds[0]:
            first = (times, steps, losses)
    times, steps, losses = first
    t0 = time.perf_counter()
    fwd, bwd = _count(adjoint_name, seeds[0], iterations)
    count_s = time.perf_counter() - t0
    note = ("RecursiveCheckpointAdjoint (backprop through the steps; bwd nfe counts its recomputed "
            "forward evaluations and the vjp evaluations)" if adjoint_name != "backsolve" else
            "BacksolveAdjoint (the backward solve with the same solver and controller)")
    note += (f"; one jitted step (gather, solve, loss, grad, RMSprop); first call (jit compile + run) "
             f"{compile_s[0]:.2f} s; steps = accepted + rejected (sol.stats) in the timed run; nfe counted "
             f"by a callback in the vector field in an untimed replay ({count_s:.0f} s)")
    return row(times, maes, steps=steps, nfe_fwd=fwd, nfe_bwd=bwd, losses=losses, note=note)


@benchmark("spiral-iteration", "diffrax Dopri5, RecursiveCheckpointAdjoint + RMSprop (jit)", library="jax")
def spiral_jax(ctx: Context) -> Result:
    return _rows(ctx, "recursive")


@benchmark("spiral-iteration-adjoint", "diffrax Dopri5, BacksolveAdjoint + RMSprop (jit)", library="jax")
def spiral_adjoint_jax(ctx: Context) -> Result:
    return _rows(ctx, "backsolve")
