"""The latent ODE of torchdiffeq's ``examples/latent_ode.py``, default settings, float32.

Data: 1000 noisy spirals in 2-d. Two Archimedean spirals r = a + b*theta
(a = 0, b = 0.3) on ``ntotal`` points of theta in [0, 6*pi]: a counter-clockwise
one centred at (+5, 0) with theta = t, and a clockwise one centred at (-5, 0)
with theta = 6*pi + 1 - t and radius a + 50 b / theta. Each of the 1000
samples picks one of the two at random and a start index uniformly in
[nsample, ntotal - nsample), takes nsample = 100 consecutive points and adds
N(0, 0.3^2) noise; the observation times are the first 100 grid points.

NOTE on ntotal: the example's ``__main__`` sets ``ntotal = 1000`` but does
not pass it to ``generate_spiral2d``, whose default is 500; so the example
actually trains with ntotal = 500 (observation times in [0, 3.78]). That is
the default here (``--latent-ntotal 1000`` gives [0, 1.89]).

Model: recognition RNN (h = tanh(Linear(2 + 25, 25)([x, h])), out =
Linear(25, 8)(h)), run backwards over the 100 observations from h = 0; q(z0)
= N(out[:4], exp(out[4:])); z0 = mean + eps * exp(logvar / 2); latent ODE
dz/dt = Linear(20, 4)(elu(Linear(20, 20)(elu(Linear(4, 20)(z))))) solved for
the 1000 samples as ONE system (state (1000, 4)) by dopri5 at rtol 1e-7, atol
1e-9 on the 100 observation times; decoder Linear(20, 2)(relu(Linear(4,
20)(z))). Loss = mean over samples of (-log N(x | dec(z), 0.3^2) summed over
times and dims + KL(q(z0) || N(0, I))): the negative ELBO. Adam, lr 0.01,
betas (0.9, 0.999), eps 1e-8 (torch's form). Backprop through the solver.

Every implementation starts from the same data, weights and noise: seed s
draws from ``numpy.random.default_rng(s)`` the data (start indices, then
directions, then noise), then the weights (torch's default Linear init
U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases, layer by layer in
the order func fc1..fc3, rec i2h, h2o, dec fc1, fc2), then eps for every
iteration.
"""
from __future__ import annotations

import functools
import math

import numpy as np

LATENT_DIM, NHIDDEN, RNN_NHIDDEN, OBS_DIM = 4, 20, 25, 2
NSPIRAL, NSAMPLE = 1000, 100
NTOTAL_EXAMPLE = 500  # what the example runs (see the module docstring)
START, STOP = 0.0, 6 * math.pi
NOISE_STD, A, B = 0.3, 0.0, 0.3
LR, BETA1, BETA2, EPS = 0.01, 0.9, 0.999, 1e-8
RTOL, ATOL = 1e-7, 1e-9
ITERATIONS = 300

# (name, out, in) in the order the weights are drawn
LAYERS = [
    ("func.fc1", NHIDDEN, LATENT_DIM), ("func.fc2", NHIDDEN, NHIDDEN), ("func.fc3", LATENT_DIM, NHIDDEN),
    ("rec.i2h", RNN_NHIDDEN, OBS_DIM + RNN_NHIDDEN), ("rec.h2o", 2 * LATENT_DIM, RNN_NHIDDEN),
    ("dec.fc1", NHIDDEN, LATENT_DIM), ("dec.fc2", OBS_DIM, NHIDDEN),
]


def options(ctx) -> tuple[int, int, int]:
    """(iterations, ntotal, seed) from the command line."""
    n = int(ctx.options.get("latent_iterations") or ITERATIONS)
    ntotal = int(ctx.options.get("latent_ntotal") or NTOTAL_EXAMPLE)
    return n, ntotal, 0


