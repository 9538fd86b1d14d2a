"""Importing a folder of recordings into a bank: read, cut, measure, name, then write.

Two steps, so the performer can look before anything is written:

1. ``plan_import(folder, bank_root)`` reads every file under ``folder``: headers, tags,
   the audio itself (mixed to mono for measuring). With ``split`` it cuts recordings of
   2 s or more at silences and onsets (``split.sounds``); with ``trim`` it drops leading
   and trailing silence. Each sound gets ``Descriptors`` and a ``NameProposal``; names
   are deduplicated as ``name:n`` after the variants the bank already holds. Whatever
   cannot be imported becomes a ``Problem`` (one clear list): unreadable folders,
   corrupt, empty, zero-length, silent, non-finite, unsupported or too long files, audio
   already in the bank, names that had to be repaired.
2. ``ingest.commit_import(plan)`` writes each accepted sound into
   ``<bank>/<name>/NNN-<stem>.<ext>`` (a byte copy or a symlink of the original, or the
   cut/trimmed audio as FLAC, or float WAV for float sources) with its provenance
   sidecar, crash-safely, then updates the index.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

from .curate import sha256_file, tidy
from .descriptors import Descriptors, describe
from .folder import AUDIO_EXTENSIONS
from .index import LibraryIndex
from .naming import NameProposal, dedupe, propose, repair_name, valid_name
from .provenance import Provenance
from .sidecar import read_sidecar
from .split import sounds, trim

__all__ = ["Problem", "Candidate", "ImportPlan", "ImportReport", "plan_import", "IMAGE_EXTENSIONS", "MAX_SECONDS"]

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif"})
MAX_SECONDS = 1800.0
SPLIT_MIN_S = 2.0
_SF_ERRORS = (sf.SoundFileError, RuntimeError, OSError, ValueError, TypeError, MemoryError)
_TAGS = ("title", "artist", "date", "comment", "copyright", "license", "software")

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Problem:
    """Something in the folder that was skipped, or changed on the way in."""

    path: str
    what: str
    action: str = "skipped"

    def __str__(self) -> str:
        return f"{self.path}: {self.what} ({self.action})"


@dataclass
class Candidate:
    """One sound the import would write. ``span`` is None for a whole file copied as it is."""

    source: Path
    span: tuple[int, int] | None
    sr: int
    frames: int
    subtype: str
    descriptors: Descriptors
    proposal: NameProposal
    name: str
    tags: dict[str, str]
    source_sha256: str
    image: Path | None = None
    base: Provenance | None = None
    skip: bool = False
    label: str = ""

    @property
    def original(self) -> str:
        """The file name, plus the times cut from it: ``dawn.wav [12.30-14.05 s]``."""
        name = _printable(self.source.name)
        if self.span is None:
            return name
        return f"{name} [{self.span[0] / self.sr:.2f}-{self.span[1] / self.sr:.2f} s]"


@dataclass
class ImportPlan:
    """What an import would do; edit with ``rename``/``skip``, then ``commit_import``."""

    folder: Path
    bank_root: Path
    bank_name: str
    candidates: list[Candidate]
    problems: list[Problem]
    existing: dict[str, int] = field(default_factory=dict)

    def relabel(self) -> None:
        """Number the names as ``name:n`` after the bank's existing variants."""
        live = [c for c in self.candidates if not c.skip]
        for c, (name, n) in zip(live, dedupe([c.name for c in live], self.existing)):
            c.label = f"{name}:{n}"
        for c in self.candidates:
            if c.skip:
                c.label = "-"

    def rename(self, row: int, new: str) -> str:
        """Name row ``row`` (1-based, as in ``table()``) ``new``; an invalid name is repaired.
        Returns what was done, in words."""
        c = self._row(row)
        fixed = new if valid_name(new) else repair_name(new)
        c.name, c.skip = fixed, False
        self.relabel()
        if fixed != new:
            self.problems.append(Problem(str(c.source), f"name {new!r} is not a sound name",
                                         f"repaired to {fixed!r}"))
            return f"{new!r} is not a sound name; row {row} is now {c.label} (repaired)"
        return f"row {row} is now {c.label}"

    def skip(self, row: int) -> str:
        c = self._row(row)
        c.skip = True
        self.relabel()
        return f"row {row} ({c.original}) will not be imported"

    def _row(self, row: int) -> Candidate:
        if not 1 <= row <= len(self.candidates):
            raise IndexError(f"no row {row}: rows are 1 to {len(self.candidates)}")
        return self.candidates[row - 1]

    def table(self, width: int = 100) -> str:
        """The proposals, one row per sound: number, label, source, length, loudness, why."""
        lines = [f"{'#':>4}  {'name':<16} {'from':<28} {'dur':>6} {'loud':>6}  why"]
        for i, c in enumerate(self.candidates, 1):
            d = c.descriptors
            shown = _shown(c.original)
            src = shown if len(shown) <= 28 else "…" + shown[-27:]
            why = c.proposal.reason.split(":")[0] if c.name == c.proposal.name else "renamed"
            line = f"{i:>4}  {c.label:<16} {src:<28} {d.duration_s:>5.2f}s {d.loudness_db:>4.0f}dB  {why}"
            lines.append(line[:width])
        return "\n".join(lines)


