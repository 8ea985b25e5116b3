"""scipy.integrate.solve_ivp(method="RK45") rows: scipy's Dormand-Prince 5(4)."""
from __future__ import annotations

import numpy as np

from ...core import Context, Result, benchmark, max_rel_error
from . import ATOL, BATCH, RTOL, T0, T1, X0, batch_x0, reference_batch, reference_single, rhs_columns


def _f(t, x):
    return rhs_columns(x[0], x[1])


def _accepted_steps(f, y0) -> int:
    """Untimed run without t_eval: scipy keeps every accepted step's time."""
    from scipy.integrate import solve_ivp
    sol = solve_ivp(f, (T0, T1), y0, method="RK45", rtol=RTOL, atol=ATOL)
    return len(sol.t) - 1


@benchmark("competition-dopri5", "scipy solve_ivp RK45", library="scipy")
def dopri5_scipy(ctx: Context) -> Result:
    from scipy.integrate import solve_ivp
    y0 = np.array(X0)

    def run():
        return solve_ivp(_f, (T0, T1), y0, method="RK45", rtol=RTOL, atol=ATOL, t_eval=[T1])
    med, mn, runs, sol = ctx.measure(run)
    assert sol.success, sol.message
    return Result(med, mn, runs, steps=_accepted_steps(_f, y0), nfe=sol.nfev,
                  error=max_rel_error(sol.y[:, -1], reference_single()),
                  notes="steps = accepted (scipy does not count rejected)")


@benchmark("competition-dopri5-batch10k", "scipy solve_ivp RK45, batch as one system", library="scipy")
def dopri5_batch_scipy_system(ctx: Context) -> Result:
    from scipy.integrate import solve_ivp
    y0 = batch_x0().T.reshape(-1)  # [x1 of every trajectory, x2 of every trajectory]

    def f(t, y):
        x = y.reshape(2, BATCH)
        d1, d2 = rhs_columns(x[0], x[1])
        return np.concatenate([d1, d2])

    def run():
        return solve_ivp(f, (T0, T1), y0, method="RK45", rtol=RTOL, atol=ATOL, t_eval=[T1])
    med, mn, runs, sol = ctx.measure(run)
    assert sol.success, sol.message
    final = sol.y[:, -1].reshape(2, BATCH).T
    return Result(med, mn, runs, steps=_accepted_steps(f, y0), nfe=sol.nfev,
                  error=max_rel_error(final, reference_batch()),
                  notes="one shared step size, RMS error norm over all 20000 components")


@benchmark("competition-dopri5-batch10k", "scipy solve_ivp RK45, loop over trajectories", library="scipy")
def dopri5_batch_scipy_loop(ctx: Context) -> Result:
    """10,000 separate solve_ivp calls take over a minute per run, so by default
    a sample of the first N trajectories is timed and scaled to 10,000
    (--scipy-loop-sample 0 runs all of them)."""
    from scipy.integrate import solve_ivp
    x0 = batch_x0()
    n = int(ctx.options.get("scipy_loop_sample", 200)) or BATCH
    n = min(n, BATCH)
    scale = BATCH / n

    def run():
        finals = np.empty((n, 2))
        nfev = 0
        for i in range(n):
            sol = solve_ivp(_f, (T0, T1), x0[i], method="RK45", rtol=RTOL, atol=ATOL, t_eval=[T1])
            finals[i] = sol.y[:, -1]
            nfev += sol.nfev
        return finals, nfev
    if n == BATCH:
        med, mn, runs, (finals, nfev) = ctx.measure(run, warmup=0, min_runs=1, max_runs=1)
    else:
        med, mn, runs, (finals, nfev) = ctx.measure(run, warmup=0, min_runs=3, max_runs=5)
    steps = sum(_accepted_steps(_f, x0[i]) for i in range(n))
    notes = "per-trajectory steps; steps/nfe are totals over trajectories"
    if n < BATCH:
        notes = (f"EXTRAPOLATED: first {n} trajectories timed, times/steps/nfe x{scale:g}; "
                 "error over the sample; " + notes)
    return Result(med * scale, mn * scale, runs, steps=steps * scale, nfe=nfev * scale,
                  error=max_rel_error(finals, reference_batch()[:n]), notes=notes)
