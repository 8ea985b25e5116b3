"""torch + torchdiffeq rows: the ODE-Net trained with ``odeint`` (fixed grid, step 0.25, backprop
through the solver's operations) and ``torch.optim.Adam``, float32.

Two rows, the same model, data, weights and batches:

- ``method="rk4"``: what a torchdiffeq user writes. torchdiffeq's ``rk4`` is Kutta's 3/8 rule
  (``rk4_alt_step_func``), not the classical method notebook's ``rk4`` is (see the package
  docstring): the same cost, 4 evaluations per step, a slightly different solution.
- classical rk4: torchdiffeq's fixed-grid solver with its classical step function
  (``torchdiffeq._impl.rk_common.rk4_step_func``), registered in torchdiffeq's solver table as
  ``notebook_classical_rk4``; this uses torchdiffeq's private API (checked on 0.2.5) and fails
  with a message if that changes.
"""
from __future__ import annotations

import time

import numpy as np

from ...core import Context, Result, benchmark
from . import (BATCH, BETA1, BETA2, EPS, LR, STEP_SIZE, T0, T1, batches, options, problem, row)
from ..competition.torch_impl import _torch
from ..spiral.torch_impl import train_threads
from ..initialisation import torch_linear

CLASSICAL = "notebook_classical_rk4"


def _register_classical_rk4() -> None:
    """Adds torchdiffeq's classical RK4 step (its own ``rk4_step_func``) as a fixed-grid method."""
    import importlib
    odeint_module = importlib.import_module("torchdiffeq._impl.odeint")  # the module, not the function _impl exports
    from torchdiffeq._impl.rk_common import rk4_step_func
    from torchdiffeq._impl.solvers import FixedGridODESolver
    if CLASSICAL in odeint_module.SOLVERS:
        return

    class ClassicalRK4(FixedGridODESolver):
        order = 4

        def _step_func(self, func, t0, dt, t1, y0):
            f0 = func(t0, y0)
            return rk4_step_func(func, t0, dt, t1, y0, f0=f0), f0

    odeint_module.SOLVERS[CLASSICAL] = ClassicalRK4


def _model(torch, weights):
    nn = torch.nn

    def linear(name):
        return torch_linear(torch, weights, name)

    class Field(nn.Module):
        """f(t, h) = fc2(tanh(fc1([h; t]))); counts its evaluations."""

        def __init__(self):
            super().__init__()
            self.fc1, self.fc2 = linear("f.fc1"), linear("f.fc2")
            self.calls = 0

        def forward(self, t, h):
            self.calls += 1
            tt = t.to(h.dtype).expand(h.shape[0], 1)
            return self.fc2(torch.tanh(self.fc1(torch.cat((h, tt), dim=1))))

    class OdeNet(nn.Module):
        def __init__(self, method: str):
            super().__init__()
            self.input, self.field, self.readout = linear("input"), Field(), linear("readout")
            self.method = method
            self.register_buffer("ts", torch.tensor([T0, T1], dtype=torch.float32))

        def forward(self, x):
            import torchdiffeq
            h = torchdiffeq.odeint(self.field, self.input(x), self.ts, method=self.method,
                                   options={"step_size": STEP_SIZE})[-1]
            return self.readout(h)
    return OdeNet


def _accuracy(torch, model, x, y) -> float:
    with torch.no_grad():
        return float((model(x).argmax(dim=1) == y).float().mean())


def _train(ctx: Context, method: str, note: str) -> Result:
    torch = _torch(ctx)
    epochs, seed = options(ctx)
    train_x, train_y, test_x, test_y, weights, orders = problem(seed, epochs)
    train_x, train_y = torch.from_numpy(train_x), torch.from_numpy(train_y)
    test_x, test_y = torch.from_numpy(test_x), torch.from_numpy(test_y)
    orders = torch.from_numpy(orders)
    model = _model(torch, weights)(method)
    parameters = sum(p.numel() for p in model.parameters())
    opt = torch.optim.Adam(model.parameters(), lr=LR, betas=(BETA1, BETA2), eps=EPS)
    cross_entropy = torch.nn.functional.cross_entropy
    n = train_x.shape[0]
    spans = batches(n)
    times, losses, nfe = [], [], []
    with train_threads(torch, ctx) as threads:
        for epoch in range(epochs):
            t0 = time.perf_counter()
            order = orders[epoch]
            loss_sum = torch.zeros((), dtype=torch.float64)
            calls = model.field.calls
            for start, stop in spans:
                index = order[start:stop]
                opt.zero_grad()
                loss = cross_entropy(model(train_x[index]), train_y[index])
                loss.backward()
                opt.step()
                loss_sum += loss.detach().double() * (stop - start)
            times.append(time.perf_counter() - t0)
            nfe.append((model.field.calls - calls) / len(spans))
            losses.append(float(loss_sum) / n)
        test_accuracy = _accuracy(torch, model, test_x, test_y)
        train_accuracy = _accuracy(torch, model, train_x, train_y)
    return row(times, losses, test_accuracy=test_accuracy, train_accuracy=train_accuracy, parameters=parameters,
               nfe_forward=float(np.mean(nfe)),
               note=f"{note}; torch threads {threads} (--train-threads); batch {BATCH}, {len(spans)} batches an epoch; "
                    "nfe = forward evaluations of f per batch (the backward pass replays autograd's tape, 0 evaluations)")


@benchmark("odenet-epoch", "torchdiffeq odeint rk4 (3/8 rule), backprop + Adam", library="torch")
def odenet_torch(ctx: Context) -> Result:
    return _train(ctx, "rk4", "torchdiffeq method='rk4', options={'step_size': 0.25}: Kutta's 3/8 rule, "
                              "not notebook's classical rk4 (same cost)")


@benchmark("odenet-epoch", "torchdiffeq odeint classical rk4, backprop + Adam", library="torch")
def odenet_torch_classical(ctx: Context) -> Result:
    _register_classical_rk4()
    return _train(ctx, CLASSICAL, "torchdiffeq's FixedGridODESolver with its classical rk4_step_func "
                                  "(private API), step 0.25: notebook's method")
