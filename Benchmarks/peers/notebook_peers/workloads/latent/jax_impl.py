"""jax + diffrax row: the example's training iteration as one jitted step
(recognition RNN as a lax.scan, diffeqsolve Dopri5 + PIDController with
SaveAt(ts=observation times), RecursiveCheckpointAdjoint, the loss, the
gradient and an Adam step written out as torch defines it), float32."""
from __future__ import annotations

import math
import time

import numpy as np

from ...core import Context, Result, benchmark
from . import BETA1, BETA2, EPS, LATENT_DIM, LR, NOISE_STD, RTOL, ATOL, options, problem, row
from ..initialisation import jax_adam_state, jax_linear


def _jax():
    import jax
    jax.config.update("jax_enable_x64", True)
    return jax


def _make(samp_np, ts_np, count=None):
    jax = _jax()
    import diffrax as dfx
    import jax.numpy as jnp
    samp = jnp.asarray(samp_np)  # (1000, 100, 2)
    ts = jnp.asarray(ts_np)
    log2pi = math.log(2 * math.pi)
    noise_logvar = 2 * math.log(NOISE_STD)

    lin = jax_linear

    def vf(t, z, p):
        if count is not None:
            jax.debug.callback(count)
        h = jax.nn.elu(lin(p, "func.fc1", z))
        h = jax.nn.elu(lin(p, "func.fc2", h))
        return lin(p, "func.fc3", h)

    term = dfx.ODETerm(vf)
    controller = dfx.PIDController(rtol=RTOL, atol=ATOL)

    def loss_fn(p, eps):
        def rnn(h, x):
            h = jnp.tanh(lin(p, "rec.i2h", jnp.concatenate([x, h], axis=1)))
            return h, None
        h0 = jnp.zeros((samp.shape[0], p["rec.i2h"][0].shape[0]), jnp.float32)
        h, _ = jax.lax.scan(rnn, h0, jnp.swapaxes(samp, 0, 1), reverse=True)  # t = 99 .. 0
        out = lin(p, "rec.h2o", h)
        mean, logvar = out[:, :LATENT_DIM], out[:, LATENT_DIM:]
        z0 = eps * jnp.exp(0.5 * logvar) + mean
        sol = dfx.diffeqsolve(term, dfx.Dopri5(), ts[0], ts[-1], None, z0, p, saveat=dfx.SaveAt(ts=ts),
                              stepsize_controller=controller, max_steps=16384)
        pred_x = lin(p, "dec.fc2", jax.nn.relu(lin(p, "dec.fc1", jnp.swapaxes(sol.ys, 0, 1))))
        logpx = jnp.sum(-0.5 * (log2pi + noise_logvar + (samp - pred_x) ** 2 / math.exp(noise_logvar)), axis=(1, 2))
        kl = jnp.sum(-logvar / 2 + (jnp.exp(logvar) + mean ** 2) / 2 - 0.5, axis=-1)
        return jnp.mean(-logpx + kl), sol.stats["num_steps"]

    def step(p, m, v, t, eps):
        (loss, n), g = jax.value_and_grad(loss_fn, has_aux=True)(p, eps)
        tm = jax.tree_util.tree_map
        m = tm(lambda m, g: BETA1 * m + (1 - BETA1) * g, m, g)
        v = tm(lambda v, g: BETA2 * v + (1 - BETA2) * g * g, v, g)
        bc1 = 1 - BETA1 ** t
        bc2 = 1 - BETA2 ** t
        p = tm(lambda p, m, v: p - (LR / bc1) * m / (jnp.sqrt(v) / jnp.sqrt(bc2) + EPS), p, m, v)
        return p, m, v, loss, n
    return jax.jit(step), jax.jit(loss_fn)


_init = jax_adam_state


@benchmark("latent-ode-iteration", "diffrax Dopri5, RecursiveCheckpointAdjoint + Adam (jit)", library="jax")
def latent_jax(ctx: Context) -> Result:
    jax = _jax()
    import jax.numpy as jnp
    iterations, ntotal, seed = options(ctx)
    samp, ts, weights, eps = problem(seed, iterations, ntotal)
    step, _ = _make(samp, ts)
    p, m, v = _init(weights)
    t0 = time.perf_counter()
    jax.block_until_ready(step(p, m, v, jnp.float32(1), eps[0]))
    compile_s = time.perf_counter() - t0
    times, steps, losses = [], [], []
    for i in range(iterations):
        t0 = time.perf_counter()
        p, m, v, loss, n = jax.block_until_ready(step(p, m, v, jnp.float32(i + 1), eps[i]))
        times.append(time.perf_counter() - t0)
        steps.append(int(n))
        losses.append(float(loss))
    # forward nfe: an untimed replay of the forward solves with a counting callback
    calls = [0]

    def tick():
        calls[0] += 1
    t0 = time.perf_counter()
    step_c, fwd_c = _make(samp, ts, tick)
    p, m, v = _init(weights)
    fwd, bwd = [], []
    for i in range(iterations):
        calls[0] = 0
        jax.block_until_ready(fwd_c(p, eps[i]))
        jax.effects_barrier()
        f = calls[0]
        calls[0] = 0
        p, m, v, _, _ = jax.block_until_ready(step_c(p, m, v, jnp.float32(i + 1), eps[i]))
        jax.effects_barrier()
        fwd.append(f)
        bwd.append(calls[0] - f)
    count_s = time.perf_counter() - t0
    return row(times, losses, steps=steps, nfe_fwd=fwd, nfe_bwd=bwd,
               note=f"ntotal {ntotal}; one jitted step (RNN scan, solve, loss, grad, Adam); first call (jit compile "
                    f"+ run) {compile_s:.2f} s; steps = accepted + rejected (sol.stats) in the timed run; nfe by a "
                    f"callback in an untimed replay ({count_s:.0f} s); bwd nfe = recomputed forward + vjp evaluations")
