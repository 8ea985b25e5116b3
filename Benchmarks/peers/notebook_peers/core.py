"""Registry, timing and result types shared by every workload module.

A workload module registers one function per (workload, implementation):

    @benchmark("competition-euler", "jax lax.scan (jit)", library="jax")
    def _(ctx: Context) -> Result: ...

The function builds its inputs, warms up (jit compilation happens there), times
the call with ``ctx.measure`` and returns a ``Result`` with median/min seconds,
the step and function-evaluation counts the library exposes, and the error of
its final state against the workload's reference. Heavy libraries are imported
inside the functions so that ``--only`` and a missing torch cost nothing.
"""
from __future__ import annotations

import dataclasses
import gc
import statistics
import time
from typing import Any, Callable, Optional


@dataclasses.dataclass
class Result:
    median_s: float
    min_s: float
    runs: int
    steps: Optional[float] = None  # accepted+rejected steps, as the library counts them
    nfe: Optional[float] = None  # vector-field evaluations
    error: Optional[float] = None  # max relative error vs the high-accuracy reference
    check: Optional[float] = None  # max relative deviation vs the method's own reference (e.g. the Euler recurrence)
    notes: str = ""
    # further named figures shown as extra columns when a row has them (see report.EXTRA_COLUMNS),
    # e.g. {"final_mae": ...} for the training workloads
    extras: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Bench:
    workload: str
    implementation: str
    library: str  # "numpy", "scipy", "jax", "torch": used by --skip-library and for thread setup
    fn: Callable[["Context"], Result]
    order: int = 0


@dataclasses.dataclass
class Timing:
    min_runs: int = 5
    max_runs: int = 20
    budget_s: float = 2.0
    warmup: int = 1


class Context:
    """What a benchmark function gets: the timing policy, the thread count and
    workload options from the command line (e.g. scipy_loop_sample)."""

    def __init__(self, timing: Timing, threads: int, options: Optional[dict] = None):
        self.timing = timing
        self.threads = threads
        self.options = dict(options or {})

    def measure(self, fn: Callable[[], Any], *, warmup: Optional[int] = None,
                min_runs: Optional[int] = None, max_runs: Optional[int] = None,
                budget_s: Optional[float] = None) -> tuple[float, float, int, Any]:
        """Times ``fn()`` (which must return only once its work is finished:
        block_until_ready for jax). Runs until ``max_runs`` or until ``budget_s``
        has passed and at least ``min_runs`` ran. Returns (median, min, runs, last output).
        """
        t = self.timing
        warmup = t.warmup if warmup is None else warmup
        min_runs = t.min_runs if min_runs is None else min_runs
        max_runs = t.max_runs if max_runs is None else max_runs
        budget_s = t.budget_s if budget_s is None else budget_s
        out = None
        for _ in range(warmup):
            out = fn()
        gc.collect()
        times: list[float] = []
        start = time.perf_counter()
        while len(times) < max_runs:
            t0 = time.perf_counter()
            out = fn()
            times.append(time.perf_counter() - t0)
            if len(times) >= min_runs and time.perf_counter() - start >= budget_s:
                break
        return statistics.median(times), min(times), len(times), out


REGISTRY: list[Bench] = []


def benchmark(workload: str, implementation: str, *, library: str):
    def register(fn: Callable[[Context], Result]) -> Callable[[Context], Result]:
        REGISTRY.append(Bench(workload, implementation, library, fn, order=len(REGISTRY)))
        return fn
    return register


def max_rel_error(x, ref) -> float:
    """max |x - ref| / |ref| over every component (and every trajectory)."""
    import numpy as np
    x = np.asarray(x, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    if x.shape != ref.shape:
        raise ValueError(f"final state has shape {x.shape}, reference {ref.shape}")
    return float(np.max(np.abs(x - ref) / np.maximum(np.abs(ref), 1e-300)))


class ForeignLoad:
    """CPU used by OTHER processes while a block runs (Linux /proc/stat minus
    this process's own CPU time), in cores: other builds on a shared machine
    make timings unreliable, and the table says so."""

    def __init__(self):
        self.start()

    @staticmethod
    def _busy_s() -> Optional[float]:
        try:
            import os
            with open("/proc/stat") as fh:
                f = [int(v) for v in fh.readline().split()[1:]]
            busy = f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] if len(f) > 7 else 0)  # user nice system irq softirq steal
            return busy / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    @staticmethod
    def _self_s() -> float:
        import resource
        r = resource.getrusage(resource.RUSAGE_SELF)
        c = resource.getrusage(resource.RUSAGE_CHILDREN)
        return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime

    def start(self) -> None:
        self._wall = time.perf_counter()
        self._busy = self._busy_s()
        self._self = self._self_s()

    def cores(self) -> Optional[float]:
        busy = self._busy_s()
        wall = time.perf_counter() - self._wall
        if busy is None or self._busy is None or wall <= 0:
            return None
        return max(0.0, (busy - self._busy) - (self._self_s() - self._self)) / wall
