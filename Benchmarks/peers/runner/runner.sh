#!/usr/bin/env bash
# Times a whole notebook run, end to end and from a fresh process each time:
#   notebook run three-blocks.md -o OUT --no-cache        (the release binary)
#   papermill three-blocks.ipynb out.ipynb
#   jupyter nbconvert --to html --execute three-blocks.ipynb
# and prints median / min / max per command with the ratios papermill/notebook and
# nbconvert/notebook. See ../README.md ("Whole-notebook runs").
#
#   Benchmarks/peers/runner/runner.sh [--runs N] [--warmup N] [--timer auto|hyperfine|python]
#                                     [--out DIR] [--json FILE] [--markdown] [--no-build]
#   --out DIR keeps every output there (default: a temporary folder, removed at the end)
#
# Environment:
#   NOTEBOOK_PEERS_VENV    the peers' venv (default $HOME/.cache/notebook-peers/venv), created if
#                          missing; this script adds the Jupyter packages to it (own stamp file)
#   NOTEBOOK_PEERS_PYTHON  interpreter for a new venv (default python3)
#   NOTEBOOK_BIN           the notebook binary (default: <repo>/.build/release/notebook, built with
#                          `swift build -c release --product notebook` unless --no-build)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
VENV="${NOTEBOOK_PEERS_VENV:-$HOME/.cache/notebook-peers/venv}"
PY="${NOTEBOOK_PEERS_PYTHON:-python3}"
NOTEBOOK="${NOTEBOOK_BIN:-$REPO/.build/release/notebook}"
KERNEL=notebook-peers

RUNS=10 WARMUP=1 TIMER=auto OUT="" JSON="" MARKDOWN=() BUILD=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --timer) TIMER="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --json) JSON="$2"; shift 2 ;;
    --markdown) MARKDOWN=(--markdown); shift ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "runner.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

log() { echo "[peers/runner] $*" >&2; }

# --- the venv and its Jupyter packages -------------------------------------------------------
# Lower bounds only; the run prints the versions it used. Separate from setup.sh's stamp, so
# neither script undoes the other and this one never pulls jax or torch.
PKGS=(
  "numpy>=1.26"
  "scipy>=1.11"
  "matplotlib>=3.7"
  "nbformat>=5.9"
  "ipykernel>=6.25"
  "jupyter_client>=8"
  "nbconvert>=7"
  "papermill>=2.5"
)
STAMP_TEXT="v1 ${PKGS[*]}"
STAMP="$VENV/.notebook-runner-stamp"
MODULES="numpy scipy matplotlib nbformat ipykernel jupyter_client nbconvert papermill"

imports_ok() {
  "$VENV/bin/python" -c "import importlib, sys
for m in sys.argv[1:]: importlib.import_module(m)" $MODULES 2>/dev/null
}

if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$STAMP_TEXT" ]] && imports_ok; then
  log "venv has the Jupyter packages: $VENV"
else
  if [[ ! -x "$VENV/bin/python" ]]; then
    log "creating venv at $VENV"
    mkdir -p "$(dirname "$VENV")"
    "$PY" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip setuptools wheel >&2
  fi
  log "installing ${PKGS[*]}"
  "$VENV/bin/python" -m pip install --quiet "${PKGS[@]}" >&2
  imports_ok || { log "the packages do not import in $VENV"; exit 1; }
  echo "$STAMP_TEXT" > "$STAMP"
fi

# --- the venv's kernel --------------------------------------------------------------------
# Registered inside the venv (share/jupyter/kernels is on jupyter's path when the venv's
# papermill / jupyter run) under its own name, so that a user-level "python3" kernel elsewhere
# can never be picked up instead.
KERNEL_JSON="$VENV/share/jupyter/kernels/$KERNEL/kernel.json"
if ! grep -qF "\"$VENV/bin/python\"" "$KERNEL_JSON" 2>/dev/null; then
  log "registering kernel '$KERNEL' -> $VENV/bin/python"
  "$VENV/bin/python" -m ipykernel install --prefix "$VENV" --name "$KERNEL" \
    --display-name "Python (notebook peers)" >&2
fi

# --- the notebook binary ------------------------------------------------------------------
if [[ $BUILD == 1 && -z "${NOTEBOOK_BIN:-}" ]]; then
  log "swift build -c release --product notebook"
  (cd "$REPO" && swift build -c release --product notebook >&2)
fi
[[ -x "$NOTEBOOK" ]] || { log "no notebook binary at $NOTEBOOK (build it, or set NOTEBOOK_BIN)"; exit 1; }

# --- the Jupyter notebook, regenerated from three-blocks.md (deterministic) ----------------
"$VENV/bin/python" "$HERE/make_ipynb.py"

# --- output folder ------------------------------------------------------------------------
KEEP=1
if [[ -z "$OUT" ]]; then
  OUT="$(mktemp -d "${TMPDIR:-/tmp}/notebook-runner.XXXXXX")"
  KEEP=0
