"""Corpus analysis throughput: one hour of audio segmented into units and described.

The hour is the same mix as ``bench/bank_descriptors.py`` (600 short sounds, 400 mid-length
ones, long field recordings for the rest; noise, tones and clicks at 44.1 and 48 kHz),
resampled to 48 kHz as a library serves it. Generation and resampling are not timed;
numba compilation is done before timing.

    .venv/bin/python bench/concat_analysis.py [--minutes 60]

Prints wall and CPU seconds, units found and the speed as a multiple of real time.
Target (issue 9): one hour in under 90 s.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bank_descriptors import sounds  # noqa: E402

from livesamp.bank.base import to_engine_audio  # noqa: E402
from livesamp.concat.analysis import analyse  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=60.0)
    args = ap.parse_args(argv)
    analyse(np.random.default_rng(1).standard_normal(48000).astype(np.float32), 48000)  # compile / load cache
    batch = [to_engine_audio(x, sr, 48000) for x, sr in sounds(args.minutes * 60.0)]
    audio_s = sum(len(x) for x in batch) / 48000
    t0, c0 = time.perf_counter(), time.process_time()
    units = sum(len(analyse(x, 48000)) for x in batch)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"units of {len(batch)} sounds, {audio_s / 60:.1f} min of audio: {units} units in {wall:.1f} s "
          f"({cpu:.1f} s CPU), {audio_s / wall:.0f}x real time (target: 60 min in < 90 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
