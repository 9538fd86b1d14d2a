"""Descriptor throughput: one hour of audio through ``livesamp.bank.descriptors.describe``.

The hour is a mix shaped like a performer's folder: 600 short sounds (0.05-0.5 s), 400
mid-length ones (0.5-4 s) and long field recordings (10-40 s) making up the rest, of
noise, tones and clicks at 44.1 and 48 kHz. Generation is not timed; numba compilation
is done before timing (its on-disk cache makes later runs start warm anyway).

    .venv/bin/python bench/bank_descriptors.py [--minutes 60]

Prints the seconds taken, CPU seconds, and the speed as a multiple of real time.
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from livesamp.bank.descriptors import describe


def sounds(total_s: float, seed: int = 0):
    rng = np.random.default_rng(seed)
    plan = [(rng.uniform(0.05, 0.5)) for _ in range(600)] + [rng.uniform(0.5, 4.0) for _ in range(400)]
    plan = [d * total_s / 3600.0 for d in plan]
    left = total_s - sum(plan)
    while left > 0:
        d = min(left, rng.uniform(10.0, 40.0))
        plan.append(d)
        left -= d
    for k, dur in enumerate(plan):
        sr = 48000 if k % 3 else 44100
        n = max(64, int(dur * sr))
        t = np.arange(n) / sr
        kind = k % 3
        if kind == 0:
            x = rng.standard_normal(n) * np.exp(-t / max(0.02, dur / 3))
        elif kind == 1:
            x = np.sin(2 * np.pi * rng.uniform(50, 3000) * t) * np.exp(-t / max(0.05, dur / 2))
        else:
            x = np.zeros(n)
            x[rng.integers(0, n, max(1, int(30 * dur)))] = rng.uniform(-1, 1, max(1, int(30 * dur)))
            x += 0.01 * rng.standard_normal(n)
        yield (0.3 * x).astype(np.float32), sr


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=60.0)
    args = ap.parse_args(argv)
    describe(np.random.default_rng(1).standard_normal(4800).astype(np.float32), 48000)  # compile / load cache
    batch = list(sounds(args.minutes * 60.0))
    audio_s = sum(len(x) / sr for x, sr in batch)
    t0, c0 = time.perf_counter(), time.process_time()
    for x, sr in batch:
        describe(x, sr)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"descriptors of {len(batch)} sounds, {audio_s / 60:.1f} min of audio: {wall:.1f} s "
          f"({cpu:.1f} s CPU), {audio_s / wall:.0f}x real time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
