"""Changing a bank after import: rename sounds, revoke consent, hash files.

Each operation keeps the folder valid at every instant, so a crash leaves a bank that
loads: a sidecar is written to its new place before its sound file moves there
(``os.replace``: atomic), and the old sidecar is removed only afterwards. A sidecar with
no sound file beside it is ignored by every bank (and ``tidy`` removes it).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from .index import LibraryIndex, SampleRow, utc_now
from .naming import repair_name, valid_name
from .provenance import Provenance
from .sidecar import Sidecar, read_sidecar, sidecar_path, write_sidecar

__all__ = ["revoke", "rename", "sha256_file", "tidy", "RenameResult", "next_file_name"]

_NUMBERED = re.compile(r"^\d+-")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _sidecar_or_plain(row: SampleRow, bank_root: Path) -> Sidecar:
    side = read_sidecar(row.path)  # ValueError if malformed: the caller reports it
    if side is not None:
        return side
    return Sidecar(Provenance(source=f"sound file {bank_root.name}/{row.relpath}",
                              original_name=row.path.name))


def revoke(index: LibraryIndex, bank_root: Path, row: SampleRow, reason: str | None) -> str:
    """Withdraw consent for the sample of ``row`` and return the time (ISO 8601 UTC).

    Writes ``consent.revoked_at``/``revoked_reason`` to its sidecar (creating one if it
    had none), updates the index, logs a ``revoke`` event and marks every derived thing
    built from it stale. The sound file stays, so other variants keep their ``n``.
    """
    bank_root = Path(bank_root)
    side = _sidecar_or_plain(row, bank_root)
    prov = side.provenance
    if prov.sha256 is None:
        prov = replace(prov, sha256=sha256_file(row.path))
    at = utc_now()
    was = "" if prov.consent is None or prov.consent.revocable else " (consent had been recorded as irrevocable)"
    write_sidecar(row.path, replace(side, provenance=prov.revoke(at, reason)))
    index.refresh_files(bank_root, [row.relpath])
    index.record("revoke", bank=str(bank_root), label=row.label, sha256=prov.sha256,
                 detail=(reason or "no reason given") + was, at=at)
    stale = index.mark_stale(prov.sha256, f"consent revoked for {row.label}: {reason or 'no reason given'}", at)
    if stale:
        index.record("stale", bank=str(bank_root), label=row.label, sha256=prov.sha256,
                     detail=", ".join(stale), at=at)
    return at


@dataclass(frozen=True)
class RenameResult:
    """``moved``: (old label, new label) per sample moved; ``shifted``: other samples of the
    bank whose ``n`` changed because a variant left their sound."""

    moved: list[tuple[str, str]]
    shifted: list[tuple[str, str]]


def next_file_name(folder: Path, stem: str, suffix: str) -> str:
    """``NNN-stem.suffix`` numbered after the sound files already in ``folder``, so that
    sorting by name (which gives ``n``) puts it last among numbered files."""
    stem = _NUMBERED.sub("", stem) or "sound"
    taken = set(os.listdir(folder)) if folder.is_dir() else set()
    numbers = [int(m.group(0)[:-1]) for f in taken if (m := _NUMBERED.match(f))]
    k = max(numbers, default=-1) + 1
    while True:
        name = f"{k:03d}-{stem}{suffix}"
        if name not in taken:
            return name
        k += 1


def _move(row: SampleRow, dest_dir: Path, label_to: str, at: str) -> str:
    """Move one sound file (and its sidecar) into ``dest_dir``; returns its new relpath."""
    dest_dir.mkdir(exist_ok=True)
    fname = next_file_name(dest_dir, row.path.stem, row.path.suffix)
    dest = dest_dir / fname
    try:
        side = read_sidecar(row.path)
    except ValueError:  # malformed: carried along as it is
        side = None
    old_image = None
    if side is not None:
        history = list(side.extra.get("renamed", []))
        history.append({"at": at, "from": row.label, "to": label_to})
        prov = side.provenance
        image = prov.image
        if image and "/" not in image and (row.path.parent / image).is_file():  # the picture travels too
            old_image = row.path.parent / image
            image = f"{fname}{old_image.suffix}"
            shutil.copyfile(old_image, dest_dir / image)
            prov = replace(prov, image=image)
        write_sidecar(dest, replace(side, provenance=prov, extra={**side.extra, "renamed": history}))
    os.replace(row.path, dest)
    old_side = sidecar_path(row.path)
    try:
        if side is not None:
            old_side.unlink()
        else:
            os.replace(old_side, sidecar_path(dest))
        if old_image is not None:
            old_image.unlink()
    except FileNotFoundError:
        pass
    return f"{dest_dir.name}/{fname}"


def rename(index: LibraryIndex, bank_root: Path, bank_name: str, old: str, new: str) -> RenameResult:
    """Rename the sound ``old`` (every variant) or one variant ``old:n`` to ``new``.

    ``new`` must be a valid name (``ValueError`` suggests the nearest one). If ``new``
    already exists, the moved samples become its next variants (``new:k``, ``new:k+1``).
    Provenance travels with each file; its sidecar records the rename.
    """
    bank_root = Path(bank_root).resolve()
    if not valid_name(new):
        raise ValueError(f"{new!r} is not a sound name (lowercase letter, then letters, digits or _); "
                         f"did you mean {repair_name(new)!r}?")
    name, _, n_text = old.partition(":")
    rows, _ = index.sync(bank_root, bank_name)
    before = {r.relpath: r.label for r in rows}
    chosen = [r for r in rows if r.name == name and (not n_text or str(r.index) == n_text)]
    if not chosen:
        held = sorted({r.label for r in rows if r.name == name})
        hint = f"; {name} has {', '.join(held)}" if held else ""
        raise KeyError(f"bank {bank_name!r} has no sample {old!r}{hint}")
    if name == new and not n_text:
        return RenameResult([], [])
    at = utc_now()
    dest_dir = bank_root / new
    moved_paths: dict[str, str] = {}
    if not n_text and not dest_dir.exists():
        os.replace(bank_root / name, dest_dir)  # the whole sound: one atomic rename
        for r in chosen:
            rel = f"{new}/{r.relpath.split('/', 1)[1]}"
            moved_paths[r.relpath] = rel
            try:
                side = read_sidecar(bank_root / rel)
            except ValueError:
                side = None
            if side is not None:
                history = [*side.extra.get("renamed", []), {"at": at, "from": r.label, "to": f"{new}:{r.index}"}]
                write_sidecar(bank_root / rel, replace(side, extra={**side.extra, "renamed": history}))
    else:
        for r in chosen:
            moved_paths[r.relpath] = _move(r, dest_dir, new, at)
    after_rows, _ = index.sync(bank_root, bank_name)
    after = {r.relpath: r.label for r in after_rows}
    moved = [(before[o], after.get(p, "?")) for o, p in moved_paths.items()]
    shifted = [(before[rel], lab) for rel, lab in after.items() if rel in before and before[rel] != lab]
    for r, (a, b) in zip(chosen, moved):
        index.record("rename", bank=str(bank_root), label=b, sha256=r.sha256, detail=f"{a} -> {b}", at=at)
    return RenameResult(moved, shifted)


def tidy(bank_root: Path) -> list[Path]:
    """Remove what an interrupted write left in a bank folder: ``.*.tmp`` files and
    sidecars with no sound file beside them. Returns what was removed."""
    removed = []
    for sub in Path(bank_root).iterdir():
        if not sub.is_dir() or sub.name.startswith("."):
            continue
        for f in sub.iterdir():
            orphan = f.name.endswith(".json") and not f.with_name(f.name[:-5]).exists()
            temp = f.name.startswith(".") and f.name.endswith(".tmp")
            if orphan or temp:
                try:
                    f.unlink()
                    removed.append(f)
                except OSError:
                    pass
    return removed
