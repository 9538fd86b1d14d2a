"""Time the default bank and write a listening check.

    python -m livesamp.bank.default                 # cold generation and warm load times
    python -m livesamp.bank.default --render DIR    # also variant 0 of each sound to DIR/*.wav
                                                    # and a table of measurements
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m livesamp.bank.default", description=__doc__.splitlines()[0])
    parser.add_argument("--render", metavar="DIR", help="write variant 0 of each sound as WAV to DIR")
    parser.add_argument("--all", action="store_true", help="measure every variant, not only variant 0")
    args = parser.parse_args(argv)

    from livesamp.bank.default import DefaultBank
    from livesamp.bank.default import synth

    t0 = time.perf_counter()
    synth.lowpass(np.zeros(8), 100.0)  # numba: load (or compile) the kernels
    synth.saw(100.0, 8)
    synth.karplus(np.random.default_rng(0), 100.0, 8, 0.1)
    t_jit = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        cold = DefaultBank(cache_dir=tmp)
        t0, c0 = time.perf_counter(), time.process_time()
        cold.preload()
        t_cold, c_cold = time.perf_counter() - t0, time.process_time() - c0
        warm = DefaultBank(cache_dir=tmp)
        t0, c0 = time.perf_counter(), time.process_time()
        warm.preload()
        t_warm, c_warm = time.perf_counter() - t0, time.process_time() - c0
        assert warm.loaded_from == "cache", warm.loaded_from
        sounds = warm.generate() if args.render or args.all else {}
    n_sounds = sum(cold.count(nm) for nm in cold.names())
    print(f"{len(cold.names())} names, {n_sounds} sounds; numba kernels ready in {t_jit:.2f} s\n"
          f"cold: generation + cache write {t_cold:.2f} s wall, {c_cold:.2f} s CPU\n"
          f"warm: load from cache + stereo copies {t_warm * 1000:.0f} ms wall, {c_warm * 1000:.0f} ms CPU")

    if sounds:
        _table(sounds, 48000, args.all, Path(args.render) if args.render else None)
    return 0


def _table(sounds, sr, every, folder):
    from livesamp.bank import measure as m

    if folder is not None:
        import soundfile as sf

        folder.mkdir(parents=True, exist_ok=True)
    print(f"{'sound':16s} {'len s':>6s} {'act s':>6s} {'peak':>6s} {'rms':>6s} {'cent Hz':>8s} "
          f"{'flat':>5s} {'dom Hz':>7s} {'pitch start>end':>16s}")
    for (name, i), x in sounds.items():
        if i and not every:
            continue
        if folder is not None and i == 0:
            sf.write(str(folder / f"{name}.wav"), x, sr, subtype="FLOAT")
        track = m.pitch_track_hz(x, sr)
        pitch = f"{track[0]:.0f}>{track[-1]:.0f}" if track.size else "-"
        peak = 20 * np.log10(np.max(np.abs(x)))
        print(f"{name + ':' + str(i):16s} {len(x) / sr:6.3f} {m.active_duration_s(x, sr):6.3f} {peak:6.1f} "
              f"{m.rms_db(x):6.1f} {m.centroid_hz(x, sr):8.0f} {m.flatness(x, sr):5.2f} "
              f"{m.dominant_hz(x, sr):7.0f} {pitch:>16s}")


if __name__ == "__main__":
    sys.exit(main())
