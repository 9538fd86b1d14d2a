"""Granular clouds, rendered offline into one WAV.

    .venv/bin/python examples/grain_clouds.py [grain_clouds.wav]

Four sections of two cycles each (cps 0.5), every event a cloud (`.grain(...)`):

1. ``sweep``: a hum read by 40-ms grains at 80 grains/s while the read position sweeps
   through the sample (a slow sine), with a little position jitter;
2. ``scatter``: the same cloud with random (Poisson) onsets, +-3 semitones of pitch
   jitter, full stereo spread and a third of the grains reversed;
3. ``swell``: long tukey grains over a sustained note, low-pass filtered and sent to
   the reverb: a cloud is a voice, so the voice's filters and effects apply;
4. ``ticks``: single grains (density 0) with a sharp expodec envelope as a rhythm.

Each section is rendered by a fresh session (so tails stop at its end); the script
prints how many grains each one played.
"""
from __future__ import annotations

import sys

import numpy as np
import soundfile as sf

from livesamp.live.prelude import load_file
from livesamp.live.session import Session

CPS = 0.5
SECTIONS = [
    ("sweep", 's("hum").grain(size=0.04, density=80, pos=sine.slow(2), jitter=0.05).gain(1.1)'),
    ("scatter", 's("hum").grain(size=0.04, density=80, pos=sine.slow(2), jitter=0.05, sync=0,'
                ' pitchjitter=3, spread=1, reverse=0.33).gain(1.1)'),
    ("swell", 's("pluck").note("<0 5>").grain(size=0.15, density=30, pos="0.1 0.3", env="tukey",'
              ' pitchjitter=0.2).legato(1).lpf(1500).room(0.5).size(0.8).gain(1.1)'),
    ("ticks", 's("tick*16").grain(size=0.008, density=0, pos=rand, env="expodec")'
              '.gain("1 0.8 0.9 0.8")'),
]


def render(code: str, cycles: float = 2.0) -> tuple[np.ndarray, dict]:
    """``cycles`` cycles of ``d1 << code`` from a fresh session: (audio, engine stats)."""
    session = Session(cps=CPS)
    load_file(session, "grain_clouds", text=f"d1 << {code}")
    audio = session.render(cycles)
    return audio, session.engine.stats()


def render_sections() -> list[tuple[str, np.ndarray, dict]]:
    return [(name, *render(code)) for name, code in SECTIONS]


def main(out: str = "grain_clouds.wav") -> int:
    parts = []
    for name, audio, stats in render_sections():
        print(f"{name:8s} {stats['grains']:5d} grains ({stats['grain_drops']} dropped), "
              f"peak {np.abs(audio).max():.2f}")
        parts.append(audio)
    audio = np.concatenate(parts)
    sf.write(out, audio, 48000)
    print(f"wrote {out}: {audio.shape[0] / 48000:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:2]))
