"""livesamp: a live-coding sampler.

Patterns in TidalCycles/Strudel mini-notation over onomatopoeically named samples, played
by a numba engine. `from livesamp import *` gives the performer's vocabulary (`s`, `fast`,
`every`, `sine` ...). Importing livesamp opens no device, starts no thread and reads no file;
the audio side (`Session`, `render`) is imported when first used.
"""
from __future__ import annotations

import builtins as _builtins

from .pattern import Hap, Pattern, TimeSpan
from .pattern.vocabulary import VOCABULARY as _VOCABULARY

globals().update(_VOCABULARY)

_LAZY = {
    "Session": ("livesamp.live.session", "Session"),
    "render": ("livesamp.render", "render"),
    "corpus": ("livesamp.concat", "corpus"),
    "mosaic": ("livesamp.concat", "mosaic"),
}

__all__ = sorted(_builtins.set(_VOCABULARY) | {"Pattern", "Hap", "TimeSpan", "corpus", "mosaic"})
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'livesamp' has no attribute {name!r}")
