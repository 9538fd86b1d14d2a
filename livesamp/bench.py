"""Peer-benchmark jobs through livesamp's engine: `python -m livesamp.bench JOB OUT.wav`.

The peer harness (../shared/reference/peers/bench.py) runs this in its own folder; the
events come from that folder's `workload.py`. See `livesamp.engine.bench` for the jobs.
"""
from __future__ import annotations

import os
import sys

from .engine.bench import main as _engine_bench_main

__all__ = ["main"]


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--peers" not in argv and os.path.exists(os.path.join(os.getcwd(), "workload.py")):
        argv += ["--peers", os.getcwd()]
    return _engine_bench_main(argv)


if __name__ == "__main__":
    sys.exit(main())
