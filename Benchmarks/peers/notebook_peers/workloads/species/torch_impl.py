"""torch rows: autograd through a Python loop of Euler steps (CPU, float64), for reference."""
from __future__ import annotations

import math

import numpy as np

from ...core import Context, Result, benchmark
from . import (ADAM_B1, ADAM_B2, ADAM_EPS, ADAM_LR, FIT_EPOCHS, FIT_H, FIT_STEPS, GRAD_H,
               GRAD_OBS_STEPS, GRAD_STEPS, GUESS, OBS_STEPS, OBS_X1, OBS_X2, X0, fit_check,
               fit_notes, fit_reference, gradient_row)
from ..competition.torch_impl import _torch


def _loss(torch, p, h: float, steps: int, obs_steps):
    r1, r2, a1, a2, iN1, iN2 = p.unbind()
    obs = {k: (o1, o2) for k, o1, o2 in zip(obs_steps, OBS_X1, OBS_X2)}
    x1 = torch.tensor(X0[0], dtype=torch.float64)
    x2 = torch.tensor(X0[1], dtype=torch.float64)
    loss = torch.zeros((), dtype=torch.float64)
    for k in range(steps + 1):
        if k in obs:
            e1, e2 = x1 - obs[k][0], x2 - obs[k][1]
            loss = loss + e1 * e1 + e2 * e2
        if k == steps:
            break
        d1 = r1 * x1 * (1 - iN1 * x1) - a1 * x1 * x2
        d2 = r2 * x2 * (1 - iN2 * x2) - a2 * x1 * x2
        x1, x2 = x1 + h * d1, x2 + h * d2
    return loss


@benchmark("species-gradient-euler-1000", "torch autograd through a Python loop", library="torch")
def gradient_torch(ctx: Context) -> Result:
    torch = _torch(ctx)
    p0 = torch.tensor(GUESS, dtype=torch.float64)

    def run():
        p = p0.clone().requires_grad_(True)
        loss = _loss(torch, p, GRAD_H, GRAD_STEPS, GRAD_OBS_STEPS)
        loss.backward()
        return loss.item(), p.grad.numpy().copy()
    med, mn, runs, (loss, g) = ctx.measure(run)
    return gradient_row(med, mn, runs, loss, g, "all 1000 steps on the autograd tape")


def _fit(torch, epochs: int):
    p = torch.tensor(GUESS, dtype=torch.float64)
    m, v = torch.zeros(6, dtype=torch.float64), torch.zeros(6, dtype=torch.float64)
    losses = []
    for t in range(1, epochs + 1):
        q = p.clone().requires_grad_(True)
        loss = _loss(torch, q, FIT_H, FIT_STEPS, OBS_STEPS)
        loss.backward()
        losses.append(loss.item())
        with torch.no_grad():
            g = q.grad
            m = ADAM_B1 * m + (1 - ADAM_B1) * g
            v = ADAM_B2 * v + (1 - ADAM_B2) * g * g
            lr_t = ADAM_LR * math.sqrt(1 - ADAM_B2 ** t) / (1 - ADAM_B1 ** t)
            p = p - lr_t * m / (torch.sqrt(v) + ADAM_EPS)
    with torch.no_grad():
        losses.append(_loss(torch, p, FIT_H, FIT_STEPS, OBS_STEPS).item())
    return p.numpy(), losses


@benchmark("species-fit-adam", "torch autograd + Adam, Python loops", library="torch")
def fit_torch(ctx: Context) -> Result:
    torch = _torch(ctx)
    sample = int(ctx.options.get("torch_fit_epochs") or 0)
    epochs = FIT_EPOCHS if sample <= 0 or sample >= FIT_EPOCHS else sample
    med, mn, runs, (p, losses) = ctx.measure(lambda: _fit(torch, epochs), warmup=0, min_runs=1, max_runs=1)
    if epochs == FIT_EPOCHS:
        return Result(med, mn, runs, steps=FIT_EPOCHS, nfe=FIT_EPOCHS * FIT_STEPS,
                      check=fit_check(losses), notes=fit_notes(losses, "one run"))
    scale = FIT_EPOCHS / epochs
    _, ref = fit_reference()
    return Result(med * scale, mn * scale, runs, steps=FIT_EPOCHS, nfe=FIT_EPOCHS * FIT_STEPS,
                  check=fit_check(losses),
                  notes=f"EXTRAPOLATED: one run of the first {epochs} epochs, time x{scale:g} "
                        f"(--torch-fit-epochs 0 runs all {FIT_EPOCHS}); loss after {epochs} updates "
                        f"{losses[-1]:.3f} (Python floats: {ref[epochs]:.3f})")
