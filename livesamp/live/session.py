"""Session: the composition root. Builds the bank library, engine, clock, slots, scheduler
and output, and gives the performer d1..d16, hush(), setcps() ...

Nothing starts until `start()` (live) or `render()` (offline): constructing a Session opens
no device.
"""
from __future__ import annotations

import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ..pattern.controls import control
from ..pattern.core import Pattern, reify, silence
from ..pattern.mini import mini
from ..schedule.clock import DEFAULT_CPS, LOOKAHEAD_S, Clock
from ..schedule.scheduler import Scheduler, SchedulerThread
from ..schedule.slots import N_SLOTS, SlotTable
from ..schedule.triggers import SampleIds, TriggerPacker
from .notices import NoticeFanout

__all__ = ["Session", "SlotHandle", "Batch", "as_pattern"]


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
        """Silence this slot (the same as `d1 << silence`)."""
        self._session.play(self.index, None)

    def mute(self) -> None:
        self._session.mute(self.index + 1)

    def unmute(self) -> None:
        self._session.unmute(self.index + 1)

    def solo(self) -> None:
        self._session.solo(self.index + 1)

    @property
    def pattern(self):
        return self._session.slots[self.index].pattern

    def __repr__(self) -> str:
        slot = self._session.slots[self.index]
        state = "silent" if slot.pattern is None else (slot.source or repr(slot.pattern))
        return f"<d{self.index + 1}: {state}>"


@dataclass
class Batch:
    """The slot and tempo changes of one evaluated input, applied together at one cycle.

    `cursor` is the scheduler's cursor when they were applied: the first cycle that the
    scheduler queries with the new slot table; `frame` is the stream frame of that cycle
    (exact: the cursor is always `clock.cycle_at` of an integer horizon frame), which is
    what `livesamp replay` needs to apply the same input at the same place.
    """

    ops: list = field(default_factory=list)     # (description, apply-function)
    cursor: Fraction | None = None
    frame: int | None = None

    @property
    def changes(self) -> list[str]:
        return [d for d, _ in self.ops]


class _LockedScheduler:
    """The scheduler as the scheduler thread sees it: each `advance` is the session's
    `advance` (under the session lock, so a batch of slot changes lands between two
    advances, never inside one)."""

    def __init__(self, session):
        self._session = session
        self._scheduler = session.scheduler

    def advance(self, horizon_frame: int) -> int:
        return self._session.advance(horizon_frame)

    def start_at_frame(self, frame: int) -> None:
        with self._session._lock:
            self._scheduler.start_at_frame(frame)
            self.started_at_frame = int(frame)

    def __getattr__(self, name):
        return getattr(self._scheduler, name)


