"""The scheduler: queries every audible slot ahead of the audio and pushes Triggers.

`Scheduler.advance(horizon_frame)` is the whole algorithm: query [cursor, cycle(horizon)),
pack onset haps, push them to the engine, move the cursor. Offline rendering calls it
between blocks against a virtual clock; live playback calls it from a thread a lookahead
ahead of the stream. A slot whose pattern raises is reverted to its last good pattern
(that slot only) and reported once; repeats of the same message are rate-limited.
"""
from __future__ import annotations

import threading
import time
import traceback
from fractions import Fraction

import numpy as np

from ..engine.layout import TRIGGER_WIDTH
from ..pattern.time import TimeSpan
from ..pattern.core import State
from .inbox import TriggerInbox

__all__ = ["Scheduler", "SchedulerThread"]


class Scheduler:
    def __init__(self, slots, clock, packer, engine, report=None, controls: dict | None = None,
                 inbox: TriggerInbox | None = None):
        self.slots = slots
        self.clock = clock
        self.packer = packer
        self.engine = engine
        self.report = report or (lambda msg: None)
        self.cursor = Fraction(0)  # cycles queried so far
        self.controls = controls or {}
        self.inbox = inbox if inbox is not None else TriggerInbox()
        self._last_msgs: dict[str, float] = {}
        self.errors = 0
        self.pushed = 0
        self.dropped = 0

    def start_at_frame(self, frame: int) -> None:
        self.cursor = self.clock.cycle_at(frame)

    def _say(self, key: str, msg: str, every_s: float = 5.0) -> None:
        now = time.monotonic()
        if now - self._last_msgs.get(key, -1e9) >= every_s:
            self._last_msgs[key] = now
            self.report(msg)

    def advance(self, horizon_frame: int) -> int:
        """Schedule every onset before `horizon_frame`; returns the number of triggers pushed."""
        rows = self.inbox.drain()  # ready rows from other threads (OSC)
        end = self.clock.cycle_at(horizon_frame)
        begin = self.cursor
        if end <= begin:
            return self._push(rows)
        controls = {**self.controls, "_cps": self.clock.cps}
        state = State(TimeSpan(begin, end), controls)
        for index, pattern in self.slots.audible():
            try:
                slot_rows = self._slot_rows(index, pattern, state)
            except Exception as e:  # a bad pattern must not stop the others
                self.errors += 1
                reverted = self.slots.revert(index, pattern)
                what = f"d{index + 1}: {type(e).__name__}: {e}"
                if reverted:
                    what += " (reverted to its last good pattern)"
                self._say(f"{index}:{type(e).__name__}:{e}", what)
                continue
            self.slots.mark_good(index, pattern)
            rows.extend(slot_rows)
        self.cursor = end
        return self._push(rows)

    def _push(self, rows: list) -> int:
        if not rows:
            return 0
        rows.sort(key=lambda r: r[0])
        block = np.asarray(rows, dtype=np.float64).reshape(-1, TRIGGER_WIDTH)
        accepted = self.engine.push(block)
        self.pushed += accepted
        if accepted < len(block):
            self.dropped += len(block) - accepted
            self._say("ring-full", f"engine trigger ring full: {len(block) - accepted} events dropped")
        return accepted

    def _slot_rows(self, index: int, pattern, state: State) -> list:
        out = []
        clock = self.clock
        for hap in pattern.query(state):
            if hap.whole is None or hap.whole.begin != hap.part.begin:
                continue  # only onsets sound
            onset = hap.whole.begin
            nudge = hap.value.get("nudge") if isinstance(hap.value, dict) else None
            frame = clock.frame_at(onset)
            if nudge:
                frame += round(float(nudge) * clock.sr)
            row = self.packer.pack(index, hap, frame, clock.cps_at(onset), onset)
            if row is not None:
                out.append(row)
        return out


class SchedulerThread:
    """Runs a Scheduler a lookahead ahead of a live stream's frame counter."""

    def __init__(self, scheduler: Scheduler, frame_source, lookahead_s: float = 0.1,
                 interval_s: float = 0.02):
        self.scheduler = scheduler
        self.frame_source = frame_source  # callable -> current stream frame
        self.lookahead_frames = int(lookahead_s * scheduler.clock.sr)
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.scheduler.start_at_frame(self.frame_source() + self.lookahead_frames // 2)
        self._thread = threading.Thread(target=self._run, name="livesamp-scheduler", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        wake = self.scheduler.inbox.wake  # an urgent inbox row cuts the wait short
        while not self._stop.is_set():
            wake.clear()
            try:
                self.scheduler.advance(self.frame_source() + self.lookahead_frames)
            except Exception:  # never let the scheduler thread die
                self.scheduler.report("scheduler error:\n" + traceback.format_exc(limit=3))
            wake.wait(self.interval_s)

    def stop(self) -> None:
        self._stop.set()
        self.scheduler.inbox.wake.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
