"""Python-floats rows: the hand-written discrete adjoint (the reference itself, timed)."""
from __future__ import annotations

from ...core import Context, Result, benchmark
from . import (FIT_EPOCHS, FIT_STEPS, GRAD_OBS_STEPS, GRAD_H, GRAD_STEPS, GUESS, fit_python,
               fit_check, fit_notes, gradient_row, loss_and_gradient)


@benchmark("species-gradient-euler-1000", "python floats, hand-written adjoint", library="numpy")
def gradient_python(ctx: Context) -> Result:
    med, mn, runs, (loss, g) = ctx.measure(lambda: loss_and_gradient(GUESS, GRAD_H, GRAD_STEPS, GRAD_OBS_STEPS))
    return gradient_row(med, mn, runs, loss, g, "the reference: forward 1000 steps, reverse 1000 steps")


@benchmark("species-fit-adam", "python floats, hand-written adjoint + Adam", library="numpy")
def fit_python_row(ctx: Context) -> Result:
    med, mn, runs, (p, losses) = ctx.measure(fit_python, min_runs=3)
    return Result(med, mn, runs, steps=FIT_EPOCHS, nfe=FIT_EPOCHS * FIT_STEPS,
                  check=fit_check(losses), notes=fit_notes(losses, "the reference"))
