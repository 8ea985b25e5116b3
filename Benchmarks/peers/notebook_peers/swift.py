"""The Swift side: `notebook-bench --json` prints one JSON object per line,
{"name", "median_s", "min_s", "runs", "nfe", "steps"}; read it from a run or a saved file."""
from __future__ import annotations

import collections
import json
import shlex
import subprocess
import sys
import threading
from pathlib import Path
from typing import Optional

DEFAULT_CMD = "swift run -c release notebook-bench --json"


def parse_lines(text: str) -> dict[str, dict]:
    rows: dict[str, dict] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue  # build output or log lines
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        # A workload's variants (`"variant": "generic"`, ...) are notebook-bench's own comparisons;
        # the peers stand beside the row without one.
        if isinstance(obj, dict) and "name" in obj and "median_s" in obj and not obj.get("variant"):
            rows[str(obj["name"])] = obj
    return rows


def load(swift_json: Optional[str], swift_cmd: Optional[str], repo_root: Path,
         timeout_s: float) -> tuple[dict[str, dict], str]:
    """Returns (rows by workload name, a sentence about where they came from or why there are none)."""
    if swift_json:
        path = Path(swift_json)
        try:
            rows = parse_lines(path.read_text())
        except OSError as e:
            return {}, f"Swift side unavailable: cannot read {path}: {e}"
        if not rows:
            return {}, f"Swift side unavailable: no JSON rows in {path}"
        return rows, f"notebook rows read from {path}"
    if not swift_cmd:
        return {}, "Swift side not run (--no-swift)"
    cmd = shlex.split(swift_cmd)
    print(f"[peers] running the Swift benchmark: {swift_cmd} (in {repo_root})", file=sys.stderr, flush=True)
    try:
        proc = subprocess.Popen(cmd, cwd=repo_root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except FileNotFoundError as e:
        return {}, f"Swift side unavailable: {e.filename or cmd[0]} not found"
    out_lines: list[str] = []
    last_err: collections.deque = collections.deque(maxlen=1)

    def read_stdout():
        for line in proc.stdout:
            out_lines.append(line)

    def forward_stderr():  # build progress and errors stay visible; the last line goes into the status
        for line in proc.stderr:
            sys.stderr.write(line)
            if line.strip():
                last_err.append(line.strip())
    readers = [threading.Thread(target=t, daemon=True) for t in (read_stdout, forward_stderr)]
    for t in readers:
        t.start()
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return {}, f"Swift side unavailable: `{swift_cmd}` ran past {timeout_s:.0f} s"
    for t in readers:
        t.join(timeout=5)
    rows = parse_lines("".join(out_lines))
    why = f" ({last_err[0]})" if last_err else ""
    if proc.returncode != 0:
        return rows, (f"Swift side unavailable: `{swift_cmd}` exited with {proc.returncode}{why}"
                      + (f" after {len(rows)} rows" if rows else ""))
    if not rows:
        return {}, f"Swift side unavailable: `{swift_cmd}` printed no JSON rows"
    return rows, f"notebook rows from `{swift_cmd}`"
