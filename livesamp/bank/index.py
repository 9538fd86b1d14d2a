"""The library index: one SQLite file caching every bank's listing, provenance and descriptors.

Why: listing a folder means reading every file's header (``soundfile.info``) and sidecar;
for 10,000 samples that is seconds. The index keeps, per sound file, its size and
modification time together with what those reads gave, so a warm start only ``stat``s
the files and reads rows. Sidecars stay the record of truth; anything here but the
``derived``, ``stale`` and ``events`` tables can be rebuilt from the folders.

Tables:

- ``banks`` (path, name, synced_at) and ``samples`` (one row per sound file: bank, name,
  idx, relpath, size/mtime of file and sidecar, header, error, sha256, provenance JSON,
  revoked_at/revoked_reason, and one column per descriptor).
- ``events``: what happened to a sample and why (import, rename, revoke), with UTC times.
- ``derived`` and ``derived_inputs``: things built from samples (a concatenative corpus,
  a neural voice), each with the sha256 of every sample it was built from.
- ``stale``: one row per (derived thing, revoked input): a derived thing with a row here
  must be rebuilt without that input before it is used again.

Several processes may use the index at once (a performance and ``livesamp samples
revoke``): it runs in WAL mode with a busy timeout, and ``data_version()`` tells a reader that
another connection wrote since it last looked (``PRAGMA data_version``).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .descriptors import DESCRIPTOR_FIELDS, Descriptors
from .provenance import utc_now
from .scan import FolderSync

__all__ = ["LibraryIndex", "SampleRow", "StaleEntry", "utc_now"]

SCHEMA_VERSION = 2

_DESC_COLS = ", ".join(f"{f} REAL" for f in DESCRIPTOR_FIELDS)
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS banks (
    path TEXT PRIMARY KEY, name TEXT NOT NULL, synced_at TEXT);
CREATE TABLE IF NOT EXISTS samples (
    id INTEGER PRIMARY KEY, bank TEXT NOT NULL REFERENCES banks(path) ON DELETE CASCADE,
    name TEXT NOT NULL, idx INTEGER NOT NULL, relpath TEXT NOT NULL,
    size INTEGER, mtime_ns INTEGER, side_size INTEGER, side_mtime_ns INTEGER,
    frames INTEGER, sr INTEGER, channels INTEGER, format TEXT, error TEXT, side_error TEXT,
    sha256 TEXT, provenance TEXT, revoked_at TEXT, revoked_reason TEXT, {_DESC_COLS},
    UNIQUE (bank, relpath));
CREATE INDEX IF NOT EXISTS samples_by_name ON samples (bank, name, idx);
CREATE INDEX IF NOT EXISTS samples_by_sha ON samples (sha256);
CREATE TABLE IF NOT EXISTS dirs (
    bank TEXT NOT NULL, relpath TEXT NOT NULL, mtime_ns INTEGER, PRIMARY KEY (bank, relpath));
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, bank TEXT, label TEXT, sha256 TEXT,
    event TEXT NOT NULL, detail TEXT);
CREATE TABLE IF NOT EXISTS derived (
    ident TEXT PRIMARY KEY, kind TEXT NOT NULL, path TEXT, created_at TEXT NOT NULL, note TEXT);
CREATE TABLE IF NOT EXISTS derived_inputs (
    ident TEXT NOT NULL REFERENCES derived(ident) ON DELETE CASCADE, sha256 TEXT NOT NULL,
    PRIMARY KEY (ident, sha256));
CREATE INDEX IF NOT EXISTS derived_by_sha ON derived_inputs (sha256);
CREATE TABLE IF NOT EXISTS stale (
    ident TEXT NOT NULL REFERENCES derived(ident) ON DELETE CASCADE, sha256 TEXT NOT NULL,
    reason TEXT, at TEXT NOT NULL, PRIMARY KEY (ident, sha256));
"""



class SampleRow(NamedTuple):
    """One listed sound file of a bank, as the index knows it (no audio, no descriptors:
    ``LibraryIndex.descriptors`` reads those)."""

    bank_path: str
    name: str
    index: int
    relpath: str
    frames: int
    sr: int
    channels: int
    format: str
    sha256: str | None
    provenance_json: str | None
    revoked_at: str | None
    revoked_reason: str | None

    @property
    def label(self) -> str:
        return f"{self.name}:{self.index}"

    @property
    def path(self) -> Path:
        return Path(self.bank_path) / self.relpath


@dataclass(frozen=True)
class StaleEntry:
    """A derived thing that used a revoked sample."""

    ident: str
    kind: str
    path: str | None
    sha256: str
    reason: str | None
    at: str


