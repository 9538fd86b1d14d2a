"""A corpus on disk: ``<data dir>/corpora/<name>-<digest>.npz``, next to the banks.

One file per corpus (its sources spec, segmentation and rate): the units of each sample
with the sample's sha256. A rebuild reads the file first and analyses only the samples
whose sha256 it does not hold, so adding one recording to a bank of a thousand analyses
one file, and a revoked sample's units are simply not carried over. Plain arrays
(``allow_pickle=False``), written to a temporary file and moved into place.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import numpy as np

from .analysis import DESCRIPTORS, Units

__all__ = ["corpora_dir", "cache_path", "read_units", "write_units"]

FORMAT = 1


def corpora_dir() -> Path:
    from ..bank.paths import data_dir

    return data_dir() / "corpora"


def cache_path(name: str, digest: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9_+-]+", "_", name)[:40] or "corpus"
    return corpora_dir() / f"{slug}-{digest}.npz"


def read_units(path: Path) -> dict[str, Units]:
    """sha256 -> Units from a cache file; {} if it is missing, of another format or damaged."""
    try:
        with np.load(path, allow_pickle=False) as z:
            if int(z["format"]) != FORMAT or tuple(z["columns"]) != DESCRIPTORS:
                return {}
            shas = [str(s) for s in z["shas"]]
            counts = z["counts"]
            starts, ends, desc = z["starts"], z["ends"], z["desc"]
    except (OSError, ValueError, KeyError, EOFError):
        return {}
    out, at = {}, 0
    for sha, c in zip(shas, counts):
        c = int(c)
        out[sha] = Units(starts[at:at + c].copy(), ends[at:at + c].copy(), desc[at:at + c].copy())
        at += c
    return out


def write_units(path: Path, by_sha: dict[str, Units]) -> None:
    """Write sha256 -> Units atomically (best effort: a read-only data folder only costs a rebuild)."""
    shas = list(by_sha)
    units = [by_sha[s] for s in shas]
    arrays = {
        "format": np.array(FORMAT), "columns": np.array(DESCRIPTORS),
        "shas": np.array(shas, dtype="<U64"), "counts": np.array([len(u) for u in units], dtype=np.int64),
        "starts": np.concatenate([u.starts for u in units]) if units else np.zeros(0, np.int64),
        "ends": np.concatenate([u.ends for u in units]) if units else np.zeros(0, np.int64),
        "desc": np.concatenate([u.descriptors for u in units]) if units else np.zeros((0, len(DESCRIPTORS))),
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".npz.tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except (OSError, UnboundLocalError):
            pass
