"""The slot table: d1..d16, each holding an immutable Pattern, swapped atomically.

A slot remembers its last good pattern so a pattern that fails while being scheduled can be
reverted for that slot alone.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

__all__ = ["Slot", "SlotTable", "N_SLOTS"]

N_SLOTS = 16


@dataclass
class Slot:
    index: int                      # 0 .. 15 for d1 .. d16
    pattern: object = None          # the Pattern now playing (None: silent)
    last_good: object = None        # the last pattern that scheduled without error
    replaced: object = None         # the pattern the current one replaced
    source: str = ""                # the code that set it, for display and the session log
    muted: bool = False
    errors: int = 0
    history: list = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"d{self.index + 1}"


class SlotTable:
    """d1..d16. Writers swap whole patterns; the scheduler reads a consistent snapshot."""

    def __init__(self, n: int = N_SLOTS):
        self._slots = [Slot(i) for i in range(n)]
        self._solo: set[int] = set()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._slots)

    def __getitem__(self, i: int) -> Slot:
        return self._slots[i]

    def set(self, i: int, pattern, source: str = "") -> None:
        with self._lock:
            slot = self._slots[i]
            if slot.pattern is not pattern:
                slot.replaced = slot.pattern
            slot.pattern = pattern
            slot.source = source
            if pattern is None:
                slot.last_good = None

    def revert(self, i: int, failed) -> str | None:
        """Take `failed` out of slot i if it is still playing there. It goes back to its last
        good pattern ("last good"); a pattern that played well and then failed is its own
        last good one, so then to the pattern it replaced ("replaced"), or silence
        ("stopped"). None if the slot has moved on already."""
        with self._lock:
            slot = self._slots[i]
            if slot.pattern is not failed:
                return None
            slot.errors += 1
            if slot.last_good is not None and slot.last_good is not failed:
                slot.pattern = slot.last_good
                return "last good"
            back = slot.replaced if slot.replaced is not failed else None
            slot.pattern = slot.last_good = back
            slot.replaced = None
            return "replaced" if back is not None else "stopped"

    def mark_good(self, i: int, pattern) -> None:
        slot = self._slots[i]
        if slot.pattern is pattern:
            slot.last_good = pattern

    def hush(self) -> None:
        with self._lock:
            for s in self._slots:
                s.pattern = None
                s.last_good = None
            self._solo.clear()

    def mute(self, i: int, on: bool = True) -> None:
        self._slots[i].muted = on

    def solo(self, i: int, on: bool = True) -> None:
        with self._lock:
            (self._solo.add if on else self._solo.discard)(i)

    def unsolo(self) -> None:
        with self._lock:
            self._solo.clear()

    def audible(self) -> list[tuple[int, object]]:
        """(index, pattern) of every slot that should sound now."""
        with self._lock:
            solo = set(self._solo)
            return [(s.index, s.pattern) for s in self._slots
                    if s.pattern is not None and not s.muted and (not solo or s.index in solo)]

    def active(self) -> list[str]:
        return [s.name for s in self._slots if s.pattern is not None]
