"""The ODE-Net digits classifier of the ``{odenet}`` block at its defaults, one training epoch, float32.

This is the workload ``odenet-epoch`` of ``notebook-bench``
(``Sources/notebook-bench/OdeNetWorkloads.swift``): the default ``{odenet}`` configuration
(``docs/format.md``, section ``{odenet}``) trained for ``--odenet-epochs`` epochs (default 40,
the block's default), timed per epoch.

Data: ``notebooks/data/digits.csv`` (scikit-learn's 8x8 digits: 1797 rows, header
``p0,...,p63,label``), pixels divided by 16. A seeded 80/20 split: a permutation of the 1797 rows
drawn from ``numpy.random.default_rng(seed)``, its first round(1797 * 0.2) = 359 rows the test set,
the other 1438 the training set (not stratified; the same sizes as notebook's split, not the same
rows: notebook shuffles with its own generator).

Model (4554 parameters, as notebook's ``DepthClassifier``):

- input layer h0 = W_in x + b_in (64 -> 32, no activation);
- ODE function f(t, h) = W2 tanh(W1 [h; t] + b1) + b2 (33 -> 32 -> 32, the time appended as the
  last input), integrated from h(0) = h0 to h(1) over t in [0, 1] by a fourth-order Runge-Kutta
  method in 4 fixed steps of 0.25 (16 evaluations of f per forward pass), the whole minibatch as
  one system;
- read-out logits = W_out h(1) + b_out (32 -> 10);
- loss: the mean softmax cross-entropy of the minibatch; the gradient by backpropagation
  through the solver's operations.

Training: Adam, lr 2e-3, betas (0.9, 0.999), eps 1e-8, one step per minibatch of 64 (the last
of an epoch has 1438 - 22 * 64 = 30 samples, 23 batches an epoch); each epoch shuffles the
training rows. Everything float32.

**The rk4 variant.** notebook's ``rk4`` (``ButcherTableau.rk4``, ``Sources/ODE/FixedStepMethods.swift``)
is the classical Runge-Kutta method (Kutta 1901: c = 0, 1/2, 1/2, 1; b = 1/6, 1/3, 1/3, 1/6).
torchdiffeq's ``method="rk4"`` is NOT: its ``RK4`` solver steps with ``rk4_alt_step_func``, Kutta's
3/8 rule (c = 0, 1/3, 2/3, 1; b = 1/8, 3/8, 3/8, 1/8), also fourth order, also 4 evaluations per step.
So the torchdiffeq ``rk4`` row does the same amount of work as notebook's but computes a slightly
different function of the weights (a different network, in the ODE-Net reading); its timing
compares, its accuracy need not agree to rounding. A second torch row gives torchdiffeq the
classical method through its own fixed-grid solver class and its own classical step function
(``rk4_step_func``), registered under a new method name (torchdiffeq's private API); diffrax has
no RK4 solver, so the jax row defines the classical tableau as a diffrax ``AbstractERK``.

Every peer implementation starts from the same weights and sees the same batches: seed s draws
from ``numpy.random.default_rng(s)`` the split, then the weights (torch's default ``nn.Linear``
init, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), weights then biases, layer by layer: input layer, f's
first and second layer, read-out), then one permutation of the training rows per epoch. notebook
draws the same distribution from its own generator (weights seed 0, shuffles seed 1), so its
accuracy is one more sample of the same training, not the same numbers.

Known differences from notebook, none of which changes the work per epoch:

- Adam's epsilon: notebook's ``Adam`` uses the Keras form (eps added to sqrt(v), the bias
  correction folded into the step size), torch and the jax row torch's form (eps added to
  sqrt(v_hat)); with eps = 1e-8 the two differ only where sqrt(v) is below ~1e-7.
- notebook keeps its parameters, the solver's state, the gradient and Adam in float64 and runs the
  networks in float32 (``dtype: float32``); the peers are float32 throughout.

Timing, as notebook times it (``ClassifierTraining``): one epoch = the shuffle, the gathering of the
batches and, per batch, forward pass, loss, backward pass and Adam step; the accuracy measurements
after an epoch are not timed. median / min over the run's epochs (the first included: there is no
warm-up epoch, as in notebook's run; the jax row compiles before the first epoch, untimed, the
compile time in the notes). With an even epoch count Python's median is the mean of the two middle
epochs, notebook-bench's the upper one of them.
"""
from __future__ import annotations

