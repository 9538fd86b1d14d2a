"""OSC: a drop-in SuperDirt (`/dirt/play`, `/dirt/handshake`) and livesamp's own addresses.

`OscServer(session, OscConfig(...)).start()` listens (127.0.0.1:57120 by default) and
feeds the session's scheduler; see server.py. Importing this package opens no socket.
"""
from __future__ import annotations

from .config import DEFAULT_BUS_PORT, DEFAULT_PORT, OscConfig

_LAZY = {"OscServer": "server", "DacStreamClock": "timing", "FixedStreamClock": "timing",
         "MeasuredStreamClock": "timing", "ntp_to_unix": "timing", "stream_clock_for": "timing",
         "unix_to_ntp": "timing"}


def __getattr__(name: str):
    """The server and clocks load numba (through the engine): import them when first used,
    so `livesamp --help` and `livesamp samples ...` start fast."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["OscServer", "OscConfig", "FixedStreamClock", "MeasuredStreamClock", "DacStreamClock",
           "stream_clock_for", "ntp_to_unix",
           "unix_to_ntp", "DEFAULT_PORT", "DEFAULT_BUS_PORT"]
