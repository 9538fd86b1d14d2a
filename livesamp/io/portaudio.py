"""``LiveOutput``: the engine on a sound card, through PortAudio, without the GIL.

The stream is sounddevice's low-level ``_StreamBase`` (documented for library
authors; python-rtmixer uses it the same way) with a C function pointer as the
callback: the numba ``@cfunc`` in ``_callback.py``. PortAudio's audio thread runs the
engine's render kernel directly; no Python runs per block.

Callback load is measured inside the callback with ``clock_gettime(CLOCK_MONOTONIC)``
called from compiled code: time in the callback / block duration, smoothed.

sounddevice is imported only when an output is opened, so ``import livesamp`` works
on a machine without PortAudio (sounddevice raises OSError at import there).
"""
from __future__ import annotations

import numpy as np

from .table import AddressTable

__all__ = ["LiveOutput", "AudioUnavailable", "import_sounddevice", "INSTALL_HINT"]

INSTALL_HINT = ("Install PortAudio with `apt-get install libportaudio2` (Debian/Ubuntu) or "
                "`brew install portaudio` (macOS), then restart livesamp.")


class AudioUnavailable(OSError):
    """PortAudio or a usable output device is missing."""


def import_sounddevice():
    """sounddevice, or ``AudioUnavailable`` with an install hint."""
    try:
        import sounddevice as sd
    except OSError as exc:   # "PortAudio library not found"
        raise AudioUnavailable(f"PortAudio is not installed ({exc}). {INSTALL_HINT}") from None
    return sd


class LiveOutput:
    """Play ``engine`` on a PortAudio device.

    ``device``: a sounddevice device id or name (None: the default output);
    ``blocksize``: frames per callback (0 lets PortAudio choose); ``samplerate``
    must equal ``engine.sr``; ``latency``: PortAudio's suggested latency (seconds or
    'low'/'high'); ``tap_seconds``: keep the last that many seconds of output for
    ``read_tap`` (0: no tap). While the stream runs, ``engine.render`` and
    ``engine.reset`` refuse (the callback owns the engine).
    """

    def __init__(self, engine, device=None, blocksize: int = 256, samplerate: int | None = None,
                 latency=None, tap_seconds: float = 0.0) -> None:
        if samplerate is None:
            samplerate = engine.sr
        if int(samplerate) != engine.sr:
            raise ValueError(f"samplerate {samplerate} differs from the engine's {engine.sr} Hz; "
                             f"create the Engine with sr={samplerate}")
        if not engine.protect:
            raise ValueError("refusing to play an Engine(protect=False) live: its master bus has "
                             "no limiter; use protect=True")
        sd = import_sounddevice()
        from ._callback import pa_callback   # compiles, or loads numba's cache
        self.engine = engine
        self.blocksize = int(blocksize)
        self.table = AddressTable(engine, tap_frames=int(round(tap_seconds * engine.sr)))
        self._cfunc = pa_callback   # must outlive the stream
        self._userdata = sd._ffi.cast("void *", self.table.address)
        try:
            self._stream = sd._StreamBase(
                kind="output", samplerate=engine.sr, blocksize=self.blocksize, device=device,
                channels=2, dtype="float32", latency=latency,
                callback=sd._ffi.cast("PaStreamCallback *", pa_callback.address),
                userdata=self._userdata, wrap_callback=None)
        except sd.PortAudioError as exc:
            raise AudioUnavailable(f"could not open the output device {device!r}: {exc}") from None
        engine._swap_listeners.append(self.table.publish_arena)
        self._closed = False

    # --- control -------------------------------------------------------------------------
    def start(self) -> None:
        if self._closed:
            raise RuntimeError("this output is closed")
        if self.engine._live not in (None, self):
            raise RuntimeError("the engine is already played by another output")
        self.engine._live = self
        self._stream.start()

    def stop(self) -> None:
        """Stop the stream (waits for the callback to finish its last block)."""
        if not self._closed and not self._stream.stopped:
            self._stream.stop()
        if self.engine._live is self:
            self.engine._live = None

    def close(self) -> None:
        if self._closed:
            return
        self.stop()
        self._stream.close()
        self._closed = True
        try:
            self.engine._swap_listeners.remove(self.table.publish_arena)
        except ValueError:
            pass

    def __enter__(self) -> "LiveOutput":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- information ---------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return not self._closed and self._stream.active

    @property
    def samplerate(self) -> float:
        return self._stream.samplerate

    @property
    def latency(self) -> float:
        """PortAudio's output latency in seconds."""
        return self._stream.latency

    @property
    def device(self):
        return self._stream.device

    def stream_time(self) -> float:
        """PortAudio's stream clock (Pa_GetStreamTime), the clock its DAC times use; the OSC
        server maps timetags to frames with it."""
        return self._stream.time

    @property
    def callbacks(self) -> int:
        return self.engine.callbacks

    def read_tap(self, start_frame: int, n_frames: int) -> np.ndarray:
        """Output frames ``[start_frame, start_frame + n_frames)`` from the tap."""
        return self.table.read_tap(int(start_frame), int(n_frames))

    def tap_span(self) -> tuple[int, int]:
        return self.table.tap_span()

    def tap_blocks(self) -> np.ndarray:
        return self.table.tap_blocks()

    def __repr__(self) -> str:
        state = "closed" if self._closed else ("active" if self.active else "stopped")
        return f"LiveOutput(device={self.device!r}, blocksize={self.blocksize}, {state})"

