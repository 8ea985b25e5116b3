"""Plain Python / numpy implementations of the competition workloads."""
from __future__ import annotations

import numpy as np

from ...core import Context, Result, benchmark, max_rel_error
from . import (EULER_STEPS, H, X0, batch_x0, euler_reference_batch, euler_reference_single,
               reference_batch, reference_single, rhs_columns)


@benchmark("competition-euler", "python loop (floats)", library="numpy")
def euler_python(ctx: Context) -> Result:
    def run():
        x1, x2 = X0
        for _ in range(EULER_STEPS):
            d1, d2 = rhs_columns(x1, x2)
            x1, x2 = x1 + H * d1, x2 + H * d2
        return (x1, x2)
    med, mn, runs, out = ctx.measure(run)
    return Result(med, mn, runs, steps=EULER_STEPS, nfe=EULER_STEPS,
                  error=max_rel_error(out, reference_single()),
                  check=max_rel_error(out, euler_reference_single()))


@benchmark("competition-euler", "numpy loop (array of 2)", library="numpy")
def euler_numpy(ctx: Context) -> Result:
    x0 = np.array(X0)

    def f(x):
        return np.array(rhs_columns(x[0], x[1]))

    def run():
        x = x0.copy()
        for _ in range(EULER_STEPS):
            x = x + H * f(x)
        return x
    med, mn, runs, out = ctx.measure(run)
    return Result(med, mn, runs, steps=EULER_STEPS, nfe=EULER_STEPS,
                  error=max_rel_error(out, reference_single()),
                  check=max_rel_error(out, euler_reference_single()))


@benchmark("competition-euler-batch10k", "numpy vectorised (10000,) columns", library="numpy")
def euler_batch_numpy(ctx: Context) -> Result:
    x0 = batch_x0()
    c1, c2 = np.ascontiguousarray(x0[:, 0]), np.ascontiguousarray(x0[:, 1])

    def run():
        x1, x2 = c1, c2
        for _ in range(EULER_STEPS):
            d1, d2 = rhs_columns(x1, x2)
            x1, x2 = x1 + H * d1, x2 + H * d2
        return np.stack([x1, x2], axis=1)
    med, mn, runs, out = ctx.measure(run)
    return Result(med, mn, runs, steps=EULER_STEPS, nfe=EULER_STEPS,
                  error=max_rel_error(out, reference_batch()),
                  check=max_rel_error(out, euler_reference_batch()))
