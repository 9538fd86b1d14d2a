"""TriggerInbox: ready trigger rows from other threads (OSC), pushed by the scheduler.

The engine's command ring has exactly one producer, the scheduler. Other sources of
triggers (the OSC receiver, one-shot triggers) put finished rows here; `Scheduler.advance`
drains the inbox and pushes its rows together with the pattern rows, from its own thread.

Bounded: when full, `put` refuses the row and counts it (never blocks, never grows).
An `urgent` put (a message to play as soon as possible) also wakes the scheduler thread,
so it need not wait for its next tick.
"""
from __future__ import annotations

import threading
from collections import deque

__all__ = ["TriggerInbox"]


class TriggerInbox:
    """A bounded, thread-safe FIFO of trigger rows: many producers, one consumer."""

    def __init__(self, capacity: int = 4096):
        if int(capacity) < 1:
            raise ValueError(f"inbox capacity must be >= 1, got {capacity!r}")
        self.capacity = int(capacity)
        self._rows: deque = deque()
        self._lock = threading.Lock()
        self.wake = threading.Event()   # set by urgent puts; the scheduler thread waits on it
        self.accepted = 0
        self.refused = 0

    def put(self, row, urgent: bool = False) -> bool:
        """Queue one row ((TRIGGER_WIDTH,) float64); False (and counted) when full."""
        with self._lock:
            if len(self._rows) >= self.capacity:
                self.refused += 1
                return False
            self._rows.append(row)
            self.accepted += 1
        if urgent:
            self.wake.set()
        return True

    def drain(self) -> list:
        """Take every queued row (oldest first)."""
        with self._lock:
            if not self._rows:
                return []
            rows = list(self._rows)
            self._rows.clear()
        return rows

    def __len__(self) -> int:
        return len(self._rows)
