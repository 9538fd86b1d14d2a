"""The tiny neural resynthesis voice: trained on the performer's own sounds, on a CPU.

``s("thud*4 [tss drip]").voice("default")`` plays the same events resynthesised in the
timbre of the voice ``default``; ``.z0(sine.range(-2, 2).slow(8))`` walks its latent
space (z0 .. z3; z0 is always the clearest brightness axis), ``.follow(0)`` lets the model
choose the level instead of following the source's loudness.

Pieces: ``features`` (frame analysis: pitch, loudness, mel, harmonic and noise controls),
``synth`` (numba harmonic-plus-noise synthesiser), ``model`` (the network, forward and
backward by hand), ``train`` (Adam), ``describe`` (what each latent does), ``modelfile``
(weights plus card), ``store`` (finding voices by name, consent), ``cache`` (analyses
beside their sounds), ``build`` (``livesamp voice train``), ``play`` (events rendered
ahead of time into samples), ``metrics`` (quality measures), ``cli``.

Importing this package compiles and reads nothing.
"""

from __future__ import annotations

__all__ = ["train_voice", "start_training", "load", "list_voices", "DEFAULT_VOICE"]


def __getattr__(name: str):
    if name in ("train_voice", "start_training"):
        from . import build

        return getattr(build, name)
    if name in ("load", "list_voices", "DEFAULT_VOICE"):
        from . import store

        return getattr(store, name)
    raise AttributeError(f"module 'livesamp.neural' has no attribute {name!r}")
