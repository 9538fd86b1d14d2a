"""``SampleLibrary``: the scheduler's and REPL's view of all loaded banks."""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable

from .base import Bank
from .errors import RevokedSampleError, UnknownSampleError
from .sample import Sample

__all__ = ["SampleLibrary", "default_library"]


class SampleLibrary:
    """Several banks seen as one set of names.

    Earlier banks take precedence: a name held by several banks is served by the first
    one (so a performer's folder placed before the default bank overrides ``thud``).
    ``n`` wraps modulo the count, negative ``n`` too, as in SuperDirt. No bank is read
    until a method needs it; no audio is loaded until ``Sample.audio()`` or ``preload()``.
    """

    def __init__(self, banks: Iterable[Bank] | None = None, sr: int = 48000) -> None:
        if banks is None:
            from .default import DefaultBank

            banks = [DefaultBank()]
        self._banks: tuple[Bank, ...] = tuple(banks)
        for b in self._banks:
            if not isinstance(b, Bank):
                raise TypeError(f"expected a Bank (DefaultBank, FolderBank, ...), got {b!r}")
        if int(sr) <= 0:
            raise ValueError(f"sample rate must be positive, got {sr!r}")
        self.sr = int(sr)

    @property
    def banks(self) -> tuple[Bank, ...]:
        return self._banks

    def names(self) -> list[str]:
        """Sorted sound names of all banks."""
        found: set[str] = set()
        for b in self._banks:
            found.update(b.names())
        return sorted(found)

    def _bank_for(self, name: str, bank: str | None = None) -> Bank | None:
        for b in self._banks:
            if (bank is None or b.name == bank) and b.count(name) > 0:
                return b
        return None

    def bank_for(self, name: str, bank: str | None = None) -> Bank:
        """The bank that serves ``name`` (restricted to the bank called ``bank``); raises
        ``UnknownSampleError`` with suggestions."""
        b = self._bank_for(name, bank)
        if b is None:
            raise self._unknown(name, bank)
        return b

    def count(self, name: str) -> int:
        """Number of variants of ``name`` (in the bank that serves it); raises UnknownSampleError."""
        b = self._bank_for(name)
        if b is None:
            raise UnknownSampleError(name, self.suggest(name))
        return b.count(name)

    def get(self, name: str, n: int = 0, *, bank: str | None = None, allow_revoked: bool = False) -> Sample:
        """Variant ``n`` (modulo the count) of ``name``; ``bank`` restricts to one bank by name.

        Raises ``UnknownSampleError`` (a ``KeyError``) with close names as suggestions, and
        ``RevokedSampleError`` (a ``KeyError`` too) for a sample whose consent was revoked,
        unless ``allow_revoked`` (for showing its provenance; never for playing it). A
        revoked variant keeps its place, so the other variants keep their ``n``.
        """
        b = self._bank_for(name, bank)
        if b is None:
            raise self._unknown(name, bank)
        index = math.floor(n) % b.count(name)  # OSC sends n as a float: 2.0, or -0.5 -> -1
        if not allow_revoked:
            check = getattr(b, "revocation", None)
            revoked = check(name, index) if check is not None else None
            if revoked is not None:
                raise RevokedSampleError(name, index, b.name, *revoked)
        return Sample(name, index, b.name, b.provenance(name, index), self.sr, b)

    def set_banks(self, banks: Iterable[Bank]) -> None:
        """Replace the banks (built elsewhere, off the audio thread) in one reference swap."""
        new = tuple(banks)
        for b in new:
            if not isinstance(b, Bank):
                raise TypeError(f"expected a Bank (DefaultBank, FolderBank, ...), got {b!r}")
        self._banks = new

    def preload_in_background(self, on_error=None):
        """Start a daemon thread that loads every sound (``preload``); returns the thread.

        Each bank publishes each sound by reference as it is decoded, so ``get`` works
        throughout; ``on_error(exc)`` is called if a bank fails (default: ignore).
        """
        import threading

        def run() -> None:
            for b in self._banks:
                try:
                    b.preload(self.sr)
                except Exception as exc:  # a broken bank must not stop the others
                    if on_error is not None:
                        on_error(exc)

        t = threading.Thread(target=run, name="livesamp-preload", daemon=True)
        t.start()
        return t

    def _unknown(self, name: str, bank: str | None) -> UnknownSampleError:
        if bank is None:
            return UnknownSampleError(name, self.suggest(name))
        bank_names = [x.name for x in self._banks]
        if bank not in bank_names:
            close = difflib.get_close_matches(bank, bank_names, n=3, cutoff=0.5)
            return UnknownSampleError(f"{bank}:{name}", [f"{c}:{name}" for c in close])
        held = [x for x in self._banks if x.name == bank][0].names()
        close = difflib.get_close_matches(name, held, n=3, cutoff=0.6)
        return UnknownSampleError(f"{bank}:{name}", [f"{bank}:{c}" for c in close])

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """Known names close to ``name``, best first (for "did you mean ...?")."""
        if not isinstance(name, str):
            return []
        return difflib.get_close_matches(name, self.names(), n=limit, cutoff=0.6)

    def preload(self) -> None:
        """Load every sound of every bank at the library rate (call at start-up, off the audio thread)."""
        for b in self._banks:
            b.preload(self.sr)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._bank_for(name) is not None

    def __repr__(self) -> str:
        return f"SampleLibrary(banks=[{', '.join(b.name for b in self._banks)}], sr={self.sr})"


def default_library(sr: int = 48000) -> SampleLibrary:
    """A library holding only livesamp's synthesised default bank."""
    from .default import DefaultBank

    return SampleLibrary([DefaultBank()], sr=sr)
