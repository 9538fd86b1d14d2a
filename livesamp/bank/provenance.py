"""Provenance: where a sample came from, shown to the performer and the audience.

Every sample carries one. Synthesised sounds say they are synthesised; recordings say
who made them, when, where and on what, as far as that is known (``None`` = unknown).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

__all__ = ["Provenance", "SYNTHESISED_SOURCE"]

SYNTHESISED_SOURCE = "synthesised by livesamp's default bank"


@dataclass(frozen=True)
class Provenance:
    """Where a sample came from.

    Fields: ``source`` (what made it, e.g. "synthesised by livesamp's default bank" or
    "file kit/thud/01.wav"), ``recipe`` (short human text of how it was made), ``seed``
    (random seed of a synthesis, else None), ``licence`` (SPDX id, e.g. "CC0-1.0"),
    ``author``, ``recorded_at`` (ISO 8601 text), ``place``, ``device``, ``notes``.
    """

    source: str
    recipe: str | None = None
    seed: int | None = None
    licence: str | None = None
    author: str | None = None
    recorded_at: str | None = None
    place: str | None = None
    device: str | None = None
    notes: str | None = None

    @property
    def is_synthesised(self) -> bool:
        return self.source.startswith("synthesised")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of all fields (``None`` kept, so the schema is visible)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, strict: bool = False) -> Provenance:
        """Build from a dict such as ``to_dict()`` wrote or a sidecar file holds.

        ``source`` is required. Unknown keys are ignored, or raise ``ValueError`` when
        ``strict`` (so sidecars written by newer versions still load).
        """
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if strict and unknown:
            raise ValueError(f"unknown provenance fields {unknown}; expected some of {sorted(known)}")
        if not isinstance(data.get("source"), str):
            raise ValueError(f"provenance needs a text 'source', got {data.get('source')!r}")
        seed = data.get("seed")
        if seed is not None and not isinstance(seed, int):
            raise ValueError(f"provenance 'seed' must be an integer or null, got {seed!r}")
        return cls(**{k: v for k, v in data.items() if k in known})

    def short(self, width: int = 100) -> str:
        """One line for the audience view, cut to ``width`` characters.

        >>> Provenance("synthesised by livesamp's default bank", "low sine, pitch drop",
        ...            seed=7, licence="CC0-1.0", author="livesamp").short()
        'synthesised by livesamp: low sine, pitch drop (seed 7, CC0-1.0)'
        """
        if self.is_synthesised:
            head = "synthesised by livesamp" if "livesamp" in self.source else self.source
            if self.recipe:
                head += f": {self.recipe}"
        else:
            head = self.source
            if self.recorded_at:
                head += f", recorded {self.recorded_at}"
            if self.place:
                head += f" at {self.place}"
            if self.device:
                head += f" on {self.device}"
            if self.author:
                head += f" by {self.author}"
        tail = []
        if self.seed is not None:
            tail.append(f"seed {self.seed}")
        tail.append(self.licence or "licence unknown")
        suffix = f" ({', '.join(tail)})"
        room = width - len(suffix)
        if len(head) > room:
            head = head[: max(room - 1, 0)] + "…"
        return head + suffix
