"""What a corpus pattern costs the scheduler: 64 units per cycle at 2 cycles per second.

A session renders offline while the scheduler is advanced as its live thread does (every
20 ms, 100 ms ahead); only the scheduler's work (pattern queries, unit choice, trigger
packing) is timed, in CPU time of the calling thread. Patterns compared, each alone:

- ``corpus``: ``corpus("default").target("[bright noisy dark tonal]*16").k(4).taboo(8)``
  on the default bank's corpus (~300 units), and the same on a corpus of 100,000 units
  (``bench/concat_query.py``'s jittered copies);
- ``plain``: ``s("[tss hiss thud hum]*16").begin(0.1).end(0.3)``: the same pattern
  structure and number of sampler triggers without a corpus, so the difference is what
  unit choice adds.

    .venv/bin/python bench/concat_scheduler.py [--seconds 30]

Prints the scheduler's CPU time per second of music, as a percentage of one core.
Target (issue 9): the corpus pattern adds under 5% of a core.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from concat_query import synthetic_corpus  # noqa: E402

from livesamp.bank import SampleLibrary, default_library  # noqa: E402
from livesamp.concat import CorpusPattern, corpus  # noqa: E402
from livesamp.live.session import Session  # noqa: E402
from livesamp.pattern.controls import control  # noqa: E402
from livesamp.pattern.mini import mini  # noqa: E402

TARGET = "[bright noisy dark tonal]*16"


def scheduler_load(make_pattern, library, seconds: float) -> tuple[float, int]:
    """(scheduler CPU seconds per second of music, triggers pushed)."""
    session = Session(cps=2.0, library=library, report=lambda m: None)
    session.play(0, make_pattern())
    sr = session.sr
    step = int(0.02 * sr)
    ahead = int(0.1 * sr)
    cpu = 0.0
    frame = 0
    while frame < seconds * sr:
        t = time.thread_time()
        session.advance(frame + step + ahead)
        cpu += time.thread_time() - t
        session.engine.render(step)
        frame += step
    return cpu / seconds, session.scheduler.pushed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--units", type=int, default=100_000)
    args = ap.parse_args(argv)
    library = SampleLibrary(default_library().banks)
    small = corpus("default", library=library, progress=False).corpus
    big = synthetic_corpus(args.units, library)
    cases = [
        ("plain s('[tss hiss thud hum]*16')",
         lambda: control("s")(mini("[tss hiss thud hum]*16")).begin(0.1).end(0.3)),
        (f"corpus default ({len(small.data)} units)",
         lambda: CorpusPattern(small).target(TARGET).k(4).taboo(8)),
        (f"corpus of {len(big.data)} units", lambda: CorpusPattern(big).target(TARGET).k(4).taboo(8)),
    ]
    results = {}
    for label, make in cases:
        scheduler_load(make, library, 2.0)  # warm: compile, load samples into the engine
        load, pushed = scheduler_load(make, library, args.seconds)
        results[label] = load
        print(f"  {label:<34} {100 * load:5.2f}% of a core ({pushed / args.seconds:.0f} triggers/s)")
    base = results[cases[0][0]]
    for label, _ in cases[1:]:
        print(f"  {label:<34} adds {100 * (results[label] - base):5.2f}% over plain triggers, "
              f"{100 * results[label]:5.2f}% in all (target: < 5%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