class LibraryIndex(FolderSync):
    """The index file at ``path`` (default ``<data dir>/index.sqlite``), created on first use.

    Safe to share between threads (one connection behind a lock).
    """

    def __init__(self, path: str | Path | None = None) -> None:
        if path is None:
            from .paths import index_file

            path = index_file()
        self.path = Path(path).expanduser()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(self.path), timeout=30.0, isolation_level=None,
                                   check_same_thread=False)
        self._db.execute("PRAGMA busy_timeout = 30000")
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"index {str(self.path)!r} has schema {version}; this livesamp reads "
                               f"up to {SCHEMA_VERSION} (upgrade livesamp or move the file away)")
        if self._db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.execute("PRAGMA foreign_keys = ON")
        if version < SCHEMA_VERSION:
            self._db.executescript(_SCHEMA + f"PRAGMA user_version = {SCHEMA_VERSION};")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> LibraryIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _tx(self):
        return _Transaction(self._db, self._lock)

    def data_version(self) -> int:
        """A number that changes whenever another connection (another process, or another
        ``LibraryIndex`` here) has written to the index; compare with the last one seen."""
        with self._lock:
            return self._db.execute("PRAGMA data_version").fetchone()[0]

    # -- listing ----------------------------------------------------------------------

    def rows(self, bank_path: str | Path, *, provenance: bool = True) -> list[SampleRow]:
        """Readable samples of a bank, by name then index (``provenance_json`` left ``None``
        unless ``provenance``: ``provenance_json()`` fetches one when needed)."""
        with self._lock:
            cur = self._db.execute(
                "SELECT bank, name, idx, relpath, frames, sr, channels, format, sha256, "
                f"{'provenance' if provenance else 'NULL'}, revoked_at, revoked_reason FROM samples "
                "WHERE bank = ? AND idx >= 0 ORDER BY name, idx", (str(bank_path),))
            return list(map(SampleRow._make, cur))

    def provenance_json(self, bank_path: str | Path, relpath: str) -> str | None:
        """The provenance (JSON text) cached from one sound file's sidecar, if it has one."""
        with self._lock:
            r = self._db.execute("SELECT provenance FROM samples WHERE bank = ? AND relpath = ?",
                                 (str(bank_path), relpath)).fetchone()
        return r[0] if r else None

    def descriptors(self, bank_path: str | Path, relpath: str) -> Descriptors | None:
        """The stored descriptors of one sound file, ``None`` if it was never measured."""
        with self._lock:
            r = self._db.execute(f"SELECT {', '.join(DESCRIPTOR_FIELDS)} FROM samples WHERE bank = ? "
                                 "AND relpath = ?", (str(bank_path), relpath)).fetchone()
        if r is None or r[0] is None:
            return None
        return Descriptors.from_dict(dict(zip(DESCRIPTOR_FIELDS, r)))

    def problems(self, bank_path: str | Path) -> list[str]:
        with self._lock:
            return [r[0] for r in self._db.execute(
                "SELECT coalesce(error, side_error) FROM samples WHERE bank = ? "
                "AND (error IS NOT NULL OR side_error IS NOT NULL) ORDER BY relpath", (str(bank_path),))]

    def revoked(self, bank_path: str | Path) -> dict[tuple[str, int], tuple[str, str | None]]:
        """(name, idx) -> (revoked_at, reason) of a bank's revoked samples."""
        with self._lock:
            return {(n, i): (at, why) for n, i, at, why in self._db.execute(
                "SELECT name, idx, revoked_at, revoked_reason FROM samples "
                "WHERE bank = ? AND revoked_at IS NOT NULL AND idx >= 0", (str(bank_path),))}

    def revoked_among(self, shas: Iterable[str]) -> dict[str, tuple[str, str | None, str]]:
        """sha256 -> (revoked_at, reason, name:idx) for those of ``shas`` whose sample is revoked
        (in any bank the index knows): how a derived thing checks its inputs' consent."""
        shas = sorted(set(shas))
        out: dict[str, tuple[str, str | None, str]] = {}
        with self._lock:
            for a in range(0, len(shas), 500):
                part = shas[a:a + 500]
                for sha, at, why, name, idx in self._db.execute(
                        "SELECT sha256, revoked_at, revoked_reason, name, idx FROM samples WHERE revoked_at IS NOT NULL "
                        f"AND sha256 IN ({', '.join('?' * len(part))})", part):
                    out[sha] = (at, why, f"{name}:{idx}")
        return out

    def set_descriptors(self, bank_path: str | Path, relpath: str, d: Descriptors) -> None:
        with self._tx() as db:
            db.execute(f"UPDATE samples SET {', '.join(f'{f} = ?' for f in DESCRIPTOR_FIELDS)} "
                       "WHERE bank = ? AND relpath = ?",
                       (*(getattr(d, f) for f in DESCRIPTOR_FIELDS), str(bank_path), relpath))

    def set_sha256(self, bank_path: str | Path, relpath: str, sha: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE samples SET sha256 = ? WHERE bank = ? AND relpath = ?", (sha, str(bank_path), relpath))

    def bank_names(self) -> dict[str, str]:
        """path -> name of every bank the index has seen."""
        with self._lock:
            return dict(self._db.execute("SELECT path, name FROM banks ORDER BY name"))

    # -- events -----------------------------------------------------------------------

    def record(self, event: str, *, bank: str | None = None, label: str | None = None,
               sha256: str | None = None, detail: str | None = None, at: str | None = None) -> None:
        """Append to the event log (import, rename, revoke ...)."""
        with self._tx() as db:
            db.execute("INSERT INTO events (at, bank, label, sha256, event, detail) VALUES (?, ?, ?, ?, ?, ?)",
                       (at or utc_now(), bank, label, sha256, event, detail))

    def events(self, sha256: str | None = None) -> list[tuple[str, str | None, str | None, str, str | None]]:
        """(at, bank, label, event, detail), oldest first; of one sample when ``sha256`` is given."""
        with self._lock:
            sql = "SELECT at, bank, label, event, detail FROM events"
            args: tuple = ()
            if sha256 is not None:
                sql += " WHERE sha256 = ?"
                args = (sha256,)
            return list(self._db.execute(sql + " ORDER BY id", args))

    # -- derived things and staleness ------------------------------------------------------

    def register_derived(self, kind: str, ident: str, inputs: Iterable[str], *,
                         path: str | None = None, note: str | None = None) -> None:
        """Record that ``ident`` (e.g. ``"voice:thud-vae-3"``) of ``kind`` (``"corpus"``,
        ``"voice"``) was built from the samples with these sha256 digests. Registering the
        same ident again replaces its inputs and clears its staleness (it was rebuilt)."""
        shas = sorted(set(inputs))
        with self._tx() as db:
            db.execute("DELETE FROM derived WHERE ident = ?", (ident,))
            db.execute("INSERT INTO derived (ident, kind, path, created_at, note) VALUES (?, ?, ?, ?, ?)",
                       (ident, kind, path, utc_now(), note))
            db.executemany("INSERT INTO derived_inputs (ident, sha256) VALUES (?, ?)", [(ident, s) for s in shas])
            revoked = [r[0] for r in db.execute(
                f"SELECT DISTINCT sha256 FROM samples WHERE revoked_at IS NOT NULL AND sha256 IN "
                f"({', '.join('?' * len(shas))})", shas)] if shas else []
            for sha in revoked:
                db.execute("INSERT OR IGNORE INTO stale (ident, sha256, reason, at) VALUES (?, ?, ?, ?)",
                           (ident, sha, "built from a sample whose consent is revoked", utc_now()))

    def mark_stale(self, sha256: str, reason: str | None, at: str | None = None) -> list[str]:
        """Mark every derived thing built from ``sha256`` stale; returns their idents."""
        at = at or utc_now()
        with self._tx() as db:
            idents = [r[0] for r in db.execute("SELECT ident FROM derived_inputs WHERE sha256 = ?", (sha256,))]
            db.executemany("INSERT OR REPLACE INTO stale (ident, sha256, reason, at) VALUES (?, ?, ?, ?)",
                           [(i, sha256, reason, at) for i in idents])
        return idents

    def stale(self, kind: str | None = None) -> list[StaleEntry]:
        """Every stale derived thing (one entry per revoked input), oldest first."""
        with self._lock:
            sql = ("SELECT d.ident, d.kind, d.path, s.sha256, s.reason, s.at FROM stale s "
                   "JOIN derived d ON d.ident = s.ident")
            args: tuple = ()
            if kind is not None:
                sql += " WHERE d.kind = ?"
                args = (kind,)
            return [StaleEntry(*r) for r in self._db.execute(sql + " ORDER BY s.at, d.ident", args)]

    def is_stale(self, ident: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM stale WHERE ident = ? LIMIT 1", (ident,)).fetchone() is not None


class _Transaction:
    """``with``: BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error), holding the index lock."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self.db, self.lock = db, lock

    def __enter__(self) -> sqlite3.Connection:
        self.lock.acquire()
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.lock.release()
            raise
        return self.db

    def __exit__(self, exc_type, *exc) -> None:
        try:
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.lock.release()
