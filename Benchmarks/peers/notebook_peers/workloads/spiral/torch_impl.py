"""torch + torchdiffeq rows: the demo's training loop, odeint (backprop through
the solver) and odeint_adjoint (continuous adjoint), torch.optim.RMSprop, float32."""
from __future__ import annotations

import time

import numpy as np

from ...core import Context, Result, benchmark
from . import (ALPHA, ATOL, BATCH_TIME, EPS, HIDDEN, LR, RTOL, TRUE_Y0, final_mae,
               initial_weights, options, row, t_grid, true_trajectory)
from ..competition.torch_impl import _torch


def _make_func(torch, w1, b1, w2, b2):
    nn = torch.nn

    class ODEFunc(nn.Module):
        """net(y**3), net = Linear(2, 50) -> tanh -> Linear(50, 2); counts its
        evaluations and (through torchdiffeq's callback hooks) its steps."""

        def __init__(self):
            super().__init__()
            self.net = nn.Sequential(nn.Linear(2, HIDDEN), nn.Tanh(), nn.Linear(HIDDEN, 2))
            with torch.no_grad():
                for layer, w, b in ((self.net[0], w1, b1), (self.net[2], w2, b2)):
                    layer.weight.copy_(torch.from_numpy(w))
                    layer.bias.copy_(torch.from_numpy(b))
            self.calls = 0
            self.steps = 0

        def forward(self, t, y):
            self.calls += 1
            return self.net(y ** 3)

        def callback_accept_step(self, t0, y0, dt):
            self.steps += 1

        def callback_reject_step(self, t0, y0, dt):
            self.steps += 1
    return ODEFunc()


def _train(torch, seed: int, iterations: int, adjoint: bool):
    import torchdiffeq
    solve = torchdiffeq.odeint_adjoint if adjoint else torchdiffeq.odeint
    w1, b1, w2, b2, idx = initial_weights(seed, iterations)
    func = _make_func(torch, w1, b1, w2, b2)
    opt = torch.optim.RMSprop(func.parameters(), lr=LR, alpha=ALPHA, eps=EPS)
    t = torch.from_numpy(t_grid())
    true_y = torch.from_numpy(true_trajectory()).reshape(-1, 1, 2)  # (1000, 1, 2), as in the demo
    batch_t = t[:BATCH_TIME]
    idx = torch.from_numpy(idx)
    times, fwd, bwd, steps, losses = [], [], [], [], []
    for itr in range(iterations):
        t0 = time.perf_counter()
        opt.zero_grad()
        s = idx[itr]
        batch_y0 = true_y[s]  # (20, 1, 2)
        batch_y = torch.stack([true_y[s + i] for i in range(BATCH_TIME)], dim=0)  # (10, 20, 1, 2)
        c0, s0 = func.calls, func.steps
        pred_y = solve(func, batch_y0, batch_t, rtol=RTOL, atol=ATOL, method="dopri5")
        c1, s1 = func.calls, func.steps
        loss = torch.mean(torch.abs(pred_y - batch_y))
        loss.backward()
        opt.step()
        times.append(time.perf_counter() - t0)
        fwd.append(c1 - c0)
        bwd.append(func.calls - c1)
        steps.append(s1 - s0)
        losses.append(loss.item())
    with torch.no_grad():
        pred = torchdiffeq.odeint(func, torch.tensor([TRUE_Y0], dtype=torch.float32), t,
                                  rtol=RTOL, atol=ATOL, method="dopri5")
    return times, fwd, bwd, steps, losses, final_mae(pred.numpy())


def train_threads(torch, ctx: Context):
    """Context manager: torch.set_num_threads(--train-threads) for a training row, restored after."""
    import contextlib

    @contextlib.contextmanager
    def cm():
        prev = torch.get_num_threads()
        torch.set_num_threads(max(1, int(ctx.options.get("train_threads") or 1)))
        try:
            yield torch.get_num_threads()
        finally:
            torch.set_num_threads(prev)
    return cm()


def _rows(ctx: Context, adjoint: bool) -> Result:
    torch = _torch(ctx)
    iterations, seeds = options(ctx)
    maes = []
    with train_threads(torch, ctx) as threads:
        for seed in seeds:
            times, fwd, bwd, steps, losses, mae = _train(torch, seed, iterations, adjoint)
            maes.append(mae)
            if seed == seeds[0]:
                first = (times, fwd, bwd, steps, losses)
    times, fwd, bwd, steps, losses = first
    note = ("odeint_adjoint (adjoint rtol/atol = forward's, torchdiffeq's default mixed norm)"
            if adjoint else "odeint, backprop through the solver's operations (bwd nfe 0: autograd replays the tape)")
    note += f"; torch threads {threads} (--train-threads)"
    note += "; steps = accepted + rejected (callback hooks), counts taken in the timed run"
    return row(times, maes, steps=steps, nfe_fwd=fwd, nfe_bwd=bwd, losses=losses, note=note)


@benchmark("spiral-iteration", "torchdiffeq odeint dopri5 + RMSprop", library="torch")
def spiral_torch(ctx: Context) -> Result:
    return _rows(ctx, adjoint=False)


@benchmark("spiral-iteration-adjoint", "torchdiffeq odeint_adjoint dopri5 + RMSprop", library="torch")
def spiral_adjoint_torch(ctx: Context) -> Result:
    return _rows(ctx, adjoint=True)
