#!/usr/bin/env bash
# Sets up the peers' venv (idempotent), then runs the peer benchmarks and the
# Swift benchmark side by side. All arguments go to the Python runner:
#   Benchmarks/peers/run.sh [--only NAME] [--json FILE] [--swift-json FILE | --swift-cmd CMD | --no-swift] ...
#   Benchmarks/peers/run.sh --help
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${NOTEBOOK_PEERS_VENV:-$HOME/.cache/notebook-peers/venv}"
export NOTEBOOK_PEERS_VENV="$VENV"
"$HERE/setup.sh"
exec "$VENV/bin/python" "$HERE/run_peers.py" "$@"