@functools.lru_cache(maxsize=4)
def problem(seed: int, iterations: int, ntotal: int):
    """(samp_trajs (1000, 100, 2), samp_ts (100,), weights {name: (W, b)}, eps (iterations, 1000, 4)), float32."""
    rng = np.random.default_rng(seed)
    orig_ts = np.linspace(START, STOP, ntotal)
    z_cw = STOP + 1.0 - orig_ts
    r_cw = A + B * 50.0 / z_cw
    cw = np.stack([r_cw * np.cos(z_cw) - 5.0, r_cw * np.sin(z_cw)], axis=1)
    r_cc = A + B * orig_ts
    cc = np.stack([r_cc * np.cos(orig_ts) + 5.0, r_cc * np.sin(orig_ts)], axis=1)
    starts = rng.integers(0, ntotal - 2 * NSAMPLE, size=NSPIRAL) + NSAMPLE
    counter = rng.random(NSPIRAL) > 0.5
    noise = rng.standard_normal((NSPIRAL, NSAMPLE, 2)) * NOISE_STD
    window = starts[:, None] + np.arange(NSAMPLE)[None, :]
    samp = np.where(counter[:, None, None], cc[window], cw[window]) + noise
    weights = fan_in_uniform(rng, LAYERS)
    eps = rng.standard_normal((iterations, NSPIRAL, LATENT_DIM)).astype(np.float32)
    return samp.astype(np.float32), orig_ts[:NSAMPLE].astype(np.float32), weights, eps


# The flat parameter order of notebook's LatentODEModel: encoder, dynamics, decoder.
NOTEBOOK_ORDER = ["rec.i2h", "rec.h2o", "func.fc1", "func.fc2", "func.fc3", "dec.fc1", "dec.fc2"]


def export_problem(folder: str, seed: int, iterations: int, ntotal: int) -> None:
    """Writes the problem every implementation trains from as little-endian float64 files
    (samp.bin, ts.bin, params.bin in notebook's order, eps.bin), for `notebook-bench`'s
    NOTEBOOK_BENCH_LATENT_PROBLEM, so that the Swift side trains from the same data, weights and
    noise and the loss columns compare like with like."""
    import os
    samp, ts, weights, eps = problem(seed, iterations, ntotal)
    flat = np.concatenate([np.concatenate([weights[n][0].ravel(), weights[n][1].ravel()]) for n in NOTEBOOK_ORDER])
    for name, values in (("samp", samp), ("ts", ts), ("params", flat), ("eps", eps)):
        values.astype("<f8").tofile(os.path.join(folder, f"{name}.bin"))


def loss_windows(losses, count: int = 6):
    """The mean loss over `count` consecutive windows of the iterations, named by their 1-based
    ranges ("1_50", ...): a loss curve that is comparable across implementations although single
    iterations drift apart."""
    n = len(losses)
    bounds = [round(i * n / count) for i in range(count + 1)]
    return [(f"{lo + 1}_{hi}", float(np.mean(losses[lo:hi]))) for lo, hi in zip(bounds, bounds[1:]) if hi > lo]


def row(times, losses, *, steps=None, nfe_fwd=None, nfe_bwd=None, note: str = ""):
    from ...core import Result
    import statistics
    notes = [note] if note else []
    notes.append(f"{len(times)} iterations, {sum(times):.1f} s")
    if nfe_fwd:
        notes.append(f"nfe per iteration fwd mean {np.mean(nfe_fwd):.1f} (first {nfe_fwd[0]}, last {nfe_fwd[-1]})")
    if nfe_bwd:
        notes.append(f"bwd mean {np.mean(nfe_bwd):.1f}")
    notes.append(f"loss (negative ELBO) first {losses[0]:.3f}, last {losses[-1]:.3f}")
    windows = loss_windows(losses)
    notes.append("mean loss per window of iterations " + ", ".join(f"{name} {value:.1f}" for name, value in windows))
    extras = {"loss_first": float(losses[0]), "loss_last": float(losses[-1])}
    extras.update({f"loss_mean_{name}": value for name, value in windows})
    if nfe_bwd:
        extras["nfe_backward"] = float(np.mean(nfe_bwd))
    return Result(statistics.median(times), min(times), len(times),
                  steps=None if not steps else float(np.mean(steps)),
                  nfe=None if not nfe_fwd else float(np.mean(nfe_fwd)),
                  notes="; ".join(notes), extras=extras)


from . import jax_impl, torch_impl  # noqa: E402,F401
from ..initialisation import fan_in_uniform
