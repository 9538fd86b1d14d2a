"""Writing an import plan into a bank: ``commit_import`` (see ``importer`` for the plan).

Every sound is written so that a crash at any instant leaves a bank that loads: the
audio goes to a hidden temporary file in the destination folder, then the sidecar is
written (atomically) under the final name, then the audio is renamed into place
(``os.replace``: atomic). Until that rename the bank does not list the sound; after it,
the sound has its provenance. Leftovers (hidden temp files, sidecars without audio) are
ignored by every bank and removed by ``curate.tidy``, which the next import runs first.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import soundfile as sf

from .curate import next_file_name, sha256_file
from .importer import Candidate, ImportPlan, ImportReport, Problem, Progress, _printable, _shown
from .index import LibraryIndex
from .naming import repair_name
from .provenance import Consent, Provenance, utc_now
from .sidecar import Sidecar, write_sidecar

__all__ = ["commit_import"]


def _stage(dest_dir: Path, fname: str, c: Candidate, link: bool) -> Path:
    """Write the audio of ``c`` to a hidden temporary file in ``dest_dir``; returns it."""
    fd, tmp_name = tempfile.mkstemp(dir=dest_dir, prefix=f".{fname}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if c.span is None and link:
            tmp.unlink()
            os.symlink(c.source.resolve(), tmp)
        elif c.span is None:
            shutil.copyfile(c.source, tmp)
        else:
            data, sr = sf.read(os.fsencode(c.source), start=c.span[0], stop=c.span[1], dtype="float32",
                               always_2d=True)
            fade = min(len(data) // 4, int(0.003 * sr))
            if fade > 0:
                ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)[:, None]
                if c.span[0] > 0:
                    data[:fade] *= ramp
                if c.span[1] < c.frames:
                    data[-fade:] *= ramp[::-1]
            if c.subtype in ("FLOAT", "DOUBLE"):
                sf.write(str(tmp), data, sr, format="WAV", subtype="FLOAT")
            else:
                sf.write(str(tmp), data, sr, format="FLAC", subtype="PCM_24")
        if not tmp.is_symlink():
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
        return tmp
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _provenance(c: Candidate, sha: str, image: str | None, now: str, given: dict[str, str | None]) -> Provenance:
    base = c.base or Provenance(source="")
    tags = c.tags
    notes = [x for x in (base.notes, tags.get("title") and f"title: {tags['title']}",
                         tags.get("comment"), tags.get("copyright") and f"copyright: {tags['copyright']}",
                         tags.get("software") and f"software: {tags['software']}", given.get("notes")) if x]
    mtime = datetime.fromtimestamp(c.source.stat().st_mtime, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    notes.append(f"file modified {mtime}")
    recipe = base.recipe
    if c.span is not None:
        recipe = f"cut from {_printable(c.source.name)} by livesamp samples import"
    author = given.get("author") or base.author or tags.get("artist")
    return replace(
        base,
        source=f"recording {c.original}" if not base.source else base.source,
        recipe=recipe,
        licence=given.get("licence") or base.licence or tags.get("license"),
        author=author,
        recorded_at=given.get("recorded_at") or base.recorded_at or tags.get("date"),
        place=given.get("place") or base.place,
        device=given.get("device") or base.device,
        notes="; ".join(dict.fromkeys(notes)),
        source_file=_printable(str(c.source.resolve())),
        original_name=c.original,
        sha256=sha,
        image=image or base.image,
        consent=base.consent or Consent(granted_by=given.get("consent_by") or author,
                                        scope=given.get("scope") or "perform, derive", granted_at=now),
    )


def commit_import(plan: ImportPlan, *, link: bool = False, author: str | None = None, place: str | None = None,
                  licence: str | None = None, device: str | None = None, recorded_at: str | None = None,
                  consent_by: str | None = None, scope: str | None = None, notes: str | None = None,
                  index: LibraryIndex | None = None, progress: Progress | None = None,
                  pause_s: float = 0.0) -> ImportReport:
    """Write the plan's accepted sounds (see the module doc for the crash-safe order).

    Given values (``author`` ...) take precedence over what the files' tags or source
    sidecars say. ``pause_s`` waits between the steps of each write (for crash tests).
    """
    given = dict(author=author, place=place, licence=licence, device=device, recorded_at=recorded_at,
                 consent_by=consent_by, scope=scope, notes=notes)
    todo = [c for c in plan.candidates if not c.skip]
    problems = list(plan.problems)
    imported: list[tuple[str, str]] = []
    shas: list[str] = []
    plan.bank_root.mkdir(parents=True, exist_ok=True)
    now = utc_now()
    for k, c in enumerate(todo):
        name = c.label.split(":")[0]
        if progress:
            progress(k, len(todo), c.label)
        dest_dir = plan.bank_root / name
        try:
            dest_dir.mkdir(exist_ok=True)
            suffix = c.source.suffix if c.span is None else (".wav" if c.subtype in ("FLOAT", "DOUBLE") else ".flac")
            fname = next_file_name(dest_dir, repair_name(c.source.stem), suffix.lower())
            dest = dest_dir / fname
            tmp = _stage(dest_dir, fname, c, link)
            time.sleep(pause_s)
            try:
                sha = c.source_sha256 if c.span is None else sha256_file(tmp)
                image = None
                if c.image is not None:
                    image = f"{fname}{c.image.suffix.lower()}"
                    shutil.copyfile(c.image, dest_dir / image)
                prov = _provenance(c, sha, image, now, given)
                extra = {"source_sha256": c.source_sha256, "imported_at": now, "imported_as": c.label}
                if c.span is not None:
                    extra["span_s"] = [round(c.span[0] / c.sr, 4), round(c.span[1] / c.sr, 4)]
                write_sidecar(dest, Sidecar(prov, c.descriptors, c.proposal.name, c.proposal.reason, extra))
                time.sleep(pause_s)
                os.replace(tmp, dest)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
            time.sleep(pause_s)
        except (OSError, ValueError, RuntimeError, sf.SoundFileError) as err:
            problems.append(Problem(_shown(str(c.source)), f"could not be written: {err}"))
            continue
        imported.append((c.label, c.original))
        shas.append(sha)
    if progress:
        progress(len(todo), len(todo), "done")
    index = index or LibraryIndex()
    index.sync(plan.bank_root, plan.bank_name)
    for (label, original), sha in zip(imported, shas):
        index.record("import", bank=str(plan.bank_root.resolve()), label=label, sha256=sha,
                     detail=f"from {original}", at=now)
    return ImportReport(plan.bank_name, plan.bank_root, imported, problems)
