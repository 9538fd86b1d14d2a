"""Provenance sidecars: ``<sound file>.json`` next to each sound file of a bank.

A sidecar is the sample's record of truth: its ``Provenance`` fields at the top level
(so any tool, and ``FolderBank``, reads it as plain provenance) plus a ``livesamp`` table
holding what the importer measured (``descriptors``), the name it proposed and why, and
the format number. The index (``index.py``) only caches sidecars, so a bank folder
carried to another machine keeps its provenance, consent and descriptors.

Sidecars are written atomically (temp file in the same folder, fsync, rename): a reader
sees the old record or the new one, never half of one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cache import atomic_write
from .descriptors import Descriptors
from .provenance import Provenance

__all__ = ["Sidecar", "sidecar_path", "read_sidecar", "write_sidecar", "SIDECAR_FORMAT"]

SIDECAR_FORMAT = 1


@dataclass(frozen=True)
class Sidecar:
    """Provenance plus the importer's measurements (``descriptors`` may be ``None``)."""

    provenance: Provenance
    descriptors: Descriptors | None = None
    proposed: str | None = None
    reason: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        meta: dict[str, Any] = {"format": SIDECAR_FORMAT, **self.extra}
        if self.descriptors is not None:
            meta["descriptors"] = self.descriptors.to_dict()
        if self.proposed is not None:
            meta["proposed"] = self.proposed
        if self.reason is not None:
            meta["reason"] = self.reason
        return {**self.provenance.to_dict(), "livesamp": meta}

    @classmethod
    def from_dict(cls, data: Any) -> Sidecar:
        """Raises ``ValueError`` (quoting the bad field) for a malformed record."""
        if not isinstance(data, dict):
            raise ValueError(f"a sidecar holds a JSON object, got {type(data).__name__}")
        prov = Provenance.from_dict({k: v for k, v in data.items() if k != "livesamp"})
        meta = data.get("livesamp") or {}
        if not isinstance(meta, dict):
            raise ValueError(f"sidecar 'livesamp' must be an object, got {meta!r}")
        desc = meta.get("descriptors")
        extra = {k: v for k, v in meta.items() if k not in ("format", "descriptors", "proposed", "reason")}
        return cls(prov, Descriptors.from_dict(desc) if desc is not None else None,
                   meta.get("proposed"), meta.get("reason"), extra)


def sidecar_path(sound_file: Path) -> Path:
    """``kit/thud/01.wav`` -> ``kit/thud/01.wav.json``."""
    sound_file = Path(sound_file)
    return sound_file.with_name(sound_file.name + ".json")


def read_sidecar(sound_file: Path) -> Sidecar | None:
    """The sidecar of ``sound_file``, ``None`` if it has none; ``ValueError`` if unreadable."""
    path = sidecar_path(sound_file)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"cannot read provenance sidecar {str(path)!r}: {err}") from err
    try:
        return Sidecar.from_dict(json.loads(text))
    except ValueError as err:
        raise ValueError(f"malformed provenance sidecar {str(path)!r}: {err}") from err


def write_sidecar(sound_file: Path, sidecar: Sidecar) -> Path:
    """Write (atomically) and return the sidecar path of ``sound_file``."""
    path = sidecar_path(sound_file)
    text = json.dumps(sidecar.to_dict(), indent=1, ensure_ascii=False).encode("utf-8")
    atomic_write(path, lambda f: f.write(text))
    return path