@dataclass
class ImportReport:
    """What an import wrote (label, original) and every problem met on the way."""

    bank_name: str
    bank_root: Path
    imported: list[tuple[str, str]]
    problems: list[Problem]

    def summary(self) -> str:
        out = [f"imported {len(self.imported)} sound{'s' * (len(self.imported) != 1)} into bank "
               f"{self.bank_name!r} ({self.bank_root})"]
        by_name: dict[str, list[str]] = {}
        for label, _ in self.imported:
            name, n = label.split(":")
            by_name.setdefault(name, []).append(n)
        if by_name:
            out.append("  " + "  ".join(f"{k}:{','.join(v)}" for k, v in sorted(by_name.items())))
        if self.problems:
            out.append(f"{len(self.problems)} problem{'s' * (len(self.problems) != 1)}:")
            out.extend(f"  - {p}" for p in self.problems)
        return "\n".join(out)


def _printable(name: str) -> str:
    """A file name as UTF-8 text (undecodable bytes become U+FFFD)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _shown(name: str) -> str:
    """A file name for one line of a table or report: control characters escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in _printable(name))


def _walk(folder: Path, problems: list[Problem]) -> list[Path]:
    def onerror(err: OSError) -> None:
        problems.append(Problem(_printable(str(err.filename or folder)), f"cannot read folder: {err.strerror}"))

    files = []
    for dirpath, dirnames, filenames in os.walk(folder, onerror=onerror):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        files.extend(Path(dirpath) / f for f in sorted(filenames) if not f.startswith("."))
    return files


def _read_mono(path: Path, max_seconds: float) -> tuple[np.ndarray, int, int, str, dict[str, str]]:
    """(mono float32, rate, channels, subtype, tags); raises ``ValueError`` saying what is wrong."""
    if path.stat().st_size == 0:
        raise ValueError("empty file (0 bytes)")
    try:
        with sf.SoundFile(os.fsencode(path)) as f:  # bytes: names need not be UTF-8
            sr, channels, subtype, frames = f.samplerate, f.channels, f.subtype, f.frames
            if frames <= 0:
                raise ValueError("holds no audio (0 frames)")
            if frames / sr > max_seconds:
                raise ValueError(f"too long: {frames / sr / 60:.1f} min (limit {max_seconds / 60:.0f} min; "
                                 "--max-minutes raises it)")
            tags = {}
            for k in _TAGS:
                try:
                    v = getattr(f, k)
                except (AttributeError, RuntimeError):
                    v = ""
                if v:
                    tags[k] = v
            mono = np.empty(frames, np.float32)
            pos = 0
            for block in f.blocks(blocksize=1 << 18, dtype="float32", always_2d=True):
                n = min(len(block), frames - pos)
                mono[pos:pos + n] = block[:n].mean(axis=1)
                pos += n
    except ValueError:
        raise
    except _SF_ERRORS as err:
        msg = str(err).strip() or type(err).__name__
        if msg.startswith("Error opening") and "': " in msg:
            msg = msg.split("': ", 1)[1]  # the path is in the report already
        raise ValueError(f"corrupt or not audio: {msg}") from err
    if pos == 0:
        raise ValueError("holds no audio (0 frames)")
    mono = mono[:pos]
    if not np.isfinite(mono).all():
        raise ValueError("holds NaN or infinite samples")
    return mono, sr, channels, subtype, tags


