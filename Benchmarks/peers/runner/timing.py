"""Times whole notebook runs, each from a fresh process, and prints one table with ratios.

Called by runner.sh (which sets up the venv, the kernel and the binary); usable on its own:

    python timing.py --runs 10 --warmup 1 --json times.json \\
        --bench 'notebook=rm -rf OUT/nb' 'notebook run three-blocks.md -o OUT/nb --no-cache -q' \\
        --bench 'papermill=rm -f OUT/out.ipynb' 'papermill ... three-blocks.ipynb OUT/out.ipynb' ...

Each --bench is NAME=PREPARE and COMMAND (shell command lines; PREPARE runs untimed before every
run, warm-ups included). The first --bench is the baseline of the ratio column. With hyperfine on
PATH (and --timer auto or hyperfine) the runs are hyperfine's (`--export-json`; each command's
runs back to back); otherwise (--timer python) a subprocess loop timed with time.perf_counter
that takes the commands in turn, run i of each before run i + 1 of any. Either way the JSON file
has hyperfine's layout (results[].command, times, user, system, ...).

The table: median, min, max, mean of the wall-clock times, median / baseline median, and the
mean CPU time (user + system, the command and its children: the Jupyter kernel included) with its
ratio, which a busy machine disturbs less than the wall clock. The header says how much CPU other processes used meanwhile (/proc/stat minus this process and its
children), since the machines are shared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime


def busy_seconds() -> float | None:
    """CPU seconds used by the whole machine since boot (user nice system irq softirq steal)."""
    try:
        with open("/proc/stat") as fh:
            f = [int(v) for v in fh.readline().split()[1:]]
        return (f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] if len(f) > 7 else 0)) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def own_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime


def run_hyperfine(benches, runs: int, warmup: int, out_json: str) -> dict:
    cmd = ["hyperfine", "--runs", str(runs), "--warmup", str(warmup), "--style", "basic",
           "--export-json", out_json]
    for name, prepare, command in benches:
        cmd += ["--prepare", prepare or "true"]
    for name, prepare, command in benches:
        cmd += ["--command-name", name, command]
    subprocess.run(cmd, check=True, stdout=sys.stderr)
    with open(out_json) as fh:
        data = json.load(fh)
    data["timer"] = "hyperfine " + subprocess.run(["hyperfine", "--version"], capture_output=True,
                                                  text=True).stdout.split()[-1]
    return data


def run_python(benches, runs: int, warmup: int, out_json: str) -> dict:
    """Round-robin: the warm-ups, then run i of every command before run i + 1 of any, so that a
    change of load during the measurement falls on every command alike."""
    times = {name: [] for name, _, _ in benches}
    users = {name: [] for name, _, _ in benches}
    systems = {name: [] for name, _, _ in benches}

    def once(name, prepare, command, label):
        if prepare:
            subprocess.run(prepare, shell=True, check=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(command, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            sys.stderr.write(done.stderr.decode(errors="replace"))
            sys.exit(f"{name}: exit status {done.returncode}: {command}")
        print(f"  {name} {label}: {wall:.3f} s", file=sys.stderr)
        return wall, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime

    for name, prepare, command in benches:
        for i in range(warmup):
            once(name, prepare, command, "warm-up")
    for i in range(runs):
        for name, prepare, command in benches:
            wall, user, system = once(name, prepare, command, f"run {i + 1}/{runs}")
            times[name].append(wall)
            users[name].append(user)
            systems[name].append(system)
    results = [{"command": name, "times": times[name], "user": statistics.mean(users[name]),
                "system": statistics.mean(systems[name]), "mean": statistics.mean(times[name]),
                "median": statistics.median(times[name]), "min": min(times[name]), "max": max(times[name])}
               for name, _, _ in benches]
    data = {"results": results, "timer": "python subprocess + time.perf_counter, round-robin"}
    with open(out_json, "w") as fh:
        json.dump(data, fh, indent=2)
    return data


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.3f} s"


def table(data: dict, benches, markdown: bool) -> str:
    rows = {r["command"]: r for r in data["results"]}
    first = rows[benches[0][0]]
    base, base_cpu = statistics.median(first["times"]), first["user"] + first["system"]
    header = ["command", "median", "min", "max", "mean", "runs", f"median / {benches[0][0]}",
              "user+sys", f"user+sys / {benches[0][0]}"]
    lines = []
    for name, _, _ in benches:
        r = rows[name]
        t = r["times"]
        med, cpu = statistics.median(t), r["user"] + r["system"]
        ratio = lambda x: "1" if name == benches[0][0] else f"{x:.1f}x"  # noqa: E731
        lines.append([name, fmt(med), fmt(min(t)), fmt(max(t)), fmt(statistics.mean(t)), str(len(t)),
                      ratio(med / base), fmt(cpu), ratio(cpu / base_cpu)])
    if markdown:
        out = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
        out += ["| " + " | ".join(row) + " |" for row in lines]
        return "\n".join(out)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines)]
    render = lambda row: "  ".join(c.ljust(w) if i == 0 else c.rjust(w)  # noqa: E731
                                   for i, (c, w) in enumerate(zip(row, widths)))
    return "\n".join([render(header), render(["-" * w for w in widths])] + [render(r) for r in lines])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", nargs=2, action="append", metavar=("NAME=PREPARE", "COMMAND"), required=True)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--timer", choices=["auto", "hyperfine", "python"], default="auto")
    ap.add_argument("--json", help="write the timings here (hyperfine's layout); default: a temporary file")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    ap.add_argument("--note", action="append", default=[], help="a line printed under the table")
    args = ap.parse_args()

    benches = []
    for spec, command in args.bench:
        name, _, prepare = spec.partition("=")
        benches.append((name, prepare, command))
    timer = args.timer
    if timer == "auto":
        timer = "hyperfine" if shutil.which("hyperfine") else "python"
    elif timer == "hyperfine" and not shutil.which("hyperfine"):
        sys.exit("--timer hyperfine: hyperfine is not on PATH (Debian: apt-get install hyperfine)")
    out_json = args.json or os.path.join(tempfile.mkdtemp(prefix="notebook-timing-"), "times.json")

    load_before = os.getloadavg()
    wall0, busy0, own0 = time.perf_counter(), busy_seconds(), own_seconds()
    data = (run_hyperfine if timer == "hyperfine" else run_python)(benches, args.runs, args.warmup, out_json)
    wall, busy1, own1 = time.perf_counter() - wall0, busy_seconds(), own_seconds()
    load_after = os.getloadavg()
    foreign = None
    if busy0 is not None and busy1 is not None and wall > 0:
        foreign = max(0.0, (busy1 - busy0) - (own1 - own0)) / wall

    print()
    print(f"notebook vs papermill vs nbconvert, {datetime.now().isoformat(timespec='seconds')}, "
          f"{platform.machine()} {os.cpu_count()} cores")
    print(f"timer: {data['timer']}; {args.runs} runs each after {args.warmup} warm-up, every run a fresh "
          f"process; wall-clock seconds; user+sys = mean CPU time of the command and its children")
    if foreign is not None:
        print(f"other processes used {foreign:.2f} cores on average over the {wall:.0f} s "
              f"(load average {load_before[0]:.2f} before, {load_after[0]:.2f} after)"
              + ("; the machine was busy: read the medians, rerun when quiet" if foreign > 0.15 else ""))
    for note in args.note:
        print(note)
    print()
    print(table(data, benches, args.markdown))
    print()
    for name, prepare, command in benches:
        print(f"  {name}: {command}")
    print(f"timings: {out_json}")


if __name__ == "__main__":
    main()
