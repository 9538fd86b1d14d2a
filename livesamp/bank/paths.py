"""Where livesamp keeps its user data (generated banks, caches).

``data_dir()`` only computes a path: it never creates folders or touches the disk, so
calling it is free of side effects. Whoever writes creates what it needs.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["data_dir", "bank_cache_dir", "banks_dir", "index_file", "config_file"]


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


def banks_dir() -> Path:
    """Folder of the banks ``livesamp samples import`` makes: ``<data dir>/banks/<bank>/``
    (``default`` is reserved: it holds the default bank's cache)."""
    return data_dir() / "banks"


def index_file() -> Path:
    """The SQLite library index (a cache of listings, provenance and descriptors)."""
    return data_dir() / "index.sqlite"


def config_file() -> Path:
    """The bank list: ``$LIVESAMP_CONFIG`` if set, else ``$XDG_CONFIG_HOME/livesamp/banks.toml``,
    else ``~/.config/livesamp/banks.toml``."""
    explicit = os.environ.get("LIVESAMP_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CONFIG_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".config"
    return base / "livesamp" / "banks.toml"
