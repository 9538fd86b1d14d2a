"""Concatenative synthesis on the default bank, rendered offline.

    .venv/bin/python examples/corpus_mosaic.py [out.wav]

1. A corpus of every default sound, cut at onsets into units of 50-500 ms, described
   (loudness, brightness, noisiness, pitch, timbre) and cached in the data folder.
2. Two slots play units chosen by words and by numbers; every played unit is printed
   with the sample and the span it came from (what the audience view shows).
3. A mosaic: `crackle` rebuilt from the units (at most 150 ms) of every *other* sound,
   played as a sample.
"""
from __future__ import annotations

import sys

import numpy as np
import soundfile as sf

from livesamp.live.prelude import performer_namespace
from livesamp.live.session import Session


def main(out: str = "corpus_mosaic.wav") -> int:
    session = Session(cps=0.5)
    ns = performer_namespace(session)
    corpus, mosaic = ns["corpus"], ns["mosaic"]

    field = corpus("default")
    session.play(0, field.target("<bright dark>*8").k(4).taboo(4).gain(0.8))
    session.play(1, field.target(centroid="<300 3000>", loudness=-12).k(2).struct("x ~ x x").gain(0.8))
    others = [name for name in session.library.names() if name != "crackle"]
    m = mosaic("crackle", corpus=others, max_s=0.15)
    print(m)
    session.play(2, ns["s"](f"<{m.played_as} ~>").gain(0.9))

    audio = session.render(4)
    for event in list(session.packer.events.values())[:8]:
        v = event.value
        print(f"{event.cycle:6.3f}  {v.get('unit_target', '-'):>26}  ->  {event.sample.label:<16} "
              f"{v.get('begin', 0.0):.3f}-{v.get('end', 1.0):.3f} of the sample")
    sf.write(out, audio, session.sr)
    print(f"wrote {out}: {audio.shape[0] / session.sr:.1f} s, peak {np.abs(audio).max():.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:2]))
