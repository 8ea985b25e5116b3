"""The table and the JSON lines."""
from __future__ import annotations

import json
import math
from typing import Optional, TextIO


def fmt_time(s: Optional[float]) -> str:
    if s is None or (isinstance(s, float) and math.isnan(s)):
        return "-"
    if s >= 1:
        return f"{s:.3f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.3f} ms"
    return f"{s * 1e6:.1f} us"


def fmt_count(n) -> str:
    if n is None:
        return "-"
    n = float(n)
    return f"{n:,.0f}"


def fmt_err(e) -> str:
    return "-" if e is None else f"{e:.1e}"


def fmt_ratio(r) -> str:
    if r is None:
        return "-"
    if r >= 100:
        return f"{r:,.0f}x"
    if r >= 10:
        return f"{r:.1f}x"
    return f"{r:.2f}x"


def fmt_num(x) -> str:
    if x is None:
        return "-"
    x = float(x)
    if x != 0 and (abs(x) >= 1e5 or abs(x) < 1e-3):
        return f"{x:.3e}"
    return f"{x:.4g}"


COLUMNS = ["workload", "implementation", "median", "min", "runs", "steps", "nfe",
           "error", "euler check", "peer/notebook"]

# Optional columns, keyed by a row's (or a Swift JSON line's) field: shown, before
# peer/notebook, only when some row of the table has the field.
EXTRA_COLUMNS = [
    ("nfe_backward", "bwd nfe", fmt_num),      # training workloads: evaluations in the backward pass
    ("final_mae", "final mae", fmt_num),       # spiral: mean |pred - data| after training (median over seeds)
    ("loss_first", "loss first", fmt_num),     # latent ODE: loss at the first and last iteration
    ("loss_last", "loss last", fmt_num),
    ("test_accuracy", "test acc", fmt_num),    # odenet: test accuracy after the run's epochs
    ("parameters", "params", fmt_count),       # odenet: the model's parameter count
]
EXTRA_KEYS = [k for k, _, _ in EXTRA_COLUMNS]


def render(rows: list[dict], *, markdown: bool = False) -> str:
    """rows: dicts as written to JSON (see cli.row_dict)."""
    extras = [(k, title, f) for k, title, f in EXTRA_COLUMNS
              if any(r.get(k) is not None and not r.get("failed") for r in rows)]
    columns = COLUMNS[:-1] + [title for _, title, _ in extras] + COLUMNS[-1:]
    cells = []
    for r in rows:
        if r.get("failed"):
            cells.append([r["workload"], r["implementation"], "FAILED"] + [""] * (len(columns) - 3))
            continue
        cells.append([
            r["workload"], r["implementation"] + (f" [{r['note_index']}]" if r.get("note_index") else ""),
            fmt_time(r.get("median_s")), fmt_time(r.get("min_s")),
            "-" if r.get("runs") is None else str(r["runs"]),
            fmt_count(r.get("steps")), fmt_count(r.get("nfe")),
            fmt_err(r.get("error")), fmt_err(r.get("check")),
            *(f(r.get(k)) for k, _, f in extras),
            fmt_ratio(r.get("ratio_vs_notebook")),
        ])
    if markdown:
        out = ["| " + " | ".join(columns) + " |",
               "|" + "|".join("---" if i < 2 else "---:" for i in range(len(columns))) + "|"]
        out += ["| " + " | ".join(c) + " |" for c in cells]
        return "\n".join(out)
    widths = [max(len(columns[i]), *(len(c[i]) for c in cells)) if cells else len(columns[i])
              for i in range(len(columns))]

    def line(c):
        return "  ".join(c[i].ljust(widths[i]) if i < 2 else c[i].rjust(widths[i]) for i in range(len(c)))
    out = [line(columns), "  ".join("-" * w for w in widths)]
    prev = None
    for r, c in zip(rows, cells):
        if prev is not None and r["workload"] != prev:
            out.append("")
        prev = r["workload"]
        out.append(line(c))
    return "\n".join(out)


def write_json(rows: list[dict], fh: TextIO) -> None:
    for r in rows:
        fh.write(json.dumps({k: v for k, v in r.items() if k not in ("note_index", "order")}) + "\n")
