"""Where livesamp keeps its user data (generated banks, caches).

``data_dir()`` only computes a path: it never creates folders or touches the disk, so
calling it is free of side effects. Whoever writes creates what it needs.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["data_dir", "bank_cache_dir"]


def data_dir() -> Path:
    """The livesamp user data folder.

    ``$LIVESAMP_DATA_DIR`` if set and non-empty, else ``$XDG_DATA_HOME/livesamp``, else
    ``~/.local/share/livesamp``. Read from the environment on every call, so tests and
    sessions can redirect it.
    """
    explicit = os.environ.get("LIVESAMP_DATA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    if xdg:
        return Path(xdg).expanduser() / "livesamp"
    return Path.home() / ".local" / "share" / "livesamp"


def bank_cache_dir(bank: str) -> Path:
    """Folder for the cached audio of the bank called ``bank`` (e.g. ``"default"``)."""
    return data_dir() / "banks" / bank
