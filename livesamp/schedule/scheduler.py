"""The scheduler: queries every audible slot ahead of the audio and pushes Triggers.

`Scheduler.advance(horizon_frame)` is the whole algorithm: take the onsets in
[cursor, cycle(horizon)), pack them, push them to the engine, move the cursor. Each slot is
queried once per cycle (from the cursor to the cycle's end) and the onsets are handed out
tick by tick: a pattern query has a large fixed cost, so 100 small windows per cycle would
cost ~20 times more than one. A new pattern in a slot is queried from the cursor at once. Offline rendering calls it
between blocks against a virtual clock; live playback calls it from a thread a lookahead
ahead of the stream. A slot whose pattern raises is reverted to its last good pattern
(that slot only) and reported once; repeats of the same message are rate-limited.
"""
from __future__ import annotations

import bisect
import math
import sys
import threading
import time
import traceback
from fractions import Fraction

import numpy as np

from ..engine.layout import TRIGGER_WIDTH
from ..pattern.time import Time, TimeSpan
from ..pattern.core import State
from .clock import LOOKAHEAD_S
from .inbox import TriggerInbox

__all__ = ["Scheduler", "SchedulerThread", "LOOKAHEAD_S"]


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
        self._cache: dict[int, tuple] = {}  # slot -> (pattern, begin, end, onset times, haps)
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
        for index, pattern in self.slots.audible():
            try:
                slot_rows = self._slot_rows(index, pattern, begin, end, controls)
            except Exception as e:  # a bad pattern must not stop the others
                self.errors += 1
                outcome = self.slots.revert(index, pattern)
                what = f"d{index + 1}: {type(e).__name__}: {e}"
                if outcome == "last good":
                    what += " (reverted to its last good pattern)"
                self._say(f"{index}:{type(e).__name__}:{e}", what)
                if outcome == "replaced":
                    self.report(f"d{index + 1}: back to the pattern it replaced")
                elif outcome == "stopped":
                    self.report(f"d{index + 1}: stopped")
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

    def _onsets(self, index: int, pattern, begin, end, controls: dict) -> list:
        """Onset haps of `pattern` with begin <= onset < end, from the per-cycle cache."""
        out = []
        c = begin
        while c < end:
            entry = self._cache.get(index)
            if entry is None or entry[0] is not pattern or not (entry[1] <= c < entry[2]):
                cycle_end = Time(math.floor(c) + 1)
                haps = [h for h in pattern.query(State(TimeSpan(c, cycle_end), controls))
                        if h.whole is not None and h.whole.begin == h.part.begin]
                haps.sort(key=lambda h: h.whole.begin)
                entry = (pattern, c, cycle_end, [h.whole.begin for h in haps], haps)
                self._cache[index] = entry
                ahead = getattr(self.packer, "prefetch", None)  # slow voices prepare the next cycle
                if ahead is not None:
                    ahead(index, pattern, cycle_end, controls, haps)
            seg_end = end if end < entry[2] else entry[2]
            times, haps = entry[3], entry[4]
            out.extend(haps[bisect.bisect_left(times, c):bisect.bisect_left(times, seg_end)])
            c = seg_end
        return out

    def _slot_rows(self, index: int, pattern, begin, end, controls: dict) -> list:
        out = []
        clock = self.clock
        for hap in self._onsets(index, pattern, begin, end, controls):
            onset = hap.whole.begin
            nudge = hap.value.get("nudge") if isinstance(hap.value, dict) else None
            frame = clock.frame_at(onset)
            if nudge:
                frame += round(float(nudge) * clock.sr)
            row = self.packer.pack(index, hap, frame, clock.cps_at(onset), onset)
            if row is not None:
                out.append(row)
        return out


SWITCH_INTERVAL_S = 0.001
_switch_lock = threading.Lock()
_switch_users = 0
_switch_before: float | None = None


def _hold_switch_interval() -> None:
    """While a scheduler thread runs, Python hands the GIL over every 1 ms instead of 5 ms.

    A thread that keeps the GIL busy (a heavy pattern, a training loop, the REPL) makes
    every GIL acquisition of the scheduler wait up to one switch interval, and a window
    takes several: measured with 16 dense slots beside a pure-Python busy loop, the longest
    scheduler pass went from 95 ms (late triggers with a 100 ms lookahead) to 30 ms."""
    global _switch_users, _switch_before
    with _switch_lock:
        if _switch_users == 0 and sys.getswitchinterval() > SWITCH_INTERVAL_S:
            _switch_before = sys.getswitchinterval()
            sys.setswitchinterval(SWITCH_INTERVAL_S)
        _switch_users += 1


def _release_switch_interval() -> None:
    global _switch_users, _switch_before
    with _switch_lock:
        _switch_users = max(0, _switch_users - 1)
        if _switch_users == 0 and _switch_before is not None:
            if sys.getswitchinterval() == SWITCH_INTERVAL_S:   # nobody else changed it
                sys.setswitchinterval(_switch_before)
            _switch_before = None


class SchedulerThread:
    """Runs a Scheduler a lookahead ahead of a live stream's frame counter (and, while it
    runs, a 1 ms GIL switch interval: ``_hold_switch_interval``)."""

    def __init__(self, scheduler: Scheduler, frame_source, lookahead_s: float = LOOKAHEAD_S,
                 interval_s: float = 0.02):
        self.scheduler = scheduler
        self.frame_source = frame_source  # callable -> current stream frame
        self.lookahead_frames = int(lookahead_s * scheduler.clock.sr)
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.scheduler.start_at_frame(self.frame_source() + self.lookahead_frames // 2)
        _hold_switch_interval()
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
            _release_switch_interval()
