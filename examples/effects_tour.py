"""Every effect, dry then wet, rendered offline into one WAV.

    .venv/bin/python examples/effects_tour.py [effects_tour.wav]

Each section is one cycle (2 s) of a plain pattern, then one cycle of the same pattern
with one more effect: the per-event ones (bandf/bandq, shape, crush, coarse, vowel) and
the orbit's reverb and delay (room/size, dry, delay/delaytime/delayfeedback, lock).
Names and semantics are SuperDirt's (see the README's Effects section). Each half is
rendered by a fresh session, so tails stop at its end.
"""
from __future__ import annotations

import sys

import numpy as np
import soundfile as sf

from livesamp.live.prelude import load_file
from livesamp.live.session import Session

CPS = 0.5
# (name, plain pattern, what the wet half adds)
TOUR = [
    ("bandf", 's("hiss*8").gain(0.8)', '.bandf("500 1000 2000 4000 500 1000 2000 4000").bandq(4)'),
    ("shape", 's("pluck*4").note("0 7 12 7")', ".shape(0.9)"),
    ("crush", 's("thud thud:1 ~ thud")', ".crush(3)"),
    ("coarse", 's("~ clap ~ clap")', '.coarse("8 24")'),
    ("vowel", 's("pluck*8").note("0 0 3 3 7 7 10 10").gain(0.6)', '.vowel("a e i o u a e i")'),
    ("room", 's("knock ~ ~ ~")', ".room(0.7).size(0.9)"),
    ("dry", 's("knock ~ ~ ~").room(0.7).size(0.9)', ".dry(0.8)"),
    ("delay", 's("ping ~ ~ ~")', ".delay(0.6).delaytime(0.2).delayfeedback(0.6)"),
    ("lock", 's("ping ~ ~ ~").delay(0.6).delaytime(0.25).delayfeedback(0.6)', ".lock(1)"),
]


def render(code: str, cycles: float = 1.0) -> np.ndarray:
    """``cycles`` cycles of ``d1 << code`` from a fresh session: (frames, 2) float32."""
    session = Session(cps=CPS)
    load_file(session, "effects_tour", text=f"d1 << {code}")
    return session.render(cycles)


def render_tour() -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(name, dry, wet) for every section of the tour."""
    return [(name, render(plain), render(plain + extra)) for name, plain, extra in TOUR]


def main(out: str = "effects_tour.wav") -> int:
    parts = []
    for name, dry, wet in render_tour():
        rms = lambda x: float(np.sqrt(np.mean(x.astype(np.float64) ** 2)))
        print(f"{name:>7}: dry rms {rms(dry):.3f}, wet rms {rms(wet):.3f}, "
              f"difference {rms(wet - dry):.3f}")
        parts += [dry, wet]
    audio = np.concatenate(parts)
    sf.write(out, audio, 48000)
    print(f"wrote {out}: {audio.shape[0] / 48000:.0f} s, each effect dry then wet")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:2]))
