"""On-disk cache of a generated bank: one float32 ``.npy`` file plus a JSON manifest.

Layout of a cache folder (one per recipe version)::

    audio.npy       all samples, float32, concatenated flat (stereo interleaved)
    manifest.json   format, version, rate, and per sample: name, index, offset,
                    frames, channels, provenance

Writes are atomic: each file is written to a temporary file in the same folder and
moved into place with ``os.replace``; the manifest goes last, so a folder with a
manifest always has the audio it describes. A reader that finds anything amiss raises
``CacheError`` and the caller regenerates.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["CacheError", "atomic_write", "write_cache", "read_cache", "prune_other_versions", "CACHE_FORMAT"]

CACHE_FORMAT = 1
_AUDIO = "audio.npy"
_MANIFEST = "manifest.json"


class CacheError(Exception):
    """A cache folder is missing, stale or damaged."""


def atomic_write(path: Path, write) -> None:
    """Create ``path`` atomically: ``write(fileobj)`` fills a temp file, then ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; cached audio is not secret
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_cache(folder: Path, sounds: Mapping[tuple[str, int], np.ndarray],
                provenance: Mapping[tuple[str, int], dict[str, Any]], meta: dict[str, Any]) -> None:
    """Write ``sounds`` (mono or (frames, 2) float32 arrays) and their provenance to ``folder``."""
    entries = []
    chunks = []
    offset = 0
    for (name, index), x in sounds.items():
        x = np.ascontiguousarray(x, dtype=np.float32)
        channels = 1 if x.ndim == 1 else x.shape[1]
        entries.append({"name": name, "index": index, "offset": offset, "frames": int(x.shape[0]),
                        "channels": channels, "provenance": provenance[(name, index)]})
        chunks.append(x.reshape(-1))
        offset += x.size
    flat = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    manifest = {"format": CACHE_FORMAT, **meta, "audio": _AUDIO, "values": int(flat.size), "samples": entries}
    atomic_write(folder / _AUDIO, lambda f: np.save(f, flat, allow_pickle=False))
    text = json.dumps(manifest, indent=1, ensure_ascii=False).encode("utf-8")
    atomic_write(folder / _MANIFEST, lambda f: f.write(text))


def read_cache(folder: Path, version: str) -> tuple[dict[tuple[str, int], np.ndarray], dict[str, Any]]:
    """Load a cache written by ``write_cache`` for recipe ``version``.

    Returns (read-only views per (name, index), the manifest). Raises ``CacheError``
    (or ``FileNotFoundError`` when there is no cache yet).
    """
    folder = Path(folder)
    try:
        manifest = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as err:
        raise CacheError(f"unreadable manifest in {folder}: {err}") from err
    if manifest.get("format") != CACHE_FORMAT or manifest.get("version") != version:
        raise CacheError(f"cache in {folder} is for format {manifest.get('format')!r}, "
                         f"version {manifest.get('version')!r}; expected {CACHE_FORMAT}, {version!r}")
    try:
        flat = np.load(folder / manifest["audio"], allow_pickle=False)
    except (OSError, ValueError, KeyError) as err:
        raise CacheError(f"unreadable audio in {folder}: {err}") from err
    if flat.dtype != np.float32 or flat.ndim != 1 or flat.size != manifest.get("values"):
        raise CacheError(f"audio in {folder} has {flat.dtype} {flat.shape}, expected "
                         f"{manifest.get('values')} float32 values")
    flat.flags.writeable = False
    sounds = {}
    try:
        for e in manifest["samples"]:
            start, frames, channels = int(e["offset"]), int(e["frames"]), int(e["channels"])
            if start < 0 or start + frames * channels > flat.size:
                raise CacheError(f"sample {e['name']}:{e['index']} lies outside the audio in {folder}")
            x = flat[start:start + frames * channels]
            sounds[(e["name"], int(e["index"]))] = x if channels == 1 else x.reshape(frames, channels)
    except (KeyError, TypeError, ValueError) as err:
        raise CacheError(f"malformed manifest in {folder}: {err}") from err
    return sounds, manifest


def prune_other_versions(parent: Path, bank: str, keep: str) -> list[Path]:
    """Delete cache folders under ``parent`` written by ``write_cache`` for ``bank`` with a
    version other than ``keep``. Only files this module writes are removed, and a folder
    only if it is then empty; failures are ignored (this is housekeeping). Returns the
    folders removed.
    """
    removed = []
    try:
        candidates = [d for d in Path(parent).iterdir() if d.is_dir() and d.name != keep]
    except OSError:
        return removed
    for d in candidates:
        try:
            manifest = json.loads((d / _MANIFEST).read_text(encoding="utf-8"))
            if manifest.get("bank") != bank or manifest.get("version") == keep:
                continue
            (d / _MANIFEST).unlink()  # first, so a half-pruned folder is never read as valid
            for f in d.iterdir():
                if f.name == manifest.get("audio", _AUDIO) or (f.name.startswith(".") and f.name.endswith(".tmp")):
                    f.unlink()
            d.rmdir()
            removed.append(d)
        except (OSError, ValueError, AttributeError):
            continue
    return removed
