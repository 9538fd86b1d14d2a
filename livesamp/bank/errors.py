"""Errors and warnings of the sample bank layer (built-in bases, quoting the bad value)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["BankError", "UnknownSampleError", "RevokedSampleError", "SampleLoadError", "BankWarning"]


class BankError(Exception):
    """Base class of the bank layer's errors."""


class UnknownSampleError(BankError, KeyError):
    """A sound name that no bank of the library holds.

    ``str()`` reads ``unknown sample 'big_swosh' (did you mean big_swoosh?)``; the
    attributes ``name`` and ``suggestions`` let a REPL build its own message.
    """

    def __init__(self, name: str, suggestions: Sequence[str] = ()) -> None:
        super().__init__(name)
        self.name = name
        self.suggestions = tuple(suggestions)

    def __str__(self) -> str:
        if not self.suggestions:
            return f"unknown sample {self.name!r}"
        if len(self.suggestions) == 1:
            hint = self.suggestions[0]
        else:
            hint = ", ".join(self.suggestions[:-1]) + " or " + self.suggestions[-1]
        return f"unknown sample {self.name!r} (did you mean {hint}?)"


class RevokedSampleError(BankError, KeyError):
    """A sample whose consent was revoked: it exists (so ``n`` indices stay stable) but must
    not sound. The scheduler plays silence for it and warns once.

    ``str()`` reads ``sample rain:2 (bank field) is revoked (2025-05-01T10:00:00Z: asked by
    the recordist); it plays as silence``. Attributes: ``name``, ``index``, ``bank``,
    ``revoked_at`` (ISO 8601 text), ``reason``; ``label`` is ``name:index``.
    """

    def __init__(self, name: str, index: int, bank: str, revoked_at: str | None = None,
                 reason: str | None = None) -> None:
        super().__init__(f"{name}:{index}")
        self.name = name
        self.index = index
        self.bank = bank
        self.revoked_at = revoked_at
        self.reason = reason

    @property
    def label(self) -> str:
        return f"{self.name}:{self.index}"

    def __str__(self) -> str:
        why = ": ".join(x for x in (self.revoked_at, self.reason) if x)
        return (f"sample {self.label} (bank {self.bank}) is revoked"
                + (f" ({why})" if why else "") + "; it plays as silence")


class SampleLoadError(BankError, OSError):
    """A listed sound file could not be decoded when its audio was needed."""


class BankWarning(UserWarning):
    """Something in a bank was skipped or regenerated; the message names what and why."""
