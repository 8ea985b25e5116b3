#!/usr/bin/env python3
"""Entry point: see notebook_peers/cli.py or `run.sh --help`."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from notebook_peers.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
