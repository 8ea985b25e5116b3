#!/usr/bin/env bash
# Creates (or reuses) the Python virtual environment for the peer benchmarks.
#
# The environment lives OUTSIDE the repository:
#   ${NOTEBOOK_PEERS_VENV:-$HOME/.cache/notebook-peers/venv}
# Packages come from PyPI through pip's ordinary configuration. See README.md
# ("Installing torch") for how a CPU-only torch is obtained.
#
# Idempotent: when the venv exists and every package imports with the same
# requirement stamp, it does nothing. `setup.sh --force` rebuilds the venv.
#
# Environment:
#   NOTEBOOK_PEERS_VENV    where the venv goes
#   NOTEBOOK_PEERS_PYTHON  interpreter for the venv (default: python3, must be >= 3.10)
#   NOTEBOOK_PEERS_TORCH   auto (default) | cpu-wheel | pypi | skip
#                          auto: a local torch-*+cpu wheel in pip's find-links
#                          directories if one exists, else torch from PyPI
#                          (which brings the multi-GB CUDA wheels).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${NOTEBOOK_PEERS_VENV:-$HOME/.cache/notebook-peers/venv}"
PY="${NOTEBOOK_PEERS_PYTHON:-python3}"
TORCH_MODE="${NOTEBOOK_PEERS_TORCH:-auto}"
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

log() { echo "[peers/setup] $*" >&2; }

# Packages other than torch. Lower bounds only: the run prints the versions it used.
BASE_PKGS=(
  "numpy>=1.26"
  "scipy>=1.11"
  "jax>=0.4.30"
  "jaxlib>=0.4.30"
  "equinox>=0.11"
  "diffrax>=0.6"
)
TORCHDIFFEQ_PKG="torchdiffeq>=0.2.4"

STAMP_TEXT="v1 ${BASE_PKGS[*]} ${TORCHDIFFEQ_PKG} torch=${TORCH_MODE}"
STAMP="$VENV/.notebook-peers-stamp"

check_imports() {
  "$VENV/bin/python" - "$TORCH_MODE" <<'EOF'
import sys
mode = sys.argv[1]
import numpy, scipy, jax, jaxlib, equinox, diffrax  # noqa: F401
if mode != "skip":
    import torch, torchdiffeq  # noqa: F401
    torch.zeros(2, dtype=torch.float64).sum().item()
EOF
}

if [[ $FORCE == 0 && -x "$VENV/bin/python" && -f "$STAMP" ]] \
   && [[ "$(cat "$STAMP")" == "$STAMP_TEXT" ]] && check_imports 2>/dev/null; then
  log "venv up to date: $VENV"
  exit 0
fi

if [[ $FORCE == 1 && -d "$VENV" ]]; then
  log "removing $VENV (--force)"
  rm -rf "$VENV"
fi

"$PY" - <<'EOF' || { log "need Python >= 3.10 (set NOTEBOOK_PEERS_PYTHON)"; exit 1; }
import sys
sys.exit(0 if sys.version_info >= (3, 10) else 1)
EOF

if [[ ! -x "$VENV/bin/python" ]]; then
  log "creating venv at $VENV"
  mkdir -p "$(dirname "$VENV")"
  "$PY" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip)
"${PIP[@]}" install --quiet --upgrade pip setuptools wheel >&2

log "installing ${BASE_PKGS[*]}"
"${PIP[@]}" install --quiet "${BASE_PKGS[@]}" >&2

# --- torch -------------------------------------------------------------------
# Directories pip is configured to take wheels from (PIP_FIND_LINKS or the
# find-links key of pip's configuration), plus /opt/wheels.
find_cpu_wheel() {
  local dirs=() d
  if [[ -n "${PIP_FIND_LINKS:-}" ]]; then
    for d in $PIP_FIND_LINKS; do dirs+=("$d"); done
  fi
  while IFS= read -r d; do [[ -n "$d" ]] && dirs+=("$d"); done < <(
    "${PIP[@]}" config list 2>/dev/null | sed -n "s/^[^=]*find-links='\(.*\)'$/\1/p" | tr ' ' '\n')
  dirs+=(/opt/wheels)
  local tag
  tag="$("$VENV/bin/python" -c 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")')"
  for d in "${dirs[@]}"; do
    d="${d#file://}"
    [[ -d "$d" ]] || continue
    # newest first
    ls -1 "$d"/torch-*+cpu-"$tag"-"$tag"-*linux*x86_64.whl 2>/dev/null | sort -V -r | head -n 1
  done | head -n 1
}

torch_ok() { "$VENV/bin/python" -c 'import torch; torch.zeros(1).sum().item()' 2>/dev/null; }

if [[ "$TORCH_MODE" != "skip" ]]; then
  if torch_ok; then
    log "torch already installed: $("$VENV/bin/python" -c 'import torch; print(torch.__version__)')"
  else
    wheel=""
    if [[ "$TORCH_MODE" == "auto" || "$TORCH_MODE" == "cpu-wheel" ]]; then
      wheel="$(find_cpu_wheel || true)"
    fi
    if [[ -n "$wheel" ]]; then
      log "installing CPU torch from local wheel $wheel (its dependencies from PyPI)"
      "${PIP[@]}" install --quiet "$wheel" >&2
    elif [[ "$TORCH_MODE" == "cpu-wheel" ]]; then
      log "NOTEBOOK_PEERS_TORCH=cpu-wheel but no torch-*+cpu wheel found in pip's find-links"
      exit 1
    else
      log "no local CPU wheel: installing torch from PyPI (pulls the CUDA wheels, several GB)"
      "${PIP[@]}" install --quiet torch >&2
    fi
  fi
  # --no-deps so that pip never swaps the CPU torch for the PyPI (CUDA) one;
  # torchdiffeq needs only torch and scipy, both installed.
  log "installing $TORCHDIFFEQ_PKG"
  "${PIP[@]}" install --quiet --no-deps "$TORCHDIFFEQ_PKG" >&2
fi

check_imports
echo "$STAMP_TEXT" > "$STAMP"
"$VENV/bin/python" - <<'EOF' >&2
import importlib
for m in ["numpy", "scipy", "jax", "jaxlib", "equinox", "diffrax", "torch", "torchdiffeq"]:
    try:
        mod = importlib.import_module(m)
        print(f"[peers/setup]   {m} {getattr(mod, '__version__', '?')}")
    except Exception as e:  # torch skipped
        print(f"[peers/setup]   {m} unavailable ({type(e).__name__})")
EOF
log "venv ready: $VENV"
