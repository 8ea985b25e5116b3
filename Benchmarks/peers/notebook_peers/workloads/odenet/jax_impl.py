"""jax + diffrax row: the ODE-Net trained with one jitted step per minibatch (forward pass with
``diffeqsolve``, the classical RK4 tableau as a diffrax ``AbstractERK``, ``ConstantStepSize`` with
dt0 = 0.25, ``SaveAt(t1=True)``, diffrax's default ``RecursiveCheckpointAdjoint``, i.e. backprop
through the steps; the loss, ``value_and_grad`` and an Adam step written out as torch defines it,
as optax is not installed), float32.

diffrax ships no RK4 solver; ``ClassicalRK4`` below is diffrax's documented way to add an explicit
Runge-Kutta method (a ``ButcherTableau`` on an ``AbstractERK``), with the classical tableau
notebook's ``rk4`` uses, so this row computes the same function of the weights as notebook's.
"""
from __future__ import annotations

import time

import numpy as np

from ...core import Context, Result, benchmark
from . import (BETA1, BETA2, EPS, LR, STEP_SIZE, STEPS, T0, T1, batches, options, problem, row)
from ..initialisation import jax_adam_state, jax_linear


def _jax():
    import jax
    jax.config.update("jax_enable_x64", True)
    return jax


def _solver():
    import diffrax as dfx
    from diffrax._local_interpolation import ThirdOrderHermitePolynomialInterpolation

    class ClassicalRK4(dfx.AbstractERK):
        """Kutta's classical method: c = 0, 1/2, 1/2, 1; b = 1/6, 1/3, 1/3, 1/6 (no error estimate:
        fixed steps only)."""
        tableau = dfx.ButcherTableau(
            c=np.array([0.5, 0.5, 1.0]),
            a_lower=(np.array([0.5]), np.array([0.0, 0.5]), np.array([0.0, 0.0, 1.0])),
            b_sol=np.array([1 / 6, 1 / 3, 1 / 3, 1 / 6]),
            b_error=np.zeros(4),
        )
        interpolation_cls = ThirdOrderHermitePolynomialInterpolation.from_k

        def order(self, terms):
            return 4
    return ClassicalRK4()


def _make(count=None):
    jax = _jax()
    import diffrax as dfx
    import jax.numpy as jnp
    solver = _solver()
    t0, t1, dt0 = jnp.float32(T0), jnp.float32(T1), jnp.float32(STEP_SIZE)

    lin = jax_linear

    def vf(t, h, p):
        if count is not None:
            jax.debug.callback(count)
        tt = jnp.broadcast_to(jnp.asarray(t, h.dtype), (h.shape[0], 1))
        return lin(p, "f.fc2", jnp.tanh(lin(p, "f.fc1", jnp.concatenate([h, tt], axis=1))))

    term = dfx.ODETerm(vf)

    def logits(p, x):
        sol = dfx.diffeqsolve(term, solver, t0, t1, dt0, lin(p, "input", x), p,
                              stepsize_controller=dfx.ConstantStepSize(), saveat=dfx.SaveAt(t1=True),
                              max_steps=STEPS)
        return lin(p, "readout", sol.ys[-1]), sol.stats["num_steps"]

    def loss_fn(p, x, y):
        z, n = logits(p, x)
        ce = jax.nn.logsumexp(z, axis=1) - jnp.take_along_axis(z, y[:, None], axis=1)[:, 0]
        return jnp.mean(ce), n

    def step(p, m, v, t, x, y):
        (loss, n), g = jax.value_and_grad(loss_fn, has_aux=True)(p, x, y)
        tm = jax.tree_util.tree_map
        m = tm(lambda m, g: BETA1 * m + (1 - BETA1) * g, m, g)
        v = tm(lambda v, g: BETA2 * v + (1 - BETA2) * g * g, v, g)
        bc1 = 1 - BETA1 ** t
        bc2 = 1 - BETA2 ** t
        p = tm(lambda p, m, v: p - (LR / bc1) * m / (jnp.sqrt(v) / jnp.sqrt(bc2) + EPS), p, m, v)
        return p, m, v, loss, n

    def predict(p, x):
        return jnp.argmax(logits(p, x)[0], axis=1)
    return jax.jit(step), jax.jit(loss_fn), jax.jit(predict)


_init = jax_adam_state


@benchmark("odenet-epoch", "diffrax classical RK4 (AbstractERK), backprop + Adam (jit)", library="jax")
def odenet_jax(ctx: Context) -> Result:
    jax = _jax()
    import jax.numpy as jnp
    epochs, seed = options(ctx)
    train_x, train_y, test_x, test_y, weights, orders = problem(seed, epochs)
    step, loss_fn, predict = _make()
    p, m, v = _init(weights)
    parameters = sum(int(np.prod(a.shape)) for pair in p.values() for a in pair)
    n = train_x.shape[0]
    spans = batches(n)
    # compile for both batch shapes (64 and the epoch's last, smaller one), results dropped
    t0 = time.perf_counter()
    for size in sorted({stop - start for start, stop in spans}):
        jax.block_until_ready(step(p, m, v, jnp.float32(1), train_x[:size], train_y[:size]))
    compile_s = time.perf_counter() - t0
    times, losses, steps = [], [], []
    t = 0
    for epoch in range(epochs):
        t0 = time.perf_counter()
        order = orders[epoch]
        loss_sum = 0.0
        for start, stop in spans:
            index = order[start:stop]
            t += 1
            p, m, v, loss, k = step(p, m, v, jnp.float32(t), train_x[index], train_y[index])
            loss_sum += float(loss) * (stop - start)  # waits for the step, as torch's loss.item() would
        times.append(time.perf_counter() - t0)
        losses.append(loss_sum / n)
        steps.append(int(k))
    test_accuracy = float(np.mean(np.asarray(predict(p, test_x)) == test_y))
    train_accuracy = float(np.mean(np.asarray(predict(p, train_x)) == train_y))
    # forward nfe: an untimed forward pass of one batch with a counting callback
    calls = [0]

    def tick():
        calls[0] += 1
    _, loss_c, _ = _make(tick)
    jax.block_until_ready(loss_c(p, train_x[:64], train_y[:64]))
    jax.effects_barrier()
    return row(times, losses, test_accuracy=test_accuracy, train_accuracy=train_accuracy, parameters=parameters,
               nfe_forward=calls[0],
               note=f"one jitted step per batch (solve, loss, grad, Adam); compiling both batch shapes {compile_s:.2f} s "
                    f"(untimed); {steps[-1]} solver steps per forward pass (sol.stats); nfe by a callback in an untimed "
                    f"forward pass; XLA's default threads")
