"""Runs the peer benchmarks (and the Swift one) and prints one table.

    python run_peers.py [--only NAME] [--json FILE] [--swift-json FILE | --swift-cmd CMD | --no-swift]
"""
from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import platform
import sys
import tempfile
import time
import traceback
from pathlib import Path

from . import report, swift

LIBRARIES = ["numpy", "scipy", "jax", "torch"]
PEERS_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = PEERS_DIR.parent.parent
FOREIGN_LOAD_WARN = 0.15  # cores used by other processes during a row before it is flagged


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="run.sh", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", action="append", metavar="NAME",
                   help="run only this workload (repeatable, or comma-separated)")
    p.add_argument("--impl", action="append", metavar="TEXT",
                   help="run only implementations whose name contains TEXT (repeatable)")
    p.add_argument("--skip-library", action="append", choices=LIBRARIES, default=[],
                   help="leave out a library's rows (repeatable)")
    p.add_argument("--list", action="store_true", help="list workloads and implementations, run nothing")
    p.add_argument("--json", metavar="FILE", help="also write every row as JSON lines to FILE ('-' = stdout; the table then goes to stderr)")
    p.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    g = p.add_argument_group("Swift side")
    g.add_argument("--swift-cmd", default=swift.DEFAULT_CMD,
                   help=f"command run from the repository root (default: {swift.DEFAULT_CMD!r}, plus --only NAMES when --only is given)")
    g.add_argument("--swift-json", metavar="FILE", help="read notebook-bench --json output saved in FILE instead of running it")
    g.add_argument("--no-swift", action="store_true", help="peers only")
    g.add_argument("--swift-timeout", type=float, default=3600.0, metavar="S",
                   help="give up on the Swift command after S seconds (default 3600, includes the build)")
    p.add_argument("--in-process", action="store_true",
                   help="run every library in this process (default: one subprocess per library)")
    p.add_argument("--worker", choices=LIBRARIES, help=argparse.SUPPRESS)
    p.add_argument("--worker-out", help=argparse.SUPPRESS)
    t = p.add_argument_group("timing")
    t.add_argument("--min-runs", type=int, default=5)
    t.add_argument("--max-runs", type=int, default=20)
    t.add_argument("--budget", type=float, default=2.0, metavar="S",
                   help="stop after S seconds of timed runs once --min-runs ran (default 2)")
    t.add_argument("--quick", action="store_true", help="smoke test: 3 runs, no time budget, small scipy loop sample")
    t.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                   help="threads for torch and BLAS (default: all cores); XLA keeps its default")
    t.add_argument("--scipy-loop-sample", type=int, default=200, metavar="N",
                   help="trajectories timed in the scipy per-trajectory loop, scaled to 10,000 (0 = all)")
    t.add_argument("--torch-fit-epochs", type=int, default=500, metavar="N",
                   help="epochs timed in the torch species-fit-adam row, scaled to 10,000 (0 = all, about 100 s)")
    w = p.add_argument_group("training workloads (spiral-iteration*, latent-ode-iteration, odenet-epoch)")
    w.add_argument("--spiral-iterations", type=int, default=2000, metavar="N",
                   help="training iterations of the spiral workloads (default 2000, the demo's niters)")
    w.add_argument("--latent-iterations", type=int, default=300, metavar="N",
                   help="training iterations of latent-ode-iteration (default 300)")
    w.add_argument("--latent-ntotal", type=int, default=500, metavar="N",
                   help="grid points of the latent-ODE spirals (default 500: what latent_ode.py runs, "
                        "its `ntotal = 1000` is never passed on)")
    w.add_argument("--odenet-epochs", type=int, default=40, metavar="N",
                   help="epochs of odenet-epoch (default 40, the {odenet} block's default; also passed to "
                        "notebook-bench as NOTEBOOK_BENCH_ODENET_EPOCHS)")
    w.add_argument("--seeds", type=int, default=1, metavar="K",
                   help="train the spiral with seeds 0..K-1; final mae = median over them, "
                        "time from seed 0 (default 1; the issue's figure is --seeds 3)")
    w.add_argument("--train-threads", type=int, default=1, metavar="N",
                   help="torch threads for the training workloads (default 1: their tensors are tiny, and "
                        "2 OpenMP threads on a shared machine made an iteration 10x slower)")
    args = p.parse_args(argv)
    if args.quick:
        args.min_runs, args.max_runs, args.budget = 3, 3, 0.0
        args.scipy_loop_sample = min(args.scipy_loop_sample or 20, 20)
        args.torch_fit_epochs = min(args.torch_fit_epochs or 100, 100)
        args.spiral_iterations = min(args.spiral_iterations, 20)
        args.latent_iterations = min(args.latent_iterations, 5)
        args.odenet_epochs = min(args.odenet_epochs, 3)
    args.only = [n.strip() for o in (args.only or []) for n in o.split(",") if n.strip()]
    return args