fi
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
# Without --json: OUT/times.json when OUT is kept, else a file of timing.py's own under $TMPDIR.
[[ -n "$JSON" || $KEEP == 0 ]] || JSON="$OUT/times.json"
cleanup() { [[ $KEEP == 1 ]] || rm -rf "$OUT"; }
trap cleanup EXIT

cd "$HERE"

# --no-cache is new; an older binary rejects it (usage error, status 2). Then every run starts
# without a cache anyway, because the prepare step deletes the whole output folder (OUT/.cache
# included).
NB_FLAGS=(--no-cache)
if ! "$NOTEBOOK" run three-blocks.md -o "$OUT/check-notebook" --no-cache --quiet 2>"$OUT/check.err"; then
  if grep -q -- "no-cache" "$OUT/check.err"; then
    log "this notebook binary has no --no-cache: deleting OUT/.cache before every run instead"
    NB_FLAGS=()
    "$NOTEBOOK" run three-blocks.md -o "$OUT/check-notebook" --quiet
  else
    cat "$OUT/check.err" >&2; exit 1
  fi
fi

PAPERMILL=("$VENV/bin/papermill" -k "$KERNEL")
NBCONVERT=("$VENV/bin/jupyter" nbconvert --ExecutePreprocessor.kernel_name="$KERNEL")

# One untimed run of each Jupyter side first: it fails loudly here rather than inside the timer,
# and it leaves an executed notebook to compare numbers with.
log "checking papermill and nbconvert once"
"${PAPERMILL[@]}" --log-level WARNING three-blocks.ipynb "$OUT/check-papermill.ipynb"
"${NBCONVERT[@]}" --to html --execute three-blocks.ipynb --output-dir "$OUT/check-nbconvert" \
  --log-level WARN >/dev/null

VERSIONS="$("$VENV/bin/python" - <<'EOF'
import importlib, platform
mods = ["papermill", "nbconvert", "ipykernel", "jupyter_client", "nbformat", "matplotlib", "scipy", "numpy"]
print(f"python {platform.python_version()}, " + ", ".join(
    f"{m} {importlib.import_module(m).__version__}" for m in mods))
EOF
)"
AGREE="$("$VENV/bin/python" - "$OUT/check-notebook/three-blocks/results.json" "$OUT/check-papermill.ipynb" <<'EOF'
import json, re, sys
blocks = {b["id"]: b["metrics"] for b in json.load(open(sys.argv[1]))["blocks"]}
text = lambda o: "".join(o.get("text", ""))  # a string or a list of lines
cells = {c.get("id"): "".join(text(o) for o in c.get("outputs", []))
         for c in json.load(open(sys.argv[2]))["cells"] if c["cell_type"] == "code"}
def num(cell, key):
    m = re.search(re.escape(key) + r" = (?:np\.float64\()?([-0-9.e+]+)", cells[cell])
    return float(m.group(1)) if m else float("nan")
fit_nb = blocks["fit"]["param.r1"]
fit_py = float(re.search(r"^\s*r1\s+\S+\s+(\S+)", cells["fit"], re.M).group(1))
print("same numbers: competition final.x1 %.10g (notebook) vs %.10g (Python); fit loss.final %.6g vs %.6g, "
      "r1 %.6g vs %.6g; lorenz steps %d accepted+rejected (notebook dopri5) vs %s accepted (scipy RK45)" % (
      blocks["competition"]["final.x1"], num("competition", "final.x1"),
      blocks["fit"]["loss.final"], num("fit", "loss.final"), fit_nb, fit_py,
      blocks["lorenz"]["steps"], re.search(r"accepted steps = (\d+)", cells["lorenz"]).group(1)))
EOF
)"
log "$VERSIONS"
log "$AGREE"

NB_CMD="$(printf '%q ' "$NOTEBOOK" run three-blocks.md -o "$OUT/notebook" "${NB_FLAGS[@]}" --quiet)"
PM_CMD="$(printf '%q ' "${PAPERMILL[@]}" three-blocks.ipynb "$OUT/papermill/out.ipynb")"
NC_CMD="$(printf '%q ' "${NBCONVERT[@]}" --to html --execute three-blocks.ipynb --output-dir "$OUT/nbconvert")"

"$VENV/bin/python" "$HERE/timing.py" --runs "$RUNS" --warmup "$WARMUP" --timer "$TIMER" \
  ${JSON:+--json "$JSON"} "${MARKDOWN[@]}" \
  --note "$VERSIONS; notebook: $NOTEBOOK (repository at $(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null || echo '?'))" \
  --note "$AGREE" \
  --bench "notebook=rm -rf $(printf '%q' "$OUT/notebook")" "$NB_CMD" \
  --bench "papermill=rm -rf $(printf '%q' "$OUT/papermill") && mkdir -p $(printf '%q' "$OUT/papermill")" "$PM_CMD" \
  --bench "nbconvert=rm -rf $(printf '%q' "$OUT/nbconvert")" "$NC_CMD"
