"""``IndexedBank``: a ``FolderBank`` listed through the library index, with consent checks.

Same folder layout and the same lazy, cached audio as ``FolderBank``; what changes:

- listing reads the SQLite index and ``stat``s the files, so 10,000 samples are ready in
  well under a second on a warm start (only new or changed files are opened);
- provenance comes from the index (sidecars parsed once, not on every ``get``);
- ``revocation(name, index)`` says whether a sample's consent was withdrawn. The
  library's ``get`` raises ``RevokedSampleError`` for such a sample. A revocation made
  in this process (``revoke()``) is seen at once; one made by another process
  (``livesamp samples revoke``) within ``poll_s`` seconds, by checking the index's
  ``data_version`` on the next ``revocation`` call after that interval.

The listing is rebuilt off to the side and published by swapping references, so a
thread calling ``get`` never sees half of a refresh.
"""

from __future__ import annotations

import json
import threading
import time
import warnings
from pathlib import Path
from typing import NamedTuple

from .errors import BankWarning
from .folder import FolderBank
from .index import LibraryIndex, SampleRow
from .provenance import Provenance

__all__ = ["IndexedBank"]


class _Header(NamedTuple):
    """What ``FolderBank`` keeps of ``soundfile.info`` (read from the index instead)."""

    frames: int
    samplerate: int
    channels: int
    format: str


class _LazyPath(str):
    """A file path kept as text until a ``Path`` is asked for (10,000 ``Path`` objects
    cost a fifth of a warm start). ``FolderBank`` only passes it to ``str()``."""


class IndexedBank(FolderBank):
    """A bank folder listed through ``index`` (default: the data folder's index).

    Raises ``FileNotFoundError`` if ``path`` is not a folder. Unreadable files are left
    out with one ``BankWarning`` each when the bank is built or refreshed.
    """

    def __init__(self, path: str | Path, name: str | None = None, *, index: LibraryIndex | None = None,
                 poll_s: float = 0.25) -> None:
        self._index = index if index is not None else LibraryIndex()
        self._rows: dict[tuple[str, int], SampleRow] = {}
        self._prov: dict[tuple[str, int], Provenance] = {}
        self._revoked: dict[tuple[str, int], tuple[str, str | None]] = {}
        self._poll_s = float(poll_s)
        self._next_poll = 0.0
        self._poll_lock = threading.Lock()
        self._seen_version = -1
        super().__init__(path, name)

    @property
    def index(self) -> LibraryIndex:
        return self._index

    @property
    def root(self) -> Path:
        """The bank folder, resolved (the key of its rows in the index)."""
        return self.path.resolve()

    def refresh(self, full: bool = False) -> None:
        """Bring the index up to date with the folder, then swap in the new listing;
        ``full`` lists every sound folder again (see ``LibraryIndex.sync``)."""
        rows, problems = self._index.sync(self.path, self.name, full=full, provenance=False)
        for p in problems:
            warnings.warn(BankWarning(f"skipping: {p}" if "ignored" not in p else p), stacklevel=2)
        files: dict[str, list] = {}
        by_key = {}
        sep = "/" if not str(self.root).endswith("/") else ""
        for r in rows:
            path = _LazyPath(f"{r.bank_path}{sep}{r.relpath}")
            files.setdefault(r.name, []).append((path, _Header(r.frames, r.sr, r.channels, r.format or "")))
            by_key[(r.name, r.index)] = r
        revoked = {k: (r.revoked_at, r.revoked_reason) for k, r in by_key.items() if r.revoked_at}
        with self._lock:
            self._files, self._rows, self._prov, self._revoked, self._audio = files, by_key, {}, revoked, {}
        self._seen_version = self._index.data_version()  # what we just read is current

    def file(self, name: str, index: int) -> Path:
        """The sound file of variant ``index`` of ``name``."""
        return Path(self._files[name][index][0])

    def descriptors(self, name: str, index: int):
        """The stored ``Descriptors`` of ``name:index`` (``None`` if never measured)."""
        row = self._rows[(name, index)]
        return self._index.descriptors(row.bank_path, row.relpath)

    def row(self, name: str, index: int) -> SampleRow:
        """The index row of variant ``index`` of ``name`` (``KeyError`` if none)."""
        return self._rows[(name, index)]

    def rows(self) -> list[SampleRow]:
        return list(self._rows.values())

    def provenance(self, name: str, index: int) -> Provenance:
        key = (name, index)
        prov = self._prov.get(key)
        if prov is None:
            row = self._rows[key]
            text = self._index.provenance_json(row.bank_path, row.relpath)
            if text:
                prov = Provenance.from_dict(json.loads(text))
            else:
                info = self._files[name][index][1]
                prov = Provenance(
                    source=f"sound file {self.path.name}/{row.relpath}",
                    notes=f"{info.samplerate} Hz, {info.channels} ch, {info.frames / info.samplerate:.2f} s, "
                          f"{info.format}; no provenance sidecar")
            self._prov[key] = prov
        return prov

    def revocation(self, name: str, index: int) -> tuple[str, str | None] | None:
        """``(revoked_at, reason)`` if consent for variant ``index`` of ``name`` was revoked."""
        now = time.monotonic()
        if now >= self._next_poll and self._poll_lock.acquire(blocking=False):
            try:
                self._next_poll = now + self._poll_s
                version = self._index.data_version()
                if version != self._seen_version:
                    self._seen_version = version
                    self._revoked = self._index.revoked(self.root)
                    self._prov = {}
            finally:
                self._poll_lock.release()
        return self._revoked.get((name, index))

    def revoke(self, name: str, index: int, reason: str | None) -> str:
        """Withdraw consent for ``name:index`` now: sidecar, index, event log and stale marks
        (see ``curate.revoke``); it is out of play for this bank at once. Returns the time."""
        from .curate import revoke

        at = revoke(self._index, self.root, self._rows[(name, index)], reason)
        with self._lock:
            self._revoked = {**self._revoked, (name, index): (at, reason)}
            self._prov = {}
        return at

    def __repr__(self) -> str:
        return f"IndexedBank({str(self.path)!r}, name={self._name!r}, {len(self._files)} sounds)"
