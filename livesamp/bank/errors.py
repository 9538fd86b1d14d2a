"""Errors and warnings of the sample bank layer (built-in bases, quoting the bad value)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["BankError", "UnknownSampleError", "SampleLoadError", "BankWarning"]


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


class SampleLoadError(BankError, OSError):
    """A listed sound file could not be decoded when its audio was needed."""


class BankWarning(UserWarning):
    """Something in a bank was skipped or regenerated; the message names what and why."""
