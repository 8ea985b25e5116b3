"""torch + torchdiffeq row: the example's training loop (odeint, backprop through
the solver, torch.optim.Adam), float32."""
from __future__ import annotations

import math
import time

from ...core import Context, Result, benchmark
from . import (BETA1, BETA2, EPS, LATENT_DIM, LR, NOISE_STD, RTOL, ATOL, options, problem, row)
from ..competition.torch_impl import _torch
from ..spiral.torch_impl import train_threads
from ..initialisation import torch_linear


def _modules(torch, weights):
    nn = torch.nn

    def linear(name):
        return torch_linear(torch, weights, name)

    class Func(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1, self.fc2, self.fc3 = linear("func.fc1"), linear("func.fc2"), linear("func.fc3")
            self.calls = self.steps = 0

        def forward(self, t, z):
            self.calls += 1
            elu = torch.nn.functional.elu
            return self.fc3(elu(self.fc2(elu(self.fc1(z)))))

        def callback_accept_step(self, t0, y0, dt):
            self.steps += 1

        def callback_reject_step(self, t0, y0, dt):
            self.steps += 1

    class Rec(nn.Module):
        def __init__(self):
            super().__init__()
            self.i2h, self.h2o = linear("rec.i2h"), linear("rec.h2o")

        def forward(self, x, h):
            h = torch.tanh(self.i2h(torch.cat((x, h), dim=1)))
            return self.h2o(h), h

    class Dec(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1, self.fc2 = linear("dec.fc1"), linear("dec.fc2")

        def forward(self, z):
            return self.fc2(torch.relu(self.fc1(z)))
    return Func(), Rec(), Dec()


@benchmark("latent-ode-iteration", "torchdiffeq odeint dopri5 + Adam", library="torch")
def latent_torch(ctx: Context) -> Result:
    torch = _torch(ctx)
    import torchdiffeq
    iterations, ntotal, seed = options(ctx)
    samp, ts, weights, eps = problem(seed, iterations, ntotal)
    samp, ts, eps = torch.from_numpy(samp), torch.from_numpy(ts), torch.from_numpy(eps)
    func, rec, dec = _modules(torch, weights)
    params = list(func.parameters()) + list(dec.parameters()) + list(rec.parameters())
    opt = torch.optim.Adam(params, lr=LR, betas=(BETA1, BETA2), eps=EPS)
    log2pi = math.log(2 * math.pi)
    noise_logvar = 2 * math.log(NOISE_STD)
    times, fwd, bwd, steps, losses = [], [], [], [], []
    with train_threads(torch, ctx) as threads:
        for itr in range(iterations):
            t0 = time.perf_counter()
            opt.zero_grad()
            h = torch.zeros(samp.shape[0], rec.i2h.out_features)
            for k in reversed(range(samp.shape[1])):
                out, h = rec(samp[:, k, :], h)
            qz0_mean, qz0_logvar = out[:, :LATENT_DIM], out[:, LATENT_DIM:]
            z0 = eps[itr] * torch.exp(0.5 * qz0_logvar) + qz0_mean
            c0, s0 = func.calls, func.steps
            pred_z = torchdiffeq.odeint(func, z0, ts, rtol=RTOL, atol=ATOL, method="dopri5").permute(1, 0, 2)
            c1, s1 = func.calls, func.steps
            pred_x = dec(pred_z)
            logpx = (-0.5 * (log2pi + noise_logvar + (samp - pred_x) ** 2 / math.exp(noise_logvar))).sum(-1).sum(-1)
            kl = (-qz0_logvar / 2 + (torch.exp(qz0_logvar) + qz0_mean ** 2) / 2 - 0.5).sum(-1)  # vs N(0, I)
            loss = torch.mean(-logpx + kl, dim=0)
            loss.backward()
            opt.step()
            times.append(time.perf_counter() - t0)
            fwd.append(c1 - c0)
            bwd.append(func.calls - c1)
            steps.append(s1 - s0)
            losses.append(loss.item())
    return row(times, losses, steps=steps, nfe_fwd=fwd, nfe_bwd=bwd,
               note=f"ntotal {ntotal}; torch threads {threads} (--train-threads); bwd nfe 0: autograd replays the tape; "
                    "steps = accepted + rejected (callback hooks); counts taken in the timed run")
