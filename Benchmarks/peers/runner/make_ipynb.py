"""Writes three-blocks.ipynb, the Jupyter twin of three-blocks.md.

The markdown cells are the Markdown notebook's own prose (split at its experiment blocks, the
front matter's title as a level-1 heading); each experiment block becomes one code cell doing the
same computation with numpy / scipy and drawing the same figures with matplotlib (Agg, 1280 x 840
pixels like notebook's 2x figures).

    python make_ipynb.py [OUT.ipynb]      # default: three-blocks.ipynb next to this file

The output is deterministic (fixed cell ids), so regenerating it leaves git clean.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "three-blocks.md"

# One code cell per experiment block of three-blocks.md, by block id, in order.
CELLS: dict[str, str] = {}

CELLS["competition"] = '''\
import io

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Image, display

# notebook's figures: 640 x 420 points at 2x density = 1280 x 840 pixels.
def figure(title, xlabel="t", ylabel="state"):
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ax.set_title(title, fontweight="bold")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, color="0.9")
    return fig, ax

def show(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=200)
    plt.close(fig)
    display(Image(data=buffer.getvalue(), format="png"))

def time_plot(title, t, columns, observed=None):
    fig, ax = figure(title)
    for i, (name, values) in enumerate(columns.items()):
        ax.plot(t, values, color=f"C{i}", label=name)
        if observed is not None and name in observed:
            ax.plot(observed["t"], observed[name], "o", color=f"C{i}", label=f"{name} observed")
    ax.legend()
    show(fig)

def phase_plot(x, y, xlabel, ylabel):
    fig, ax = figure("Phase portrait", xlabel, ylabel)
    ax.plot(x, y, color="C2", label="trajectory")
    ax.plot(x[:1], y[:1], "s", color="C3", label="start")
    ax.legend()
    show(fig)

# Two species competing, the Euler recurrence (h = 0.1, 1000 steps)
params = dict(r1=0.1, r2=0.3, a1=1e-4, a2=2e-4, iN1=0.002, iN2=0.003)

def euler(p, x0=(100.0, 150.0), h=0.1, steps=1000):
    r1, r2, a1, a2, iN1, iN2 = (p[k] for k in ("r1", "r2", "a1", "a2", "iN1", "iN2"))
    x1, x2 = x0
    xs = np.empty((steps + 1, 2))
    xs[0] = x0
    for n in range(steps):
        d1 = r1 * x1 * (1 - iN1 * x1) - a1 * x1 * x2
        d2 = r2 * x2 * (1 - iN2 * x2) - a2 * x1 * x2
        x1, x2 = x1 + h * d1, x2 + h * d2
        xs[n + 1] = x1, x2
    return h * np.arange(steps + 1), xs

t, xs = euler(params)
print(f"final.x1 = {float(xs[-1, 0])!r}, final.x2 = {float(xs[-1, 1])!r}, steps = {len(t) - 1}")
time_plot("Competition model", t, {"x1": xs[:, 0], "x2": xs[:, 1]})
phase_plot(xs[:, 0], xs[:, 1], "x1", "x2")
'''

CELLS["lorenz"] = '''\
from scipy.integrate import solve_ivp

# Lorenz attractor, Dormand-Prince 5(4) (scipy's RK45), rtol 1e-7, atol 1e-9, every step kept
sigma, rho, beta = 10.0, 28.0, 8.0 / 3.0

def lorenz(t, u):
    x, y, z = u
    return [sigma * (y - x), x * (rho - z) - y, x * y - beta * z]

sol = solve_ivp(lorenz, (0.0, 30.0), [1.0, 1.0, 1.0], method="RK45", rtol=1e-7, atol=1e-9)
x, y, z = sol.y
print(f"final = ({float(x[-1])!r}, {float(y[-1])!r}, {float(z[-1])!r}), "
      f"accepted steps = {len(sol.t) - 1}, nfe = {sol.nfev}")
time_plot("Solution", sol.t, {"x": x, "y": y, "z": z})
phase_plot(x, z, "x", "z")
'''

CELLS["fit"] = '''\
from scipy.optimize import least_squares

# Levenberg-Marquardt (MINPACK) through the h = 0.1 Euler recurrence, on log-parameters,
# with the exact Jacobian of the recurrence (forward sensitivities).
observed = {"t": np.array([0, 10, 15, 30, 36, 40, 42.0]),
            "x1": np.array([100, 165, 197, 280, 305, 318, 324.0]),
            "x2": np.array([150, 283, 290, 276, 269, 266, 264.0])}
names = ["r1", "r2", "a1", "a2", "iN1", "iN2"]
init = dict(r1=0.12, r2=0.25, a1=1.5e-4, a2=1.5e-4, iN1=0.0025, iN2=0.0025)
true = dict(r1=0.1, r2=0.3, a1=1e-4, a2=2e-4, iN1=0.002, iN2=0.003)
h, steps = 0.1, 500
observed_steps = np.rint(observed["t"] / h).astype(int)
targets = np.column_stack([observed["x1"], observed["x2"]])

def sensitivities(p):
    """The Euler recurrence and d(x1, x2)/d(params) along it, at the observed steps."""
    r1, r2, a1, a2, iN1, iN2 = p
    x1, x2 = 100.0, 150.0
    S = np.zeros((2, 6))
    out = np.empty((steps + 1, 2, 6))
    out[0] = S
    for n in range(steps):
        A = np.array([[r1 * (1 - 2 * iN1 * x1) - a1 * x2, -a1 * x1],
                      [-a2 * x2, r2 * (1 - 2 * iN2 * x2) - a2 * x1]])
        B = np.array([[x1 * (1 - iN1 * x1), 0, -x1 * x2, 0, -r1 * x1 * x1, 0],
                      [0, x2 * (1 - iN2 * x2), 0, -x1 * x2, 0, -r2 * x2 * x2]])
        S = S + h * (A @ S + B)
        out[n + 1] = S
        d1 = r1 * x1 * (1 - iN1 * x1) - a1 * x1 * x2
        d2 = r2 * x2 * (1 - iN2 * x2) - a2 * x1 * x2
        x1, x2 = x1 + h * d1, x2 + h * d2
    return out[observed_steps]

losses = []  # the loss after each step that lowered it (the first: at the initial guess)

def residuals(theta):
    _, xs = euler(dict(zip(names, np.exp(theta))), h=h, steps=steps)
    r = (xs[observed_steps] - targets).ravel()
    loss = float(r @ r)
    if not losses or loss < losses[-1]:
        losses.append(loss)
    return r

def jacobian(theta):
    p = np.exp(theta)
    return sensitivities(p).reshape(-1, 6) * p  # chain rule for log-parameters

theta0 = np.log([init[k] for k in names])
result = least_squares(residuals, theta0, jac=jacobian, method="lm", max_nfev=200)
fitted = dict(zip(names, np.exp(result.x)))
print(f"loss.initial = {losses[0]!r}, loss.final = {losses[-1]!r}, "
      f"evaluations = {result.nfev}, jacobians = {result.njev}")
print(f"{'parameter':>9} {'initial':>12} {'fitted':>12} {'true':>12}")
for k in names:
    print(f"{k:>9} {init[k]:12.6g} {fitted[k]:12.6g} {true[k]:12.6g}")

t, xs = euler(fitted, h=h, steps=steps)
_, xs0 = euler(init, h=h, steps=steps)
fig, ax = figure("Fit")
for i, name in enumerate(["x1", "x2"]):
    ax.plot(t, xs[:, i], color=f"C{i}", label=f"{name} fitted")
    ax.plot(t, xs0[:, i], "--", color=f"C{i}", linewidth=1, label=f"{name} initial guess")
    ax.plot(observed["t"], observed[name], "o", color=f"C{i}", label=f"{name} observed")
ax.legend()
show(fig)

fig, ax = figure("Training loss", "epoch", "loss")
ax.semilogy(np.arange(1, len(losses) + 1), losses)
show(fig)

time_plot("Competition model", t, {"x1": xs[:, 0], "x2": xs[:, 1]}, observed)
phase_plot(xs[:, 0], xs[:, 1], "x1", "x2")
'''


def split(markdown: str) -> tuple[str | None, list[str], list[str]]:
    """Title, the prose segments around the experiment blocks, and the blocks' ids."""
    title = None
    front = re.match(r"\A---\n(.*?)\n---\n", markdown, re.S)
    if front:
        m = re.search(r"^title:\s*(.+?)\s*$", front.group(1), re.M)
        title = m.group(1) if m else None
        markdown = markdown[front.end():]
    prose, ids = [], []
    pattern = re.compile(r"^```\{[a-z-]+\}\n(.*?)^```\n?", re.S | re.M)
    last = 0
    for m in pattern.finditer(markdown):
        prose.append(markdown[last:m.start()].strip())
        ident = re.search(r"^id:\s*(\S+)", m.group(1), re.M)
        ids.append(ident.group(1) if ident else "")
        last = m.end()
    prose.append(markdown[last:].strip())
    return title, prose, ids


def build() -> nbformat.NotebookNode:
    title, prose, ids = split(SOURCE.read_text())
    if ids != list(CELLS):
        sys.exit(f"three-blocks.md has blocks {ids}, this script knows {list(CELLS)}")
    if title:
        prose[0] = f"# {title}\n\n{prose[0]}"
    cells = []
    for i, text in enumerate(prose):
        if text:
            cells.append(new_markdown_cell(text, id=f"prose-{i + 1}"))
        if i < len(ids):
            cells.append(new_code_cell(CELLS[ids[i]], id=ids[i]))
    nb = new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    nbformat.validate(nb)
    return nb


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "three-blocks.ipynb"
    text = nbformat.writes(build()) + "\n"
    if not out.exists() or out.read_text() != text:
        out.write_text(text)


if __name__ == "__main__":
    main()
