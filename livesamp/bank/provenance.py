"""Provenance: where a sample came from, shown to the performer and the audience.

Every sample carries one. Synthesised sounds say they are synthesised; recordings say
who made them, when, where and on what, as far as that is known (``None`` = unknown).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, timezone
from typing import Any

__all__ = ["Provenance", "Consent", "SYNTHESISED_SOURCE", "utc_now"]

SYNTHESISED_SOURCE = "synthesised by livesamp's default bank"


def utc_now() -> str:
    """Now as ISO 8601 UTC text to the second: ``2025-05-01T10:00:00Z`` (consent and event times)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Consent:
    """Who agreed to a sample's use, for what, and whether (and when) that was withdrawn.

    ``granted_by`` (a person), ``scope`` (free text, e.g. "perform, derive"),
    ``granted_at`` (ISO 8601), ``revocable`` (consent can be withdrawn; default true),
    ``revoked_at`` (ISO 8601 UTC, ``None`` while granted) and ``revoked_reason``.
    """

    granted_by: str | None = None
    scope: str | None = None
    granted_at: str | None = None
    revocable: bool = True
    revoked_at: str | None = None
    revoked_reason: str | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Consent:
        if not isinstance(data, dict):
            raise ValueError(f"provenance 'consent' must be a table of fields, got {data!r}")
        known = {f.name for f in fields(cls)}
        out = {k: v for k, v in data.items() if k in known}
        if not isinstance(out.get("revocable", True), bool):
            raise ValueError(f"consent 'revocable' must be true or false, got {out['revocable']!r}")
        for k, v in out.items():
            if k != "revocable" and v is not None and not isinstance(v, str):
                raise ValueError(f"consent {k!r} must be text or null, got {v!r}")
        return cls(**out)


@dataclass(frozen=True)
class Provenance:
    """Where a sample came from.

    Fields: ``source`` (what made it, e.g. "synthesised by livesamp's default bank" or
    "file kit/thud/01.wav"), ``recipe`` (short human text of how it was made), ``seed``
    (random seed of a synthesis, else None), ``licence`` (SPDX id, e.g. "CC0-1.0"),
    ``author``, ``recorded_at`` (ISO 8601 text), ``place``, ``device``, ``notes``.
    Imported recordings add ``source_file`` (the file imported, as given), ``original_name``
    (its file name, with the segment times when ``--split`` cut it), ``sha256`` (of the
    audio file as stored in the bank), ``image`` (a picture documenting the sound) and
    ``consent`` (a ``Consent``).
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
    source_file: str | None = None
    original_name: str | None = None
    sha256: str | None = None
    image: str | None = None
    consent: Consent | None = None

    @property
    def is_synthesised(self) -> bool:
        return self.source.startswith("synthesised")

    @property
    def revoked(self) -> bool:
        """Consent for this sample was withdrawn: it must not sound."""
        return self.consent is not None and self.consent.revoked

    def revoke(self, at: str, reason: str | None) -> Provenance:
        """A copy whose consent is revoked at ``at`` (ISO 8601) for ``reason``."""
        consent = self.consent or Consent()
        return replace(self, consent=replace(consent, revoked_at=at, revoked_reason=reason))

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
        out = {k: v for k, v in data.items() if k in known}
        if out.get("consent") is not None:
            out["consent"] = Consent.from_dict(out["consent"])
        return cls(**out)

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
        if self.revoked:
            head = "REVOKED " + head
        tail = []
        if self.seed is not None:
            tail.append(f"seed {self.seed}")
        tail.append(self.licence or "licence unknown")
        suffix = f" ({', '.join(tail)})"
        room = width - len(suffix)
        if len(head) > room:
            head = head[: max(room - 1, 0)] + "…"
        return head + suffix
