"""The engine's notices, fanned out: one thread pops, every subscriber gets its own copy.

`Engine.pop_notices()` has exactly one consumer. A `NoticeFanout` is it: while anyone is
subscribed, one thread pops the notice ring every `poll_s`, joins each row with what the
trigger was (`TriggerPacker.events`: slot, sample, source locations), and puts the batch
into each subscriber's bounded queue. Subscribers read on their own threads (OSC out, the
audience view). Nothing here ever waits on a subscriber: a full queue drops its oldest
batch and counts it. The audio thread is never involved: the ring is lock-free.

    sub = session.notices.subscribe("stage")
    batch = sub.get(timeout=0.1)      # a NoticeBatch, or None
    for row, info in batch: ...       # info: EventInfo, or None (stats, unknown events)
    sub.close()

The thread runs only while there are subscribers and the session has not stopped it
(`Session.stop()` stops it, `Session.start()` resumes it).
"""
from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

import numpy as np

from ..engine import layout as L

__all__ = ["NoticeBatch", "NoticeFanout", "Subscription"]


@dataclass(frozen=True)
class NoticeBatch:
    """Notices popped together: `rows` (k, NOTICE_WIDTH) float64 as the engine wrote them,
    `infos[i]` the EventInfo of row i's event (None when the row has no known event), and
    `popped_s` the system time (time.time()) they were popped at."""

    rows: np.ndarray
    infos: tuple
    popped_s: float

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        return zip(self.rows, self.infos)

    def started(self):
        """(row, info) of every voice start whose event is known."""
        return [(r, i) for r, i in zip(self.rows, self.infos)
                if i is not None and int(r[L.N_KIND]) == L.NK_STARTED]


class Subscription:
    """One subscriber's bounded queue of NoticeBatch. `get` waits (on the subscriber's own
    thread); the fan-out's `put` never does: when `maxsize` batches are waiting, the oldest
    is dropped and counted in `dropped`."""

    def __init__(self, fanout: NoticeFanout, name: str, maxsize: int):
        if maxsize < 1:
            raise ValueError(f"a subscription holds at least 1 batch, got maxsize={maxsize!r}")
        self.name = name
        self.maxsize = int(maxsize)
        self.dropped = 0
        self.delivered = 0
        self._fanout = fanout
        self._q: deque = deque()
        self._cv = threading.Condition(threading.Lock())
        self.closed = False

    def put(self, batch: NoticeBatch) -> None:
        with self._cv:
            if len(self._q) >= self.maxsize:
                self._q.popleft()
                self.dropped += 1
            self._q.append(batch)
            self.delivered += 1
            self._cv.notify()

    def get(self, timeout: float | None = None) -> NoticeBatch | None:
        """The oldest waiting batch, waiting up to `timeout` seconds; None if none came."""
        with self._cv:
            if not self._q and not self.closed:
                self._cv.wait(timeout)
            return self._q.popleft() if self._q else None

    def drain(self) -> list[NoticeBatch]:
        with self._cv:
            out = list(self._q)
            self._q.clear()
            return out

    def close(self) -> None:
        """Stop receiving (wakes a waiting `get`)."""
        self._fanout.unsubscribe(self)
        with self._cv:
            self.closed = True
            self._cv.notify_all()

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Subscription {self.name!r}: {len(self._q)} waiting, {self.dropped} dropped>"


class NoticeFanout:
    """The engine's one notice consumer, handing joined batches to subscribers."""

    def __init__(self, engine, packer, poll_s: float = 0.005, report=print):
        self.engine = engine
        self.packer = packer
        self.poll_s = float(poll_s)
        self.report = report
        self.batches = 0
        self.rows = 0
        self.errors = 0
        self._subs: tuple[Subscription, ...] = ()
        self._lock = threading.Lock()
        self._pop_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._halted = False

    # -- subscribers ------------------------------------------------------------------------
    def subscribe(self, name: str = "", maxsize: int = 256) -> Subscription:
        """A new subscriber; starts the thread if it is the first (unless halted)."""
        sub = Subscription(self, name, maxsize)
        with self._lock:
            self._subs = (*self._subs, sub)
            start = not self._halted
        if start:
            self._ensure_thread()
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            self._subs = tuple(s for s in self._subs if s is not sub)
            last = not self._subs
        if last:
            self._join()

    @property
    def subscribers(self) -> tuple[Subscription, ...]:
        return self._subs

    # -- the thread ---------------------------------------------------------------------------
    def poll(self) -> NoticeBatch | None:
        """Pop what the engine noticed, join it with the packer's events and hand it to
        every subscriber; returns the batch (None when there was nothing)."""
        with self._pop_lock:    # the ring has one consumer, even while threads hand over
            rows = self.engine.pop_notices()
        if not len(rows):
            return None
        events = self.packer.events
        infos = []
        for row in rows:
            ev = int(row[L.N_EVENT])
            infos.append(events.get(ev) if ev >= 0 else None)
        batch = NoticeBatch(rows, tuple(infos), time.time())
        self.batches += 1
        self.rows += len(rows)
        for sub in self._subs:
            sub.put(batch)
        return batch

    def _run(self, stop: threading.Event) -> None:
        while not stop.wait(self.poll_s):
            try:
                self.poll()
            except Exception as e:  # noqa: BLE001 - keep fanning out; say why the first time
                self.errors += 1
                if self.errors == 1:
                    self.report(f"notices: {type(e).__name__}: {e}")

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is not None or not self._subs:
                return
            self._stop = threading.Event()    # one per thread: an old one may still be ending
            self._thread = threading.Thread(target=self._run, args=(self._stop,),
                                            name="livesamp-notices", daemon=True)
            self._thread.start()

    def _join(self) -> None:
        with self._lock:
            if self._subs and not self._halted:
                return          # someone subscribed again meanwhile
            thread, self._thread = self._thread, None
            self._stop.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2)

    def stop(self) -> None:
        """Stop popping (the session stopped); subscribers stay for a later `resume`."""
        with self._lock:
            self._halted = True
        self._join()

    def resume(self) -> None:
        """Pop again (the session started), if anyone is subscribed."""
        with self._lock:
            self._halted = False
        self._ensure_thread()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def stats(self) -> dict:
        return {"batches": self.batches, "rows": self.rows, "errors": self.errors,
                "subscribers": {s.name: {"delivered": s.delivered, "dropped": s.dropped}
                                for s in self._subs}}
