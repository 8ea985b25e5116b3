"""The two-species competition model, its workloads and their references.

    dx1/dt = r1*x1*(1 - iN1*x1) - a1*x1*x2
    dx2/dt = r2*x2*(1 - iN2*x2) - a2*x1*x2,   x0 = (100, 150), t in [0, 100]

Workloads (float64):
  competition-euler            explicit Euler, h = 0.1, 1000 steps, one trajectory
  competition-dopri5           Dormand-Prince 5(4), rtol 1e-8, atol 1e-10, final state only
  competition-euler-batch10k   Euler as above for 10,000 initial conditions
  competition-dopri5-batch10k  dopri5 as above for the same 10,000 initial conditions

The batch initial conditions are x0 * U(0.5, 1.5) per component drawn with
numpy.random.default_rng(0).uniform(0.5, 1.5, size=(10000, 2)).
"""
from __future__ import annotations

import functools

import numpy as np

R1, R2 = 0.1, 0.3
A1, A2 = 1e-4, 2e-4
IN1, IN2 = 0.002, 0.003
X0 = (100.0, 150.0)
T0, T1 = 0.0, 100.0
H = 0.1
EULER_STEPS = 1000
RTOL, ATOL = 1e-8, 1e-10
BATCH = 10_000
SEED = 0
# Check value of the Euler workload given with the task.
EULER_EXPECTED = (373.56820343, 250.44159839)


def batch_x0() -> np.ndarray:
    """(10000, 2) float64 initial conditions, the same for every library."""
    rng = np.random.default_rng(SEED)
    return np.asarray(X0) * rng.uniform(0.5, 1.5, size=(BATCH, 2))


def rhs_columns(x1, x2):
    """The vector field on components (floats or arrays of any library)."""
    d1 = R1 * x1 * (1 - IN1 * x1) - A1 * x1 * x2
    d2 = R2 * x2 * (1 - IN2 * x2) - A2 * x1 * x2
    return d1, d2


@functools.lru_cache(maxsize=None)
def reference_single() -> np.ndarray:
    """x(100) from scipy DOP853 at rtol 1e-13 (atol 1e-13)."""
    from scipy.integrate import solve_ivp

    def f(t, x):
        return rhs_columns(x[0], x[1])
    sol = solve_ivp(f, (T0, T1), list(X0), method="DOP853", rtol=1e-13, atol=1e-13, t_eval=[T1])
    assert sol.success, sol.message
    return sol.y[:, -1].copy()


@functools.lru_cache(maxsize=None)
def reference_batch() -> np.ndarray:
    """(10000, 2) x(100) from scipy DOP853 at rtol 1e-13, the batch as one
    vectorised system (its RMS error norm at 1e-13 keeps every trajectory
    far below the 1e-8 tolerance under test)."""
    from scipy.integrate import solve_ivp
    x0 = batch_x0()

    def f(t, y):
        x = y.reshape(2, BATCH)
        d1, d2 = rhs_columns(x[0], x[1])
        return np.concatenate([d1, d2])
    sol = solve_ivp(f, (T0, T1), x0.T.reshape(-1), method="DOP853", rtol=1e-13, atol=1e-13, t_eval=[T1])
    assert sol.success, sol.message
    return sol.y[:, -1].reshape(2, BATCH).T.copy()


@functools.lru_cache(maxsize=None)
def euler_reference_single() -> np.ndarray:
    """The Euler recurrence in Python floats (what every Euler row must reproduce)."""
    x1, x2 = X0
    for _ in range(EULER_STEPS):
        d1, d2 = rhs_columns(x1, x2)
        x1, x2 = x1 + H * d1, x2 + H * d2
    return np.array([x1, x2])


@functools.lru_cache(maxsize=None)
def euler_reference_batch() -> np.ndarray:
    x = batch_x0()
    x1, x2 = x[:, 0].copy(), x[:, 1].copy()
    for _ in range(EULER_STEPS):
        d1, d2 = rhs_columns(x1, x2)
        x1, x2 = x1 + H * d1, x2 + H * d2
    return np.stack([x1, x2], axis=1)


def self_check() -> None:
    e = euler_reference_single()
    assert np.allclose(e, EULER_EXPECTED, rtol=0, atol=1e-7), e


# Register the implementations (order here is the order of rows in the table).
from . import numpy_impl, scipy_impl, jax_impl, torch_impl  # noqa: E402,F401
