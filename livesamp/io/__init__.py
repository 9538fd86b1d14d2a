"""Where the engine's audio goes: a sound card (PortAudio), nowhere (null), or a file.

``open_output(engine, backend="auto")`` tries PortAudio and falls back to the null
output with a one-paragraph explanation (never a traceback). Nothing here imports
sounddevice or compiles anything at import time.
"""
from __future__ import annotations

import sys
import time
from typing import Callable

from .null import NullOutput
from .portaudio import INSTALL_HINT, AudioUnavailable, LiveOutput
from .table import TapUnavailable

__all__ = ["open_output", "LiveOutput", "NullOutput", "AudioUnavailable", "TapUnavailable",
           "warm_up", "INSTALL_HINT"]


def _say(msg: str) -> None:
    print(msg, file=sys.stderr)


def open_output(engine, backend: str = "auto", *, device=None, blocksize: int = 256,
                latency=None, tap_seconds: float = 0.0,
                on_message: Callable[[str], None] | None = None):
    """An output for ``engine`` (not started): ``"portaudio"``, ``"null"`` or ``"auto"``.

    ``"auto"`` uses PortAudio when it is installed and can open ``device``; otherwise
    it returns a ``NullOutput`` and reports why through ``on_message`` (default:
    print to stderr). ``"portaudio"`` raises ``AudioUnavailable`` instead.
    """
    if backend not in ("auto", "portaudio", "null"):
        raise ValueError(f"backend must be 'auto', 'portaudio' or 'null', got {backend!r}")
    if backend == "null":
        return NullOutput(engine, blocksize=blocksize, tap_seconds=tap_seconds)
    try:
        return LiveOutput(engine, device=device, blocksize=blocksize, latency=latency,
                          tap_seconds=tap_seconds)
    except AudioUnavailable as exc:
        if backend == "portaudio":
            raise
        missing = "not installed" in str(exc)
        why = ("PortAudio is not installed" if missing
               else f"no usable audio output device ({exc})")
        (on_message or _say)(
            f"livesamp: {why}, so it will play silently (null output) and keep time as "
            f"if it were playing. {INSTALL_HINT if missing else 'Check `livesamp devices`.'} "
            f"Offline rendering to a file still works.")
        return NullOutput(engine, blocksize=blocksize, tap_seconds=tap_seconds)


def warm_up(callback: bool = True) -> dict:
    """Compile or load every kernel (engine, and the PortAudio callback if ``callback``)
    so the first note never waits. Returns seconds spent and whether numba compiled
    (``cold``) or loaded its cache (``warm``)."""
    from ..engine.warmup import warm_up_engine

    t0 = time.perf_counter()
    res = warm_up_engine()
    out = {"engine_s": res["seconds"], "engine_compiled": res["compiled"]}
    if callback:
        t1 = time.perf_counter()
        from . import _callback  # noqa: F401  (compiles or loads the cfunc)
        out["callback_s"] = time.perf_counter() - t1
    out["total_s"] = time.perf_counter() - t0
    out["state"] = "cold" if res["compiled"] else "warm"
    return out
