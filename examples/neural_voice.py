"""The neural voice, offline: the default voice, and (with --train) one trained here.

    .venv/bin/python examples/neural_voice.py [out.wav] [--train]

1. The default voice (shipped with livesamp, trained on the default bank) plays a beat
   whose latent z0 walks from dark to bright; every event's card is printed as the
   audience view shows it: the voice, what it was trained on, the sample it resynthesises.
2. With --train: a voice is trained on three tonal sounds in a separate process (the
   progress is printed; Ctrl-C cancels and writes nothing) and the same beat plays in it.
"""
from __future__ import annotations

import sys

import numpy as np
import soundfile as sf

from livesamp import s, sine
from livesamp.live.session import Session
from livesamp.live.stage.publish import card_for
from livesamp.neural.store import load


def main(out: str = "neural_voice.wav", train: bool = False) -> int:
    voice = load("default")
    print(f"voice default: {voice.card['summary']}")
    for m in voice.card["latents"]:
        print(f"  z{m['dim']}: {m['says']} (centroid {m['centroid_hz'][0]:.0f} -> {m['centroid_hz'][-1]:.0f} Hz)")
    session = Session(banks=["default"], cps=0.5)
    beat = s("thud*4 [tss drip]")
    session.play(0, beat.voice("default").z0(sine.range(-2, 2).slow(4)))
    audio = [session.render(4)]
    for event in list(session.packer.events.values())[:4]:
        card = card_for(event.sample, "c")
        print(f"{event.cycle:5.2f}  z0={event.value.get('z0', 0):+.2f}  {card['made']}: {card['recipe']}")
    if train:
        from livesamp.neural.build import start_training

        job = start_training("tones", ["hum", "ping", "pluck"], banks=["default"], steps=1500)
        try:
            result = job.wait(lambda m: print(f"\r{m[1]} {m[2]}/{m[3]} {m[4]:<24}", end="", flush=True)
                              if m[0] == "progress" else None)
        except KeyboardInterrupt:
            job.cancel()
            print("\ncancelled: no voice written")
            return 1
        print()
        if result[0] != "done":
            print(f"training did not finish: {result}")
            return 1
        print(f"trained {result[1]}: {result[2]}")
        session.play(0, beat.voice("tones").z0(sine.range(-2, 2).slow(4)))
        audio.append(session.render(4))
    mix = np.concatenate(audio)
    sf.write(out, mix, session.sr)
    print(f"wrote {out}: {mix.shape[0] / session.sr:.1f} s, peak {np.abs(mix).max():.2f}")
    return 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    raise SystemExit(main(*args[:1], train="--train" in sys.argv))