import functools
import statistics
from pathlib import Path

import numpy as np

INPUTS, WIDTH, CLASSES = 64, 32, 10
T0, T1, STEPS = 0.0, 1.0, 4
STEP_SIZE = (T1 - T0) / STEPS
EPOCHS, BATCH = 40, 64
LR, BETA1, BETA2, EPS = 2e-3, 0.9, 0.999, 1e-8
TEST_FRACTION = 0.2
NFE_PER_FORWARD = 4 * STEPS  # a fourth-order 4-stage method, 4 steps

# (name, out, in) in the order the weights are drawn (notebook's layout: input layer, field, read-out)
LAYERS = [("input", WIDTH, INPUTS), ("f.fc1", WIDTH, WIDTH + 1), ("f.fc2", WIDTH, WIDTH), ("readout", CLASSES, WIDTH)]
PARAMETERS = sum((n_in + 1) * n_out for _, n_out, n_in in LAYERS)
NOTEBOOK_PARAMETERS = 4554  # DepthClassifier(.odenet, inputs 64, width 32, classes 10).parameterCount
assert PARAMETERS == NOTEBOOK_PARAMETERS, PARAMETERS

DIGITS = Path(__file__).resolve().parents[5] / "notebooks" / "data" / "digits.csv"


def options(ctx) -> tuple[int, int]:
    """(epochs, seed) from the command line."""
    return int(ctx.options.get("odenet_epochs") or EPOCHS), 0


@functools.lru_cache(maxsize=1)
def digits() -> tuple[np.ndarray, np.ndarray]:
    """(features (1797, 64) float32 in [0, 1], labels (1797,) int64)."""
    table = np.loadtxt(DIGITS, delimiter=",", skiprows=1, dtype=np.float64)
    if table.shape != (1797, INPUTS + 1):
        raise ValueError(f"{DIGITS}: expected 1797 rows of 65 columns, got {table.shape}")
    return (table[:, :INPUTS] / 16.0).astype(np.float32), table[:, INPUTS].astype(np.int64)


@functools.lru_cache(maxsize=4)
def problem(seed: int, epochs: int):
    """(train_x, train_y, test_x, test_y, weights {name: (W (out, in), b)}, orders (epochs, n_train)), float32."""
    x, y = digits()
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(y))
    n_test = round(len(y) * TEST_FRACTION)
    test, train = perm[:n_test], perm[n_test:]
    weights = fan_in_uniform(rng, LAYERS)
    orders = np.stack([rng.permutation(len(train)) for _ in range(epochs)]) if epochs else np.zeros((0, len(train)), np.int64)
    return x[train], y[train], x[test], y[test], weights, orders


def batches(n: int) -> list[tuple[int, int]]:
    """(start, stop) of the minibatches of an epoch of n samples; the last may be smaller."""
    return [(s, min(s + BATCH, n)) for s in range(0, n, BATCH)]


def row(times, losses, *, test_accuracy: float, train_accuracy: float, parameters: int,
        nfe_forward: float, note: str = ""):
    """The Result: median / min seconds per epoch, runs = epochs, nfe = field evaluations per forward pass."""
    from ...core import Result
    if parameters != NOTEBOOK_PARAMETERS:
        raise AssertionError(f"{parameters} parameters, notebook's model has {NOTEBOOK_PARAMETERS}")
    notes = [note] if note else []
    notes.append(f"{len(times)} epochs, {sum(times):.2f} s; first epoch {times[0] * 1e3:.1f} ms")
    notes.append(f"train loss (mean over the epoch's batches) first epoch {losses[0]:.4f}, last {losses[-1]:.4f}")
    notes.append(f"after the last epoch: test accuracy {test_accuracy:.4f}, train accuracy {train_accuracy:.4f}")
    notes.append(f"{parameters} parameters")
    extras = {"test_accuracy": float(test_accuracy), "train_accuracy": float(train_accuracy),
              "parameters": float(parameters), "train_loss_last": float(losses[-1])}
    return Result(statistics.median(times), min(times), len(times), steps=None, nfe=float(nfe_forward),
                  notes="; ".join(notes), extras=extras)


from . import jax_impl, torch_impl  # noqa: E402,F401
from ..initialisation import fan_in_uniform