def configure_environment(threads: int) -> None:
    """Before numpy, jax or torch is imported."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ["JAX_ENABLE_X64"] = "1"


def versions() -> str:
    parts = [f"python {platform.python_version()}"]
    for m in ["numpy", "scipy", "jax", "jaxlib", "diffrax", "equinox", "torch", "torchdiffeq"]:
        try:
            parts.append(f"{m} {importlib.import_module(m).__version__}")
        except Exception:
            parts.append(f"{m} n/a")
    return ", ".join(parts)


def row_dict(bench, result=None, failure=None) -> dict:
    d = {"workload": bench.workload, "implementation": bench.implementation, "library": bench.library,
         "order": bench.order}
    if failure is not None:
        d.update(failed=True, notes=failure)
        return d
    d.update(median_s=result.median_s, min_s=result.min_s, runs=result.runs, steps=result.steps,
             nfe=result.nfe, error=result.error, check=result.check, notes=result.notes)
    d.update(result.extras)
    return d


def run_benches(benches, ctx, modules) -> list[dict]:
    from . import core
    for m in modules:  # a workload module may check its own references first
        if hasattr(m, "self_check") and any(b.fn.__module__.startswith(m.__name__) for b in benches):
            m.self_check()
    rows = []
    for b in benches:
        print(f"[peers] {b.workload}: {b.implementation} ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        load = core.ForeignLoad()
        try:
            r = b.fn(ctx)
            foreign = load.cores()
            if foreign is not None and foreign > FOREIGN_LOAD_WARN:
                r.notes = (r.notes + "; " if r.notes else "") + \
                    f"UNRELIABLE: other processes used {foreign:.2f} cores meanwhile"
            row = row_dict(b, r)
            row["foreign_load_cores"] = foreign
            print(f"[peers]   median {report.fmt_time(r.median_s)}, error {report.fmt_err(r.error)} "
                  f"({time.perf_counter() - t0:.1f} s)", file=sys.stderr, flush=True)
        except Exception as e:  # keep going: one broken peer must not hide the others
            traceback.print_exc(file=sys.stderr)
            row = row_dict(b, failure=f"{type(e).__name__}: {e}")
        rows.append(row)
    return rows


def run_worker(library: str, benches, argv) -> list[dict]:
    """One fresh Python process per library, so that XLA's and torch's thread
    pools never share a process and one library's imports cannot slow another."""
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory(prefix="notebook-peers-") as tmp:
        out = os.path.join(tmp, "rows.json")
        cmd = [sys.executable, str(PEERS_DIR / "run_peers.py"),
               *(sys.argv[1:] if argv is None else argv), "--worker", library, "--worker-out", out]
        proc = subprocess.run(cmd, stdout=sys.stderr)
        if proc.returncode == 0 and os.path.exists(out):
            with open(out) as fh:
                return json.load(fh)
    return [row_dict(b, failure=f"{library} worker process exited with {proc.returncode}") for b in benches]


