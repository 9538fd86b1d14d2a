"""Keeping the index's listing of a bank folder current (``LibraryIndex.sync``).

A mixin of ``LibraryIndex``: it needs the connection (``_db``), its lock and ``_tx``.
See ``LibraryIndex.sync`` for what is re-read when.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import soundfile as sf

from .descriptors import DESCRIPTOR_FIELDS
from .folder import AUDIO_EXTENSIONS as AUDIO_SUFFIXES
from .provenance import utc_now
from .sidecar import read_sidecar

__all__ = ["FolderSync"]

_RACY_NS = 2_000_000_000
_SF_ERRORS = (sf.SoundFileError, RuntimeError, OSError, ValueError, TypeError)


class FolderSync:
    """``sync``, ``refresh_files`` and their helpers, for ``LibraryIndex``."""

    def sync(self, folder: str | Path, name: str, *, full: bool = False,
             provenance: bool = True) -> tuple[list[SampleRow], list[str]]:
        """Bring the rows of the bank folder ``folder`` up to date and return them (sorted
        by name and index) with the problems found (unreadable files or sidecars).

        Only files whose size or mtime changed (or whose sidecar did) are read again. A
        sound folder whose own mtime is unchanged (nothing was added, removed or renamed
        in it: every livesamp write is a rename) is not listed again; only its sidecars
        are ``stat``-ed, so a hand edit of a sidecar is seen. A sound file rewritten in
        place is seen when ``full`` (``livesamp samples list --rescan``); its audio is
        read afresh on load either way. Folder mtimes less than 2 s old are not trusted
        (as git does), so a write racing a sync is seen next time.
        """
        root = Path(folder).expanduser().resolve()
        key = str(root)
        with self._lock:
            known = {r[0]: r[1:] for r in self._db.execute(
                "SELECT relpath, size, mtime_ns, side_size, side_mtime_ns FROM samples WHERE bank = ?", (key,))}
            known_dirs = dict(self._db.execute("SELECT relpath, mtime_ns FROM dirs WHERE bank = ?", (key,)))
        by_dir: dict[str, list[str]] = {}
        for rel in known:
            by_dir.setdefault(rel.split("/", 1)[0], []).append(rel)
        found: dict[str, tuple[int, int, int, int]] = {}
        dirs: dict[str, int | None] = {}
        settled = time.time_ns() - _RACY_NS
        for sub in os.scandir(root):
            if sub.name.startswith(".") or not sub.is_dir():
                continue
            try:
                dir_mtime = sub.stat().st_mtime_ns
            except OSError:
                continue
            dirs[sub.name] = dir_mtime if dir_mtime < settled else None  # too recent to trust: rescan next time
            if full or known_dirs.get(sub.name) != dir_mtime:
                self._scan_dir(sub, found)
                continue
            for rel in by_dir.get(sub.name, ()):  # no entry added, removed or renamed: re-stat sidecars only
                size, mtime, side_size, side_mtime = known[rel]
                if side_size >= 0:
                    try:
                        sst = os.stat(f"{key}/{rel}.json")
                        side_size, side_mtime = sst.st_size, sst.st_mtime_ns
                    except OSError:
                        side_size = side_mtime = -1
                found[rel] = (size, mtime, side_size, side_mtime)
        with self._lock:
            fresh = [rel for rel, stamp in found.items() if known.get(rel) != stamp]
            gone = [rel for rel in known if rel not in found]
            if fresh or gone or not known:
                rows = [self._read_file(root, rel, found[rel]) for rel in fresh]
                with self._tx() as db:
                    db.execute("INSERT INTO banks (path, name, synced_at) VALUES (?, ?, ?) "
                               "ON CONFLICT(path) DO UPDATE SET name = excluded.name, synced_at = excluded.synced_at",
                               (key, name, utc_now()))
                    db.executemany("DELETE FROM samples WHERE bank = ? AND relpath = ?", [(key, r) for r in gone])
                    cols = ("bank", "name", "idx", "relpath", "size", "mtime_ns", "side_size", "side_mtime_ns",
                            "frames", "sr", "channels", "format", "error", "side_error", "sha256", "provenance",
                            "revoked_at", "revoked_reason", *DESCRIPTOR_FIELDS)
                    db.executemany(
                        f"INSERT INTO samples ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
                        f"ON CONFLICT(bank, relpath) DO UPDATE SET "
                        + ", ".join(f"{c} = excluded.{c}" for c in cols[1:]),
                        [(key, *r) for r in rows])
                    self._renumber(db, key)
            if dirs != known_dirs:
                with self._tx() as db:
                    db.execute("DELETE FROM dirs WHERE bank = ?", (key,))
                    db.executemany("INSERT INTO dirs (bank, relpath, mtime_ns) VALUES (?, ?, ?)",
                                   [(key, d, m) for d, m in dirs.items()])
            return self.rows(key, provenance=provenance), self.problems(key)

    @staticmethod
    def _scan_dir(sub: os.DirEntry, found: dict) -> None:
        entries = {e.name: e for e in os.scandir(sub.path)}
        for fname, e in entries.items():
            dot = fname.rfind(".")
            if dot <= 0 or fname[dot:].lower() not in AUDIO_SUFFIXES:
                continue
            try:
                st = e.stat()
                if not e.is_file():
                    continue
                side = entries.get(fname + ".json")
                sst = side.stat() if side is not None else None
            except OSError:
                continue
            found[f"{sub.name}/{fname}"] = (st.st_size, st.st_mtime_ns,
                                            sst.st_size if sst else -1, sst.st_mtime_ns if sst else -1)

    def refresh_files(self, folder: str | Path, relpaths: Iterable[str]) -> None:
        """Re-read these files' headers and sidecars now (after this process changed them)."""
        root = Path(folder).expanduser().resolve()
        rows = []
        for rel in relpaths:
            path = root / rel
            side = path.with_name(path.name + ".json")
            try:
                st = path.stat()
            except OSError:
                continue
            try:
                sst = side.stat()
                side_stamp = (sst.st_size, sst.st_mtime_ns)
            except OSError:
                side_stamp = (-1, -1)
            rows.append(self._read_file(root, rel, (st.st_size, st.st_mtime_ns, *side_stamp)))
        cols = ("frames", "sr", "channels", "format", "error", "side_error", "sha256", "provenance",
                "revoked_at", "revoked_reason", *DESCRIPTOR_FIELDS)
        with self._tx() as db:
            db.executemany(
                f"UPDATE samples SET size = ?, mtime_ns = ?, side_size = ?, side_mtime_ns = ?, "
                f"{', '.join(f'{c} = ?' for c in cols)} WHERE bank = ? AND relpath = ?",
                [(*r[3:], str(root), r[2]) for r in rows])

    @staticmethod
    def _read_file(root: Path, rel: str, stamp: tuple[int, int, int, int]) -> tuple:
        path = root / rel
        name = rel.split("/", 1)[0]
        frames = sr = channels = 0
        fmt = error = None
        try:
            info = sf.info(str(path))
            if info.frames <= 0 or info.samplerate <= 0 or info.channels <= 0:
                raise ValueError(f"{info.frames} frames at {info.samplerate} Hz")
            frames, sr, channels, fmt = info.frames, info.samplerate, info.channels, info.format
        except _SF_ERRORS as err:
            error = f"unreadable sound file {str(path)!r}: {err}"
        prov_json = sha = revoked_at = reason = side_error = None
        desc: list[Any] = [None] * len(DESCRIPTOR_FIELDS)
        try:
            side = read_sidecar(path)
        except ValueError as err:
            side, side_error = None, f"{err} (ignored: the sample plays without its provenance)"
        if side is not None:
            prov = side.provenance
            prov_json = json.dumps(prov.to_dict(), ensure_ascii=False)
            sha = prov.sha256
            if prov.consent is not None:
                revoked_at, reason = prov.consent.revoked_at, prov.consent.revoked_reason
            if side.descriptors is not None:
                desc = [getattr(side.descriptors, f) for f in DESCRIPTOR_FIELDS]
        return (name, -1, rel, *stamp, frames, sr, channels, fmt, error, side_error, sha, prov_json,
                revoked_at, reason, *desc)

    @staticmethod
    def _renumber(db: sqlite3.Connection, key: str) -> None:
        """idx = position among the readable files of the same name, sorted by file name."""
        rows = db.execute("SELECT id, name, relpath, error IS NULL, idx FROM samples WHERE bank = ? "
                          "ORDER BY name, relpath", (key,)).fetchall()
        updates, count, last = [], 0, None
        for rid, name, _rel, ok, old in rows:
            if name != last:
                count, last = 0, name
            new = count if ok else -1
            count += bool(ok)
            if new != old:
                updates.append((new, rid))
        db.executemany("UPDATE samples SET idx = ? WHERE id = ?", updates)
