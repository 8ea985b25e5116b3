"""torch loops and torchdiffeq rows (CPU, float64, inference mode)."""
from __future__ import annotations

import numpy as np

from ...core import Context, Result, benchmark, max_rel_error
from . import (ATOL, EULER_STEPS, H, RTOL, T0, T1, X0, batch_x0, euler_reference_batch,
               euler_reference_single, reference_batch, reference_single, rhs_columns)

_configured = False


def _torch(ctx: Context):
    global _configured
    import torch
    if not _configured:
        torch.set_num_threads(ctx.threads)
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:  # only allowed before any parallel work
            pass
        _configured = True
    return torch


def _rhs(y):
    import torch
    d1, d2 = rhs_columns(y[..., 0], y[..., 1])
    return torch.stack([d1, d2], dim=-1)


@benchmark("competition-euler", "torch loop (tensor of 2)", library="torch")
def euler_torch(ctx: Context) -> Result:
    torch = _torch(ctx)
    y0 = torch.tensor(X0, dtype=torch.float64)

    def run():
        with torch.inference_mode():
            y = y0
            for _ in range(EULER_STEPS):
                y = y + H * _rhs(y)
            return y
    med, mn, runs, out = ctx.measure(run)
    out = out.numpy()
    return Result(med, mn, runs, steps=EULER_STEPS, nfe=EULER_STEPS,
                  error=max_rel_error(out, reference_single()),
                  check=max_rel_error(out, euler_reference_single()))


@benchmark("competition-euler-batch10k", "torch batched (10000,) columns", library="torch")
def euler_batch_torch(ctx: Context) -> Result:
    torch = _torch(ctx)
    x0 = torch.from_numpy(batch_x0())
    c1, c2 = x0[:, 0].contiguous(), x0[:, 1].contiguous()

    def run():
        with torch.inference_mode():
            x1, x2 = c1, c2
            for _ in range(EULER_STEPS):
                d1, d2 = rhs_columns(x1, x2)
                x1, x2 = x1 + H * d1, x2 + H * d2
            return torch.stack([x1, x2], dim=1)
    med, mn, runs, out = ctx.measure(run)
    out = out.numpy()
    return Result(med, mn, runs, steps=EULER_STEPS, nfe=EULER_STEPS,
                  error=max_rel_error(out, reference_batch()),
                  check=max_rel_error(out, euler_reference_batch()))


class _Counting:
    """Vector field that counts evaluations and accepted/rejected steps through
    torchdiffeq's callback_* hooks; used only in an untimed run."""

    def __init__(self):
        self.nfe = self.accepted = self.rejected = 0

    def __call__(self, t, y):
        self.nfe += 1
        return _rhs(y)

    def callback_accept_step(self, t0, y0, dt):
        self.accepted += 1

    def callback_reject_step(self, t0, y0, dt):
        self.rejected += 1


def _torchdiffeq_row(ctx: Context, y0_np: np.ndarray, ref: np.ndarray, note: str) -> Result:
    torch = _torch(ctx)
    from torchdiffeq import odeint
    y0 = torch.from_numpy(np.ascontiguousarray(y0_np))
    t = torch.tensor([T0, T1], dtype=torch.float64)

    def f(t, y):
        return _rhs(y)

    def run():
        with torch.inference_mode():
            return odeint(f, y0, t, rtol=RTOL, atol=ATOL, method="dopri5")[-1]
    med, mn, runs, out = ctx.measure(run)
    counting = _Counting()
    with torch.inference_mode():
        odeint(counting, y0, t, rtol=RTOL, atol=ATOL, method="dopri5")
    return Result(med, mn, runs, steps=counting.accepted, nfe=counting.nfe,
                  error=max_rel_error(out.numpy(), ref),
                  notes=f"{note}steps = accepted, rejected {counting.rejected}; "
                        "counts from an untimed run with callbacks")


@benchmark("competition-dopri5", "torchdiffeq odeint dopri5", library="torch")
def dopri5_torchdiffeq(ctx: Context) -> Result:
    return _torchdiffeq_row(ctx, np.asarray(X0), reference_single(), note="")


@benchmark("competition-dopri5-batch10k", "torchdiffeq odeint dopri5, batch as one system", library="torch")
def dopri5_batch_torchdiffeq(ctx: Context) -> Result:
    return _torchdiffeq_row(ctx, batch_x0(), reference_batch(),
                            note="state (10000,2), one shared step size, RMS error norm over the batch; ")
