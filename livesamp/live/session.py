"""Session: the composition root. Builds the bank library, engine, clock, slots, scheduler
and output, and gives the performer d1..d16, hush(), setcps() ...

Nothing starts until `start()` (live) or `render()` (offline): constructing a Session opens
no device.
"""
from __future__ import annotations

import sys
import threading

import numpy as np

from ..pattern.controls import control
from ..pattern.core import Pattern, reify, silence
from ..pattern.mini import mini
from ..schedule.clock import DEFAULT_CPS, Clock
from ..schedule.scheduler import Scheduler, SchedulerThread
from ..schedule.slots import N_SLOTS, SlotTable
from ..schedule.triggers import SampleIds, TriggerPacker

__all__ = ["Session", "SlotHandle", "as_pattern"]


def as_pattern(x) -> Pattern:
    """What a slot plays: a string is s() of that mini-notation, a Pattern stays."""
    if isinstance(x, str):
        return control("s")(mini(x))
    if x is None:
        return silence
    if isinstance(x, Pattern):
        return x
    raise TypeError(f"a slot plays a pattern or a mini-notation string, got {type(x).__name__} {x!r}")


class SlotHandle:
    """d1 .. d16: `d1 << "thud*2 tss"`, `d1 << s("thud").fast(2)`, `d1.stop()`."""

    def __init__(self, session: Session, index: int):
        self._session = session
        self.index = index

    def __lshift__(self, pattern):
        self._session.play(self.index, pattern)
        return self

    def __call__(self, pattern):
        return self << pattern

    def stop(self) -> None:
        self._session.slots.set(self.index, None)

    def mute(self) -> None:
        self._session.slots.mute(self.index, True)

    def unmute(self) -> None:
        self._session.slots.mute(self.index, False)

    def solo(self) -> None:
        self._session.slots.solo(self.index, True)

    @property
    def pattern(self):
        return self._session.slots[self.index].pattern

    def __repr__(self) -> str:
        slot = self._session.slots[self.index]
        state = "silent" if slot.pattern is None else (slot.source or repr(slot.pattern))
        return f"<d{self.index + 1}: {state}>"


class Session:
    """One performance: banks, engine, clock, slots and scheduler, live or offline."""

    def __init__(self, sr: int = 48000, cps: float = DEFAULT_CPS, banks=None, blocksize: int = 256,
                 max_voices: int = 256, lookahead_s: float = 0.1, report=None, library=None):
        from ..bank import SampleLibrary, default_library  # deferred: keeps import livesamp light
        from ..engine import Engine

        self.sr = int(sr)
        self.blocksize = int(blocksize)
        self.lookahead_s = lookahead_s
        self.report = report or (lambda msg: print(msg, file=sys.stderr))
        if library is None:
            library = _library_from(banks, self.sr, SampleLibrary, default_library)
        self.library = library
        self.engine = Engine(sr=self.sr, max_voices=max_voices, block=self.blocksize)
        self.clock = Clock(cps, self.sr)
        self.slots = SlotTable(N_SLOTS)
        self.packer = TriggerPacker(SampleIds(self.library, self.engine), self.sr)
        self.scheduler = Scheduler(self.slots, self.clock, self.packer, self.engine, report=self._report)
        self.output = None
        self._thread: SchedulerThread | None = None
        self._lock = threading.Lock()
        for i in range(N_SLOTS):
            setattr(self, f"d{i + 1}", SlotHandle(self, i))

    def _report(self, msg: str) -> None:
        self.report(msg)

    # -- the performer's verbs -------------------------------------------------------------
    def play(self, index: int, pattern, source: str = "") -> None:
        """Put a pattern in slot `index` (0-based), checking it first: a pattern that fails
        its first cycle, or names an unknown sample, raises here and the slot keeps playing
        its last good pattern."""
        pat = as_pattern(pattern)
        self.check(pat)
        self.slots.set(index, pat, source)
        self.slots.mark_good(index, pat)

    def check(self, pat: Pattern, cycles: int = 1) -> None:
        """Query the pattern's next cycle and resolve its sample names (raises on problems)."""
        start = self.scheduler.cursor
        for hap in pat.query_arc(start, start + cycles):
            value = hap.value
            if isinstance(value, dict) and isinstance(value.get("s"), str):
                n = value.get("n", 0)
                self.library.get(value["s"], int(n) if isinstance(n, (int, float)) else 0)

    def hush(self) -> None:
        """Stop every slot."""
        self.slots.hush()

    def setcps(self, cps) -> None:
        """Tempo in cycles per second, from the next scheduled event on."""
        self.clock.set_cps(cps, self.scheduler.cursor)

    def setbpm(self, bpm) -> None:
        """Tempo in beats per minute (4 beats per cycle)."""
        self.clock.set_bpm(bpm, self.scheduler.cursor)

    def solo(self, *slots) -> None:
        for s in slots:
            self.slots.solo(_index(s), True)

    def unsolo(self) -> None:
        self.slots.unsolo()

    def mute(self, *slots) -> None:
        for s in slots:
            self.slots.mute(_index(s), True)

    def unmute(self, *slots) -> None:
        for s in slots:
            self.slots.mute(_index(s), False)

    # -- live -----------------------------------------------------------------------------
    def start(self, backend: str = "auto", device=None) -> Session:
        """Open the audio output (PortAudio, or the null backend) and start scheduling."""
        from ..io import open_output

        self.engine.warm_up()
        self.output = open_output(self.engine, backend=backend, device=device,
                                  blocksize=self.blocksize, samplerate=self.sr, report=self._report)
        self.output.start()
        self._thread = SchedulerThread(self.scheduler, lambda: self.engine.frame, self.lookahead_s)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._thread.stop()
            self._thread = None
        if self.output is not None:
            self.output.close()
            self.output = None

    close = stop

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- offline --------------------------------------------------------------------------
    def render_frames(self, n_frames: int) -> np.ndarray:
        """Render n_frames offline from the engine's current frame, scheduling as live does."""
        out = np.zeros((n_frames, 2), dtype=np.float32)
        lookahead = int(self.lookahead_s * self.sr)
        done = 0
        while done < n_frames:
            n = min(self.blocksize, n_frames - done)
            self.scheduler.advance(self.engine.frame + n + lookahead)
            out[done:done + n] = self.engine.render(n)
            done += n
        return out

    def render(self, cycles) -> np.ndarray:
        """Render `cycles` cycles from the current position (frames, 2) float32."""
        start_cycle = self.clock.cycle_at(self.engine.frame)
        end_frame = self.clock.frame_at(start_cycle + cycles)
        return self.render_frames(max(0, end_frame - self.engine.frame))


def _index(slot) -> int:
    if isinstance(slot, SlotHandle):
        return slot.index
    if isinstance(slot, int):
        return slot - 1
    if isinstance(slot, str) and slot.startswith("d"):
        return int(slot[1:]) - 1
    raise ValueError(f"expected a slot like d1 or 1, got {slot!r}")


def _library_from(banks, sr, SampleLibrary, default_library):
    if banks is None:
        return default_library(sr)
    from ..bank import DefaultBank, FolderBank

    resolved = []
    for b in banks:
        if isinstance(b, str) and b == "default":
            resolved.append(DefaultBank())
        elif isinstance(b, str) or hasattr(b, "__fspath__"):
            resolved.append(FolderBank(b))
        else:
            resolved.append(b)
    return SampleLibrary(resolved, sr=sr)
