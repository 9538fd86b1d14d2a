"""OSC: a drop-in SuperDirt (`/dirt/play`, `/dirt/handshake`) and livesamp's own addresses.

`OscServer(session, OscConfig(...)).start()` listens (127.0.0.1:57120 by default) and
feeds the session's scheduler; see server.py. Importing this package opens no socket.
"""
from __future__ import annotations

from .config import DEFAULT_BUS_PORT, DEFAULT_PORT, OscConfig
from .server import OscServer
from .timing import (DacStreamClock, FixedStreamClock, MeasuredStreamClock, ntp_to_unix,
                     stream_clock_for, unix_to_ntp)

__all__ = ["OscServer", "OscConfig", "FixedStreamClock", "MeasuredStreamClock", "DacStreamClock",
           "stream_clock_for", "ntp_to_unix",
           "unix_to_ntp", "DEFAULT_PORT", "DEFAULT_BUS_PORT"]
