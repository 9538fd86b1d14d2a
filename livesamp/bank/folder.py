"""``FolderBank``: a folder of sound files in the usual SuperDirt / Strudel layout.

::

    my_kit/                 <- the bank (its name defaults to the folder name)
        thud/               <- a sound name
            01_low.wav      <- n = 0   (files sorted by name give the n index)
            02_high.flac    <- n = 1
            02_high.flac.json   <- optional provenance sidecar (Provenance.to_dict keys)
        swoosh/ ...

Any format libsndfile reads (wav, flac, ogg, aiff, ...). Listing reads only file
headers, so unreadable files are skipped at once, with a ``BankWarning`` naming them,
and ``n`` stays stable. Audio is decoded on first use (or ``preload()``), converted to
float32 stereo and resampled to the library rate.
"""

from __future__ import annotations

import json
import threading
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from .base import to_engine_audio
from .errors import BankWarning, SampleLoadError
from .provenance import Provenance

__all__ = ["FolderBank", "AUDIO_EXTENSIONS"]

AUDIO_EXTENSIONS = frozenset({
    ".wav", ".wave", ".flac", ".ogg", ".oga", ".opus", ".aif", ".aiff", ".aifc", ".mp3",
    ".au", ".snd", ".caf", ".w64", ".rf64",
})
_SF_ERRORS = (sf.SoundFileError, RuntimeError, OSError, ValueError, TypeError)


class FolderBank:
    """Sounds from a folder with one sub-folder per sound name.

    Raises ``FileNotFoundError`` if ``path`` is not a folder. ``refresh()`` rescans
    after files were added or removed.
    """

    def __init__(self, path: str | Path, name: str | None = None) -> None:
        self.path = Path(path).expanduser()
        if not self.path.is_dir():
            raise FileNotFoundError(f"sample folder {str(self.path)!r} does not exist or is not a folder")
        self._name = name if name is not None else self.path.name
        self._lock = threading.RLock()
        self._files: dict[str, list[tuple[Path, Any]]] = {}  # name -> [(file, soundfile info)]
        self._audio: dict[tuple[str, int, int], np.ndarray] = {}
        self.refresh()

    @property
    def name(self) -> str:
        return self._name

    def refresh(self) -> None:
        """Rescan the folder (headers only) and forget loaded audio."""
        files: dict[str, list] = {}
        for sub in sorted(self.path.iterdir(), key=lambda p: p.name):
            if not sub.is_dir() or sub.name.startswith("."):
                continue
            found = []
            for f in sorted(sub.iterdir(), key=lambda p: p.name):
                if f.name.startswith(".") or not f.is_file() or f.suffix.lower() not in AUDIO_EXTENSIONS:
                    continue
                try:
                    info = sf.info(str(f))
                    if info.frames <= 0 or info.samplerate <= 0 or info.channels <= 0:
                        raise ValueError(f"{info.frames} frames at {info.samplerate} Hz")
                except _SF_ERRORS as err:
                    warnings.warn(BankWarning(f"skipping unreadable sound file {str(f)!r}: {err}"), stacklevel=2)
                    continue
                found.append((f, info))
            if found:
                files[sub.name] = found
        with self._lock:
            self._files = files
            self._audio = {}

    def names(self) -> list[str]:
        return sorted(self._files)

    def count(self, name: str) -> int:
        return len(self._files.get(name, ()))

    def file(self, name: str, index: int) -> Path:
        """The sound file of variant ``index`` of ``name``."""
        return self._files[name][index][0]

    def provenance(self, name: str, index: int) -> Provenance:
        path, info = self._files[name][index]
        rel = path.relative_to(self.path.parent).as_posix()
        sidecar = path.with_name(path.name + ".json")
        if sidecar.is_file():
            try:
                return Provenance.from_dict(json.loads(sidecar.read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError) as err:
                warnings.warn(BankWarning(f"ignoring provenance sidecar {str(sidecar)!r}: {err}"), stacklevel=2)
        return Provenance(
            source=f"sound file {rel}",
            notes=f"{info.samplerate} Hz, {info.channels} ch, {info.frames / info.samplerate:.2f} s, "
                  f"{info.format}; no provenance sidecar",
        )

    def revocation(self, name: str, index: int) -> tuple[str, str | None] | None:
        """``(revoked_at, reason)`` if the sidecar of ``name:index`` records revoked consent.

        Read from the sidecar on every call (``IndexedBank`` caches it instead).
        """
        prov = self.provenance(name, index)
        if prov.consent is not None and prov.consent.revoked_at is not None:
            return prov.consent.revoked_at, prov.consent.revoked_reason
        return None

    def audio(self, name: str, index: int, sr: int = 48000) -> np.ndarray:
        key = (name, index, int(sr))
        out = self._audio.get(key)
        if out is not None:
            return out
        with self._lock:
            out = self._audio.get(key)
            if out is None:
                path, info = self._files[name][index]
                try:
                    data, file_sr = sf.read(str(path), dtype="float32", always_2d=True)
                except _SF_ERRORS as err:
                    raise SampleLoadError(f"cannot decode sound file {str(path)!r}: {err}") from err
                if data.shape[0] == 0:
                    raise SampleLoadError(f"sound file {str(path)!r} holds no audio")
                out = to_engine_audio(data, int(file_sr), int(sr))
                self._audio[key] = out
        return out

    def preload(self, sr: int = 48000) -> None:
        """Decode every file now; undecodable ones are warned about and left out of the cache."""
        for name, entries in list(self._files.items()):
            for i in range(len(entries)):
                try:
                    self.audio(name, i, sr)
                except SampleLoadError as err:
                    warnings.warn(BankWarning(str(err)), stacklevel=2)

    def __repr__(self) -> str:
        return f"FolderBank({str(self.path)!r}, name={self._name!r}, {len(self._files)} sounds)"
