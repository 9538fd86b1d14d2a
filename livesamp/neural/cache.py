"""Analyses kept beside their sounds: ``<sound file>.neural.npz`` sidecars.

A sound is analysed once (``features.analyse``, ~1 s per minute of audio) and the result
written beside its file, with its provenance: the sha256 of the audio it was made from,
the rate, the analysis version, the sample's label and bank, and its provenance record.
A sidecar whose sha256, rate or version differs is ignored and rewritten. Sounds with no
file (livesamp's synthesised default bank) or in a folder livesamp may not write to
(``/usr/share/...``) keep theirs in ``<data dir>/neural/analysis/<sha256>-<rate>.npz``.
Writes are atomic (a temporary file in the same folder, then a rename, as the bank's
sidecars), so a reader never sees half a file. Plain arrays, ``allow_pickle=False``.

``Analyses`` memoises in memory too (bounded), so a pattern playing one sound a hundred
times analyses and reads it once.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

from .features import ANALYSIS_VERSION, Frames, analyse

__all__ = ["Analyses", "sidecar_for", "read_analysis", "write_analysis", "analysis_dir"]

FORMAT = 1
_SUFFIX = ".neural.npz"


def analysis_dir() -> Path:
    from ..bank.paths import data_dir

    return data_dir() / "neural" / "analysis"


def sidecar_for(sound_file: Path | None, sha256: str, sr: int) -> list[Path]:
    """Where an analysis may live, in the order tried: beside the file, then the data folder."""
    out = []
    if sound_file is not None:
        p = Path(sound_file)
        out.append(p.with_name(p.name + _SUFFIX))
    out.append(analysis_dir() / f"{sha256}-{int(sr)}.npz")
    return out


def read_analysis(path: Path, sha256: str, sr: int) -> Frames | None:
    """The analysis in ``path`` if it is of this audio (sha256), rate and version; else None."""
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            if (meta.get("format") != FORMAT or meta.get("version") != ANALYSIS_VERSION
                    or meta.get("sha256") != sha256 or int(meta.get("sr", 0)) != int(sr)):
                return None
            arrays = {k: z[k] for k in ("f0", "periodicity", "loudness", "logmel", "mel", "harm", "noise",
                                        "centroid")}
            return Frames(int(meta["sr"]), int(meta["hop"]), int(meta["samples"]), **arrays)
    except (OSError, ValueError, KeyError, EOFError, TypeError):
        return None


def write_analysis(path: Path, frames: Frames, sha256: str, label: str = "", bank: str = "",
                   provenance: dict | None = None) -> bool:
    """Write atomically; False (and nothing written) if the folder is not writable."""
    from ..bank.cache import atomic_write
    from ..bank.provenance import utc_now

    meta = {"format": FORMAT, "version": ANALYSIS_VERSION, "sha256": sha256, "sr": frames.sr, "hop": frames.hop,
            "samples": frames.samples, "label": label, "bank": bank, "provenance": provenance,
            "analysed_at": utc_now(), "what": "livesamp neural-voice analysis (f0, loudness, mel, harmonic and "
                                              "noise controls per 10 ms frame)"}
    arrays = {k: v for k, v in frames.arrays().items()}
    try:
        atomic_write(Path(path), lambda f: np.savez(f, meta=np.array(json.dumps(meta)), **arrays))
    except OSError:
        return False
    return True


class Analyses:
    """Analyses of library samples: memory (``capacity`` sounds), then sidecar, then analysis."""

    def __init__(self, capacity: int = 512):
        self.capacity = int(capacity)
        self._memo: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.analysed = 0        # how many were computed (not read) here

    def get(self, library, sample, audio: np.ndarray | None = None) -> Frames:
        """The analysis of ``sample`` (a bank ``Sample`` of ``library``) at the library rate."""
        from ..concat.sources import sample_sha256

        sha = sample_sha256(library, sample)
        bank = library.bank_for(sample.name, sample.bank)
        file = None
        locate = getattr(bank, "file", None)
        if locate is not None:
            try:
                file = locate(sample.name, sample.index)
            except (KeyError, IndexError, OSError):
                file = None
        prov = sample.provenance.to_dict() if sample.provenance is not None else None
        return self.of(sha, library.sr, (lambda: sample.audio()) if audio is None else (lambda: audio),
                       file, sample.label, sample.bank, prov)

    def of(self, sha256: str, sr: int, audio, file: Path | None = None, label: str = "", bank: str = "",
           provenance: dict | None = None) -> Frames:
        """The analysis of the audio whose sha256 is ``sha256``; ``audio()`` gives it at ``sr``
        when it must be analysed; ``file``: its sound file (the sidecar goes beside it)."""
        key = (sha256, int(sr))
        with self._lock:
            got = self._memo.get(key)
            if got is not None:
                self._memo.move_to_end(key)
                return got
        paths = sidecar_for(file, sha256, sr)
        frames = None
        for p in paths:
            frames = read_analysis(p, sha256, sr)
            if frames is not None:
                break
        if frames is None:
            frames = analyse(audio(), sr)
            self.analysed += 1
            for p in paths:
                if write_analysis(p, frames, sha256, label, bank, provenance):
                    break
        with self._lock:
            self._memo[key] = frames
            while len(self._memo) > self.capacity:
                self._memo.popitem(last=False)
        return frames