def main(argv=None) -> int:
    args = parse_args(argv)
    started_at = datetime.datetime.now().isoformat(timespec="seconds")
    configure_environment(args.threads)
    from . import core
    from .workloads import MODULES, WORKLOAD_ORDER
    modules = [importlib.import_module(m) for m in MODULES]
    known = list(dict.fromkeys(WORKLOAD_ORDER + [b.workload for b in core.REGISTRY]))

    if args.list:
        for w in known:
            print(w)
            for b in core.REGISTRY:
                if b.workload == w:
                    print(f"  {b.implementation}  ({b.library})")
        return 0

    unknown = [n for n in args.only if n not in known]
    if unknown and not args.swift_json:
        print(f"unknown workload(s): {', '.join(unknown)}; known: {', '.join(known)}", file=sys.stderr)
        return 2

    out = sys.stderr if args.json == "-" else sys.stdout

    # The latent workload: the Swift side trains from the peers' own data, weights and noise.
    if not args.worker and not args.swift_json and (not args.only or "latent-ode-iteration" in args.only):
        from .workloads import latent
        problem_dir = tempfile.mkdtemp(prefix="notebook-latent-problem-")
        latent.export_problem(problem_dir, 0, args.latent_iterations, args.latent_ntotal)
        os.environ["NOTEBOOK_BENCH_LATENT_PROBLEM"] = problem_dir
        os.environ["NOTEBOOK_BENCH_LATENT_ITERATIONS"] = str(args.latent_iterations)
        os.environ["NOTEBOOK_BENCH_LATENT_NTOTAL"] = str(args.latent_ntotal)
    # The ODE-Net workload: notebook-bench trains for the same number of epochs.
    if not args.worker:
        os.environ["NOTEBOOK_BENCH_ODENET_EPOCHS"] = str(args.odenet_epochs)

    # The Swift side first, on its own, so the two never share the cores. With --only, the default
    # command runs only those workloads (notebook-bench --only; names it does not know give no row).
    swift_cmd = args.swift_cmd
    if args.only and swift_cmd == swift.DEFAULT_CMD:
        swift_cmd += " --only " + ",".join(args.only)
    swift_rows, swift_status = ({}, "") if args.worker else swift.load(
        args.swift_json, None if args.no_swift else swift_cmd, REPO_ROOT, args.swift_timeout)
    swift_ran = bool(swift_rows)  # the Swift side gave rows (maybe not for the workloads run here)
    if args.only:
        swift_rows = {k: v for k, v in swift_rows.items() if k in args.only}

    benches = [b for b in core.REGISTRY
               if (not args.only or b.workload in args.only)
               and b.library not in args.skip_library
               and (not args.impl or any(s.lower() in b.implementation.lower() for s in args.impl))]
    ctx = core.Context(core.Timing(args.min_runs, args.max_runs, args.budget), args.threads,
                       {"scipy_loop_sample": args.scipy_loop_sample,
                        "torch_fit_epochs": args.torch_fit_epochs,
                        "spiral_iterations": args.spiral_iterations,
                        "latent_iterations": args.latent_iterations,
                        "latent_ntotal": args.latent_ntotal,
                        "odenet_epochs": args.odenet_epochs,
                        "seeds": args.seeds,
                        "train_threads": args.train_threads})

    started = time.time()
    overall_load = core.ForeignLoad()
    if args.worker:
        peer_rows = run_benches([b for b in benches if b.library == args.worker], ctx, modules)
        with open(args.worker_out, "w") as fh:
            json.dump(peer_rows, fh)
        return 0
    if args.in_process:
        peer_rows = run_benches(benches, ctx, modules)
    else:
        peer_rows = []
        for lib in dict.fromkeys(b.library for b in benches):
            peer_rows += run_worker(lib, [b for b in benches if b.library == lib], argv)
    peer_rows.sort(key=lambda r: r["order"])

    # Assemble: per workload, the notebook row first, then its peers.
    order = {w: i for i, w in enumerate(known)}
    workloads = sorted(set(r["workload"] for r in peer_rows) | set(swift_rows),
                       key=lambda w: (order.get(w, len(order)), w))
    rows: list[dict] = []
    for w in workloads:
        nb = swift_rows.get(w)
        nb_median = None
        if nb is None and swift_ran:  # the Swift side ran but has no such workload (yet)
            rows.append({"workload": w, "implementation": "notebook (Swift)", "library": "notebook",
                         "notes": "not in the notebook-bench output: no ratio"})
        if nb is not None:
            nb_median = nb.get("median_s")
            rows.append({"workload": w, "implementation": "notebook (Swift)", "library": "notebook",
                         "median_s": nb_median, "min_s": nb.get("min_s"), "runs": nb.get("runs"),
                         "steps": nb.get("steps"), "nfe": nb.get("nfe"), "error": nb.get("error"),
                         "check": None, "notes": "",
                         **{k: nb[k] for k in report.EXTRA_KEYS if nb.get(k) is not None}})
        for r in peer_rows:
            if r["workload"] != w:
                continue
            if nb_median and not r.get("failed") and r.get("median_s"):
                r["ratio_vs_notebook"] = r["median_s"] / nb_median
            else:
                r["ratio_vs_notebook"] = None
            rows.append(r)

    notes = []
    for r in rows:
        if r.get("notes"):
            notes.append(r["notes"])
            r["note_index"] = len(notes)

    print("", file=out)
    print(f"notebook peer benchmarks, {started_at}, "
          f"{platform.machine()} {os.cpu_count()} cores, {args.threads} threads", file=out)
    print(versions(), file=out)
    print(f"timing: median/min of {args.min_runs}..{args.max_runs} runs (budget {args.budget:g} s) after warm-up; "
          f"float64 (spiral, latent ODE, odenet: float32); error = max relative error of the final state vs scipy DOP853 rtol 1e-13; "
          f"euler check = vs the Euler recurrence in Python floats; peer/notebook = peer median / notebook median",
          file=out)
    print(swift_status, file=out)
    foreign = overall_load.cores()
    if foreign is not None:
        print(f"other processes used {foreign:.2f} cores on average while the peers ran"
              + ("  WARNING: timings are unreliable (rows marked UNRELIABLE)" if foreign > FOREIGN_LOAD_WARN else ""),
              file=out)
    print("", file=out)
    print(report.render(rows, markdown=args.markdown), file=out)
    if notes:
        print("", file=out)
        for i, n in enumerate(notes, 1):
            print(f"[{i}] {n}", file=out)
    print(f"\n(peers took {time.time() - started:.0f} s)", file=out)

    if args.json:
        if args.json == "-":
            report.write_json(rows, sys.stdout)
        else:
            with open(args.json, "w") as fh:
                report.write_json(rows, fh)
            print(f"JSON lines written to {args.json}", file=sys.stderr)
    return 1 if any(r.get("failed") for r in rows) else 0
