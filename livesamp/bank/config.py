"""Which banks a session plays from, in which order: a small TOML file.

``paths.config_file()`` (``~/.config/livesamp/banks.toml`` unless ``$LIVESAMP_CONFIG``)::

    # earlier banks win when two hold the same sound name
    imported = true            # also every bank `livesamp samples import` made (default true)

    [[bank]]
    path = "~/recordings/field"    # any folder in the usual layout
    name = "field"                 # optional: defaults to the folder's name

    [[bank]]
    name = "kit"                   # no path: the imported bank <data dir>/banks/kit

    [[bank]]
    name = "default"               # the synthesised bank; listed, it takes this place

Precedence: the listed banks in order; then (if ``imported``) the imported banks not
listed, by name; then ``default`` if it was not listed. With no config file: the imported
banks by name, then ``default``. A listed folder that is missing is skipped with a
``BankWarning`` (a performer's drive may be unplugged); a malformed file raises
``ConfigError`` quoting the file and the entry.
"""

from __future__ import annotations

import tomllib
import warnings
from dataclasses import dataclass
from pathlib import Path

from .errors import BankError, BankWarning
from .paths import banks_dir, config_file

__all__ = ["BankSpec", "ConfigError", "load_config", "imported_banks", "library_from_config", "RESERVED"]

RESERVED = frozenset({"default"})


class ConfigError(BankError, ValueError):
    """The bank list (TOML) is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class BankSpec:
    """One bank to open: ``path`` is ``None`` for the built-in ``default`` bank."""

    name: str
    path: Path | None


def imported_banks() -> list[Path]:
    """Folders under ``<data dir>/banks`` made by ``livesamp samples import``, by name."""
    root = banks_dir()
    try:
        return sorted((d for d in root.iterdir() if d.is_dir() and d.name not in RESERVED
                       and not d.name.startswith(".")), key=lambda d: d.name)
    except FileNotFoundError:
        return []


def load_config(path: str | Path | None = None) -> list[BankSpec]:
    """The banks to open, in precedence order (see the module doc)."""
    file = Path(path).expanduser() if path is not None else config_file()
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if path is not None:
            raise ConfigError(f"bank list {str(file)!r} does not exist") from None
        data = {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as err:
        raise ConfigError(f"cannot read bank list {str(file)!r}: {err}") from err
    unknown = sorted(set(data) - {"imported", "bank"})
    if unknown:
        raise ConfigError(f"{file}: unknown keys {unknown}; expected 'imported' and [[bank]] tables")
    use_imported = data.get("imported", True)
    if not isinstance(use_imported, bool):
        raise ConfigError(f"{file}: 'imported' must be true or false, got {use_imported!r}")
    entries = data.get("bank", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{file}: 'bank' must be a list of [[bank]] tables")
    specs: list[BankSpec] = []
    for i, e in enumerate(entries, 1):
        where = f"{file}: bank #{i}"
        if not isinstance(e, dict) or set(e) - {"name", "path"} or not e:
            raise ConfigError(f"{where} must have 'path' and/or 'name' (and nothing else), got {e!r}")
        name, folder = e.get("name"), e.get("path")
        if name is not None and (not isinstance(name, str) or not name):
            raise ConfigError(f"{where}: 'name' must be text, got {name!r}")
        if folder is not None and (not isinstance(folder, str) or not folder):
            raise ConfigError(f"{where}: 'path' must be text, got {folder!r}")
        if folder is None:
            if name in RESERVED:
                specs.append(BankSpec(name, None))
                continue
            folder_path = banks_dir() / name
        else:
            folder_path = Path(folder).expanduser()
            if not folder_path.is_absolute():
                folder_path = (file.parent / folder_path).resolve()
            if name in RESERVED:
                raise ConfigError(f"{where}: the name {name!r} is the built-in bank's; choose another")
        specs.append(BankSpec(name or folder_path.name, folder_path))
    names = [s.name for s in specs]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"{file}: bank names must differ; {', '.join(dupes)} appear more than once")
    if use_imported:
        listed = {s.path.resolve() for s in specs if s.path is not None and s.path.exists()}
        for d in imported_banks():
            if d.resolve() not in listed and d.name not in names:
                specs.append(BankSpec(d.name, d))
    if "default" not in names:
        specs.append(BankSpec("default", None))
    return specs


def library_from_config(path: str | Path | None = None, sr: int = 48000, *, index=None):
    """A ``SampleLibrary`` of the configured banks (``IndexedBank`` for folders, sharing one
    ``LibraryIndex``). No audio is read: only listings, from the index when warm."""
    from .default import DefaultBank
    from .index import LibraryIndex
    from .indexed import IndexedBank
    from .library import SampleLibrary

    banks = []
    for spec in load_config(path):
        if spec.path is None:
            banks.append(DefaultBank())
            continue
        if not spec.path.is_dir():
            warnings.warn(BankWarning(f"bank {spec.name!r}: folder {str(spec.path)!r} is missing; skipped"),
                          stacklevel=2)
            continue
        if index is None:
            index = LibraryIndex()
        banks.append(IndexedBank(spec.path, spec.name, index=index))
    return SampleLibrary(banks, sr=sr)