class Session:
    """One performance: banks, engine, clock, slots and scheduler, live or offline."""

    def __init__(self, sr: int = 48000, cps: float = DEFAULT_CPS, banks=None, blocksize: int = 256,
                 max_voices: int = 256, lookahead_s: float = LOOKAHEAD_S, report=None, library=None):
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
        self.packer = TriggerPacker(SampleIds(self.library, self.engine), self.sr, warn=self._report)
        self.scheduler = Scheduler(self.slots, self.clock, self.packer, self.engine, report=self._report)
        self.notices = NoticeFanout(self.engine, self.packer, report=self._report)  # the one notice reader
        self.output = None
        self._thread: SchedulerThread | None = None
        self._lock = threading.RLock()      # held by scheduler advances and batch applies
        self._batch: Batch | None = None
        self._batch_thread: int | None = None
        self.taps: list = []                # callables(frame0, block) fed by offline renders
        self.scheduler_start_frame: int | None = None  # where live scheduling began
        for i in range(N_SLOTS):
            setattr(self, f"d{i + 1}", SlotHandle(self, i))

    def _report(self, msg: str) -> None:
        self.report(msg)

    # -- changes: applied at once, or collected into a batch --------------------------------
    def _change(self, description: str, fn) -> None:
        batch = self._batch
        if batch is not None and self._batch_thread == threading.get_ident():
            batch.ops.append((description, fn))
            return
        with self._lock:
            fn()

    @contextmanager
    def batch(self):
        """Collect the changes made inside (play, stop, hush, solo, mute, setcps) and apply
        them together, between two scheduler advances, when the block ends (also when it
        raises: what ran before the error stands). Yields the Batch, whose `cursor` and
        `frame` say where the changes took effect."""
        if self._batch is not None:
            raise RuntimeError("batches do not nest")
        batch = Batch()
        self._batch, self._batch_thread = batch, threading.get_ident()
        try:
            yield batch
        finally:
            self._batch, self._batch_thread = None, None
            with self._lock:
                batch.cursor = self.scheduler.cursor
                batch.frame = _exact_frame(self.clock, batch.cursor)
                for description, fn in batch.ops:
                    try:
                        fn()
                    except Exception as e:  # noqa: BLE001 - one bad change must not lose the others
                        self._report(f"{description}: {type(e).__name__}: {e}")

    # -- scheduling -------------------------------------------------------------------------
    def advance(self, horizon_frame: int) -> int:
        """One scheduler step (live: the scheduler thread; offline: between blocks). A slot
        whose pattern raises goes back as `SlotTable.revert` says, and the performer is told."""
        with self._lock:
            return self.scheduler.advance(horizon_frame)

    # -- the performer's verbs -------------------------------------------------------------
    def play(self, index: int, pattern, source: str = "") -> None:
        """Put a pattern in slot `index` (0-based), checking it first: a pattern that fails
        its first cycle, or names an unknown sample, raises here and the slot keeps playing
        its last good pattern."""
        pat = as_pattern(pattern)
        if pat is silence:
            pat = None
        if pat is not None:
            self.check(pat)
        slots = self.slots

        def apply():
            slots.set(index, pat, source)

        self._change(f"d{index + 1} {'set' if pat is not None else 'stopped'}", apply)

    def check(self, pat: Pattern, cycles: int = 1) -> None:
        """Query the pattern's next cycle and pack every onset as the scheduler will (sample
        names resolved, control values checked), raising what scheduling would raise. The
        samples it names are loaded into the engine now, on this thread, not mid-schedule."""
        start = self.scheduler.cursor
        packer = TriggerPacker(self.packer.sample_ids, self.sr, max_events=1, warn=self._report)
        cps = self.clock.cps
        for hap in pat.query_arc(start, start + cycles):
            if hap.whole is None or hap.whole.begin != hap.part.begin:
                continue
            packer.pack(0, hap, 0, cps, hap.whole.begin)

    def hush(self) -> None:
        """Stop every slot (and forget solos)."""
        self._change("hush", self.slots.hush)

    def setcps(self, cps) -> None:
        """Tempo in cycles per second, from the next scheduled event on."""
        value = _positive(cps, "cps")
        self._change(f"cps {float(value):g}", lambda: self.clock.set_cps(value, self.scheduler.cursor))

    def setbpm(self, bpm) -> None:
        """Tempo in beats per minute (4 beats per cycle)."""
        value = _positive(bpm, "bpm")
        self._change(f"bpm {float(value):g}", lambda: self.clock.set_bpm(value, self.scheduler.cursor))

    def solo(self, *slots) -> None:
        """Only these slots sound (solo(d1, d3)); unsolo() ends it."""
        for i in [_index(s) for s in slots]:
            self._change(f"d{i + 1} solo", lambda i=i: self.slots.solo(i, True))

    def unsolo(self) -> None:
        """Every unmuted slot sounds again."""
        self._change("unsolo", self.slots.unsolo)

    def mute(self, *slots) -> None:
        """Silence these slots without forgetting their patterns (unmute() brings them back)."""
        for i in [_index(s) for s in slots]:
            self._change(f"d{i + 1} mute", lambda i=i: self.slots.mute(i, True))

    def unmute(self, *slots) -> None:
        """Unmute these slots; with no argument, every slot."""
        if not slots:
            table = self.slots
            self._change("unmute all", lambda: [table.mute(i, False) for i in range(len(table))])
            return
        for i in [_index(s) for s in slots]:
            self._change(f"d{i + 1} unmute", lambda i=i: self.slots.mute(i, False))

    # -- banks ----------------------------------------------------------------------------
    def add_bank(self, bank, first: bool = True) -> None:
        """Register a bank with the session's library (first: its names win), by swapping in a
        new library: the scheduler picks it up at its next trigger."""
        from ..bank import SampleLibrary

        if any(b is bank for b in self.library.banks):
            return
        banks = (bank, *self.library.banks) if first else (*self.library.banks, bank)
        library = SampleLibrary(banks, sr=self.library.sr)
        self.library = library
        self.packer.sample_ids.library = library

    # -- live -----------------------------------------------------------------------------
    def start(self, backend: str = "auto", device=None, tap_seconds: float = 4.0) -> Session:
        """Open the audio output (PortAudio, or the null backend) and start scheduling.

        `tap_seconds` of the output are kept in the output's tap ring for the recorder and
        resample() (0: no tap). "auto" falls back to the null output and says why."""
        from ..io import open_output

        self.output = open_output(self.engine, backend=backend, device=device, blocksize=self.blocksize,
                                  tap_seconds=tap_seconds, on_message=self._report)
        self.output.start()
        self.notices.resume()
        locked = _LockedScheduler(self)
        self._thread = SchedulerThread(locked, lambda: self.engine.frame, self.lookahead_s)
        self._thread.start()
        self.scheduler_start_frame = getattr(locked, "started_at_frame", None)
        return self

    def describe_output(self) -> str:
        """One line: where the sound goes."""
        out = self.output
        if out is None:
            return "no output (offline)"
        if type(out).__name__ == "NullOutput":
            return "the null output (silent, keeping time)"
        latency = getattr(out, "latency", None)
        lat = f", {1000 * latency:.0f} ms latency" if isinstance(latency, (int, float)) else ""
        device = getattr(out, "device", None)
        name = repr(device)
        try:
            import sounddevice as sd

            info = sd.query_devices(device)
            name = f"{info['name']} ({sd.query_hostapis(info['hostapi'])['name']})"
        except Exception:  # noqa: BLE001 - a name is a nicety
            pass
        return f"PortAudio, {name}, {self.sr} Hz{lat}"

    def stop(self) -> None:
        self.notices.stop()
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
        frame0 = self.engine.frame
        while done < n_frames:
            n = min(self.blocksize, n_frames - done)
            self.advance(self.engine.frame + n + lookahead)
            out[done:done + n] = self.engine.render(n)
            done += n
        for tap in list(self.taps):
            tap(frame0, out)
        return out

    def render(self, cycles) -> np.ndarray:
        """Render `cycles` cycles from the current position (frames, 2) float32."""
        start_cycle = self.clock.cycle_at(self.engine.frame)
        end_frame = self.clock.frame_at(start_cycle + cycles)
        return self.render_frames(max(0, end_frame - self.engine.frame))


def _exact_frame(clock, cycle) -> int:
    exact = clock.frame_exact(cycle)
    return int(exact) if exact.denominator == 1 else round(exact)


def _positive(x, what: str):
    try:
        value = Fraction(x) if not isinstance(x, Fraction) else x
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be a number, got {x!r}") from None
    if value <= 0:
        raise ValueError(f"{what} must be positive, got {x!r}")
    return value


def _index(slot) -> int:
    if isinstance(slot, SlotHandle):
        return slot.index
    if isinstance(slot, int) and not isinstance(slot, bool) and 1 <= slot <= N_SLOTS:
        return slot - 1
    if isinstance(slot, str) and slot[:1] == "d" and slot[1:].isdigit() and 1 <= int(slot[1:]) <= N_SLOTS:
        return int(slot[1:]) - 1
    raise ValueError(f"expected a slot d1 .. d{N_SLOTS} (or 1 .. {N_SLOTS}), got {slot!r}")


def _library_from(banks, sr, SampleLibrary, default_library):
    if banks is None:  # the performer's configured and imported banks, then the default bank
        from ..bank.config import library_from_config

        return library_from_config(sr=sr)
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
