"""The session log: every evaluated input as one JSON line, fsynced before the next is read,
so a crash loses nothing that was played.

Records (one JSON object a line, `kind` first):

- ``start``: how the session was built (sr, cps, blocksize, lookahead_s, banks), so
  `livesamp replay` can build the same one.
- ``input``: one evaluated input: ``text``, ``wall`` (Unix time), ``cycle`` (float, for
  people), ``cursor`` (the exact scheduler cursor as "p/q") and ``frame`` (its stream
  frame) at which its changes took effect, ``changes`` (["d1 set", "hush", "cps 0.6"]),
  ``ok`` and ``error``; ``files`` holds the text of pattern files it load()ed, so a replay
  runs what was run, even if the file changed since.
- ``take``: a new sample made by rec() or resample() (name, file).
- ``record``: a recording started (path, frame of its first sample) or stopped.
- ``stop``: a clean end (the last stream frame).

A torn last line (the process died inside a write) is skipped when reading.
"""
from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

__all__ = ["SessionLog", "default_log_path", "read_log"]


def default_log_path() -> Path:
    """data_dir()/sessions/session-YYYYmmdd-HHMMSS.jsonl (a suffix keeps it unique)."""
    from ..bank.paths import data_dir

    stamp = time.strftime("%Y%m%d-%H%M%S")
    folder = data_dir() / "sessions"
    path = folder / f"session-{stamp}.jsonl"
    k = 1
    while path.exists():
        k += 1
        path = folder / f"session-{stamp}-{k}.jsonl"
    return path


class SessionLog:
    """Append-only JSONL; each `write` is flushed and fsynced before it returns.

    `last_fsync_s` holds how long the last write took (write + fsync), for the curious.
    """

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else default_log_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._lock = threading.Lock()  # takes are logged from their finishing threads
        self.last_fsync_s = 0.0

    def write(self, kind: str, **record) -> None:
        record = {"kind": kind, "wall": time.time(), **record}
        line = (json.dumps(record, default=str, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            if self._fd < 0:
                return
            t0 = time.perf_counter()
            os.write(self._fd, line)
            os.fsync(self._fd)
            self.last_fsync_s = time.perf_counter() - t0

    def close(self) -> None:
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

    def __enter__(self) -> SessionLog:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @staticmethod
    def read(path) -> list[dict]:
        return read_log(path)


def read_log(path) -> list[dict]:
    """The records of a session log, in order; a torn last line is dropped."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                try:
                    out.append(json.loads(line))
                except ValueError:
                    break  # a torn last line after a crash
    return out