def plan_import(folder: str | Path, bank_root: str | Path, bank_name: str | None = None, *,
                split: bool = False, trim_silence: bool = False, keep_names: bool = False,
                max_seconds: float = MAX_SECONDS, index: LibraryIndex | None = None,
                progress: Progress | None = None) -> ImportPlan:
    """Read and measure everything under ``folder``; nothing is written (see module doc).

    Raises ``FileNotFoundError``/``NotADirectoryError`` if ``folder`` is not a folder.
    """
    folder = Path(folder).expanduser()
    if not folder.exists():
        raise FileNotFoundError(f"no folder {str(folder)!r} to import")
    if not folder.is_dir():
        raise NotADirectoryError(f"{str(folder)!r} is a file; import takes a folder of recordings")
    bank_root = Path(bank_root).expanduser()
    bank_name = bank_name or bank_root.name
    problems: list[Problem] = []
    existing: dict[str, int] = {}
    known_sha: dict[str, str] = {}
    if bank_root.is_dir():
        tidy(bank_root)
        index = index or LibraryIndex()
        rows, _ = index.sync(bank_root, bank_name)
        for r in rows:
            existing[r.name] = max(existing.get(r.name, 0), r.index + 1)
            if r.sha256:
                known_sha[r.sha256] = r.label
        for r in rows:  # the originals' digests live in the sidecars' livesamp tables
            try:
                side = read_sidecar(r.path)
            except ValueError:
                continue
            if side is not None and side.extra.get("source_sha256"):
                known_sha[side.extra["source_sha256"]] = r.label
    files = _walk(folder, problems)
    candidates: list[Candidate] = []
    seen_sha: dict[str, str] = {}
    audio = [f for f in files if f.suffix.lower() in AUDIO_EXTENSIONS]
    stems = {(f.parent, f.stem): f for f in audio}
    for f in files:
        ext = f.suffix.lower()
        shown = _shown(str(f.relative_to(folder)))
        if ext in AUDIO_EXTENSIONS:
            continue
        if ext in IMAGE_EXTENSIONS and (f.parent, f.stem) in stems:
            continue  # documents a sound: imported with it
        if ext == ".json" and f.with_suffix("") in audio:
            continue  # a provenance sidecar of a sound file: read with it
        problems.append(Problem(shown, f"not a sound file ({ext or 'no extension'})", "ignored"))
    for k, f in enumerate(audio):
        shown = _shown(str(f.relative_to(folder)))
        if progress:
            progress(k, len(audio), shown)
        if _printable(str(f)) != str(f):
            problems.append(Problem(shown, "file name is not valid UTF-8", "imported; name recorded with U+FFFD"))
        try:
            mono, sr, channels, subtype, tags = _read_mono(f, max_seconds)
            sha = sha256_file(f)
        except (ValueError, OSError) as err:
            problems.append(Problem(shown, str(err) if isinstance(err, ValueError) else f"cannot read: {err.strerror}"))
            continue
        if sha in known_sha or sha in seen_sha:
            where = f"{known_sha[sha]} in the bank" if sha in known_sha else f"{seen_sha[sha]} in this folder"
            problems.append(Problem(shown, f"same audio as {where}"))
            continue
        seen_sha[sha] = shown
        try:
            base = read_sidecar(f)
        except ValueError as err:
            base = None
            problems.append(Problem(shown, str(err), "imported without it"))
        image = next((f.with_suffix(e) for e in sorted(IMAGE_EXTENSIONS) if f.with_suffix(e).is_file()), None)
        if split and len(mono) >= SPLIT_MIN_S * sr:
            spans = sounds(mono, sr)
        elif trim_silence:
            spans = [trim(mono, sr)]
            if spans[0] == (0, len(mono)):
                spans = [None]
        else:
            spans = [None]
        if not spans or spans == [(0, 0)]:
            problems.append(Problem(shown, "silent: nothing above its noise floor"))
            continue
        for span in spans:
            part = mono if span is None else mono[span[0]:span[1]]
            d = describe(part, sr)
            if d.silent:
                problems.append(Problem(shown, f"silent (peak {d.peak_db:.0f} dBFS)"))
                continue
            prop = propose(d)
            name = prop.name
            if keep_names:
                given = f.parent.name if f.parent != folder else f.stem
                name = given if valid_name(given) else repair_name(given)
                if name != given:
                    problems.append(Problem(shown, f"name {given!r} is not a sound name", f"repaired to {name!r}"))
            candidates.append(Candidate(f, span, sr, len(mono), subtype, d, prop, name, tags, sha, image,
                                        base.provenance if base else None))
    plan = ImportPlan(folder, bank_root, bank_name, candidates, problems, existing)
    plan.relabel()
    return plan
