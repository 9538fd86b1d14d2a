"""The session log: every evaluated input as one JSON line, fsynced before the next is read,
so a crash loses nothing that was played."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

__all__ = ["SessionLog", "default_log_path"]


def default_log_path() -> Path:
    from ..bank.paths import data_dir

    stamp = time.strftime("%Y%m%d-%H%M%S")
    return data_dir() / "sessions" / f"session-{stamp}.jsonl"


class SessionLog:
    """Append-only JSONL; each `write` is flushed and fsynced before it returns."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else default_log_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def write(self, **record) -> None:
        record.setdefault("wall", time.time())
        line = (json.dumps(record, default=str, ensure_ascii=False) + "\n").encode("utf-8")
        os.write(self._fd, line)
        os.fsync(self._fd)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    @staticmethod
    def read(path) -> list[dict]:
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
