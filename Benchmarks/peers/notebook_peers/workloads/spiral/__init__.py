"""The neural-ODE spiral of torchdiffeq's ``examples/ode_demo.py``, default settings.

Data: y0 = (2, 0), t = 1000 points evenly spaced on [0, 25], true dynamics
dy/dt = (y**3) A with A = [[-0.1, 2.0], [-2.0, -0.1]] (y a row vector).
Model: dy/dt = Linear(50, 2)(tanh(Linear(2, 50)(y**3))), weights N(0, 0.1), biases 0.
One training iteration: 20 start indices drawn without replacement from
0..989, the batch of 20 windows of 10 points integrated as ONE system
(state (20, 2), one shared step size) over t[0..9] by dopri5 at rtol 1e-7,
atol 1e-9; loss = mean |pred - data|; gradient (backprop through the solver,
or the continuous adjoint); one RMSprop step (lr 1e-3, alpha 0.99, eps 1e-8,
torch's form: v = alpha v + (1 - alpha) g^2, p -= lr g / (sqrt(v) + eps)). float32.

Workloads:
  spiral-iteration          the gradient by backprop through the solver steps
  spiral-iteration-adjoint  the gradient by the continuous adjoint (a backward solve)

Measured: seconds per iteration (median and min over the iterations of the
first seed), NFE per iteration, and after training the mean absolute error of
the learned model solved from y0 over all of t against the data ("final
mae"; the median over the seeds).

Every implementation starts from the same weights and sees the same batches:
seed s draws, from ``numpy.random.default_rng(s)``, first W1 (50, 2), then
W2 (2, 50), then the 20 indices of every iteration in turn (``rng.choice(990,
20, replace=False)``). The data are the true trajectory from scipy DOP853 at
rtol = atol = 1e-12 in float64, rounded to float32 (the demo solves it with
torchdiffeq dopri5 at its default tolerances in float32; the two differ by
less than 1e-5, see README).
"""
from __future__ import annotations

import functools
import statistics

import numpy as np

DATA_SIZE = 1000
BATCH_TIME = 10
BATCH_SIZE = 20
T_END = 25.0
TRUE_Y0 = (2.0, 0.0)
TRUE_A = ((-0.1, 2.0), (-2.0, -0.1))
HIDDEN = 50
INIT_STD = 0.1
RTOL, ATOL = 1e-7, 1e-9
LR, ALPHA, EPS = 1e-3, 0.99, 1e-8
ITERATIONS = 2000  # the demo's niters


def options(ctx) -> tuple[int, list[int]]:
    """(iterations, seeds) from the command line (--spiral-iterations, --seeds)."""
    n = int(ctx.options.get("spiral_iterations") or ITERATIONS)
    k = max(1, int(ctx.options.get("seeds") or 1))
    return n, list(range(k))


def t_grid() -> np.ndarray:
    return np.linspace(0.0, T_END, DATA_SIZE, dtype=np.float32)


def true_rhs(t, y):
    y = np.asarray(y, dtype=np.float64)
    return (y ** 3) @ np.asarray(TRUE_A)


@functools.lru_cache(maxsize=None)
def true_trajectory() -> np.ndarray:
    """(1000, 2) float32: y(t) on the grid, from DOP853 at rtol = atol = 1e-12 in float64."""
    from scipy.integrate import solve_ivp
    t = t_grid().astype(np.float64)
    sol = solve_ivp(true_rhs, (0.0, T_END), np.asarray(TRUE_Y0), method="DOP853",
                    rtol=1e-12, atol=1e-12, t_eval=t)
    assert sol.success, sol.message
    return sol.y.T.astype(np.float32)


def initial_weights(seed: int, iterations: int):
    """(W1 (50, 2), b1 (50,), W2 (2, 50), b2 (2,), indices (iterations, 20)) for this seed.
    W as torch.nn.Linear stores it: out x in, so layer(x) = x W^T + b."""
    rng = np.random.default_rng(seed)
    w1 = rng.normal(0.0, INIT_STD, (HIDDEN, 2)).astype(np.float32)
    w2 = rng.normal(0.0, INIT_STD, (2, HIDDEN)).astype(np.float32)
    idx = np.stack([rng.choice(DATA_SIZE - BATCH_TIME, BATCH_SIZE, replace=False)
                    for _ in range(iterations)]).astype(np.int64)
    return w1, np.zeros(HIDDEN, np.float32), w2, np.zeros(2, np.float32), idx


def final_mae(pred) -> float:
    """mean |pred - data| over the 1000 points and both components."""
    pred = np.asarray(pred, dtype=np.float64).reshape(DATA_SIZE, 2)
    return float(np.mean(np.abs(pred - true_trajectory())))


def row(times: list[float], maes: list[float], *, steps=None, nfe_fwd=None, nfe_bwd=None,
        losses=None, note: str = ""):
    """A spiral row: times = seconds per iteration of the first seed; maes = final mae per seed;
    steps, nfe_fwd, nfe_bwd = per-iteration counts (lists) or None."""
    from ...core import Result

    def mean(xs):
        return None if xs is None or len(xs) == 0 else float(np.mean(xs))
    notes = []
    if note:
        notes.append(note)
    notes.append(f"{len(times)} iterations, {sum(times):.1f} s")
    if nfe_fwd is not None and len(nfe_fwd):
        notes.append(f"nfe per iteration fwd mean {mean(nfe_fwd):.1f} "
                     f"(first {nfe_fwd[0]}, last {nfe_fwd[-1]}, max {max(nfe_fwd)})")
    if nfe_bwd is not None and len(nfe_bwd):
        notes.append(f"bwd mean {mean(nfe_bwd):.1f} (first {nfe_bwd[0]}, last {nfe_bwd[-1]}, max {max(nfe_bwd)})")
    if losses is not None and len(losses):
        notes.append(f"batch loss first {losses[0]:.4f}, last {losses[-1]:.4f}")
    notes.append("final mae per seed: " + ", ".join(f"{m:.4f}" for m in maes)
                 + (f" (median of {len(maes)})" if len(maes) > 1 else ""))
    extras = {"final_mae": statistics.median(maes)}
    if nfe_bwd is not None and len(nfe_bwd):
        extras["nfe_backward"] = mean(nfe_bwd)
    return Result(statistics.median(times), min(times), len(times), steps=mean(steps),
                  nfe=mean(nfe_fwd), notes="; ".join(notes), extras=extras)


from . import jax_impl, torch_impl  # noqa: E402,F401
