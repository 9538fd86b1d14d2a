"""``Corpus``: a set of samples cut into described units, searchable by sound.

Building reads the disk cache (``cache.py``), analyses only the samples it does not hold
(``analysis.analyse``, with a progress line on stderr), fits the feature space
(``space.FeatureSpace``) and makes the unit index (``knn.UnitIndex``); the result is one
immutable ``CorpusData`` published by a reference swap, so a query on another thread sees
the old corpus or the new one, never half of either. Build off the audio thread: the REPL
line that first plays a corpus builds it (``Session.play`` checks a pattern before it
plays), or ``build_in_background()``.

Consent: revoked samples are left out when building. A corpus is registered in the
library index as a derived thing (``LibraryIndex.register_derived``), so ``livesamp
samples revoke`` marks it stale; a corpus in use notices within ``poll_s`` seconds (it
polls the index's ``data_version``) and also checks each unit it plays against its
bank's consent record, and takes the revoked sample's units out at once (a mask bit per
unit: no rebuild on the scheduler thread). It then re-registers without that sample and
rewrites its cache file on a thread of its own.
"""

from __future__ import annotations

import hashlib
import sys
import threading
import time
import warnings
from dataclasses import dataclass

import numpy as np

from .analysis import DESCRIPTORS, Segmentation, Units, analyse
from .cache import cache_path, read_units, write_units
from .knn import UnitIndex
from .sources import Source, resolve, sample_sha256, spec_text
from .space import FeatureSpace, Query

__all__ = ["Corpus", "CorpusData", "CorpusWarning"]


def _short_name(source) -> str:
    """The corpus's name when none is given: the source, or for a long list its first two
    items and how many more (``"hiss+tss+5 more"``)."""
    if isinstance(source, str):
        return source
    items = [spec_text(s) for s in source]
    return "+".join(items) if len(items) <= 3 else f"{items[0]}+{items[1]}+{len(items) - 2} more"


class CorpusWarning(UserWarning):
    """Something about a corpus the performer should know (revoked samples left out ...)."""


@dataclass(frozen=True)
class CorpusData:
    """One built corpus: units ``0 .. n-1`` of ``sources``, their bounds in frames of the
    library rate ``sr``, raw descriptors (``analysis.DESCRIPTORS`` columns), the feature
    ``space`` and the ``index`` (whose ``alive`` mask says which units may still play)."""

    sources: tuple[Source, ...]
    banks: tuple
    source_frames: np.ndarray
    unit_source: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    raw: np.ndarray
    space: FeatureSpace
    index: UnitIndex
    sr: int

    def __len__(self) -> int:
        return int(self.starts.shape[0])

    def source_of(self, unit: int) -> Source:
        return self.sources[int(self.unit_source[unit])]

    def bounds(self, unit: int) -> tuple[float, float]:
        """(begin, end) of a unit as fractions of its sample (the sampler's begin/end)."""
        frames = float(self.source_frames[self.unit_source[unit]])
        return float(self.starts[unit]) / frames, float(self.ends[unit]) / frames

    def describe_unit(self, unit: int) -> dict:
        """Where a unit comes from and what it measured (for people: the audience view, tests)."""
        src = self.source_of(unit)
        out = {"unit_id": int(unit), "sample": src.label, "bank": src.bank, "sha256": src.sha256,
               "start_s": float(self.starts[unit]) / self.sr, "end_s": float(self.ends[unit]) / self.sr}
        out.update({k: float(v) for k, v in zip(DESCRIPTORS, self.raw[unit])})
        return out


class Corpus:
    """The units of the samples named by ``source`` (see ``sources.py``) in ``library``.

    ``library``: a ``SampleLibrary``, a callable returning one (a session's current
    library), or None for the configured banks. ``segmentation``: how to cut
    (``Segmentation`` or its fields as a dict). ``name``: shown with every unit played
    (default: the source text). ``progress``: False, True (a line on stderr) or a
    callable ``(done, total, label)``; None: a line on stderr when analysis is needed.
    Nothing is read or analysed until ``data`` (or ``build()``) is first asked for.
    """

    def __init__(self, source, *, library=None, segmentation=None, name: str | None = None,
                 progress=None, poll_s: float = 0.25, use_cache: bool = True) -> None:
        self.spec = source
        self.spec_text = spec_text(source)
        self.name = name or _short_name(source)
        if isinstance(segmentation, dict):
            segmentation = Segmentation(**segmentation)
        self.segmentation = segmentation or Segmentation()
        self._library_arg = library
        self.progress = progress
        self.poll_s = float(poll_s)
        self.use_cache = use_cache
        self._data: CorpusData | None = None
        self._build_lock = threading.RLock()
        self._next_poll = 0.0
        self._indexes: list = []
        self._versions: dict[int, int] = {}
        self.revision = 0  # bumped whenever units are taken out (selection memos key on it)
        self.excluded: list[str] = []  # labels of revoked samples left out or taken out

    # -- identity -------------------------------------------------------------------------
    def library(self):
        lib = self._library_arg
        if lib is None:
            from ..bank.config import library_from_config

            lib = self._library_arg = library_from_config()
        return lib() if callable(lib) and not hasattr(lib, "get") else lib

    def digest(self, sr: int) -> str:
        text = repr((self.spec_text, self.name, self.segmentation.key(), int(sr)))
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def ident(self, sr: int) -> str:
        """The name of this corpus in the library index's derived things."""
        return f"corpus:{self.name}@{self.digest(sr)}"

    # -- building -------------------------------------------------------------------------
    @property
    def data(self) -> CorpusData:
        """The built corpus (building it now if needed), after a throttled consent check."""
        d = self._data
        if d is None:
            d = self.build()
        now = time.monotonic()
        if now >= self._next_poll:
            self._next_poll = now + self.poll_s
            self._poll_stale()
        return self._data

    @property
    def built(self) -> bool:
        return self._data is not None

    def build_in_background(self) -> threading.Thread:
        """Build on a daemon thread (``built`` says when it is done); returns the thread."""
        t = threading.Thread(target=self.build, name=f"livesamp-corpus-{self.name}", daemon=True)
        t.start()
        return t

    def build(self) -> CorpusData:
        """Resolve the sources, analyse what the cache lacks, publish the new ``CorpusData``."""
        with self._build_lock:
            library = self.library()
            samples, revoked = resolve(library, self.spec)
            shas = [sample_sha256(library, s) for s in samples]
            path = cache_path(self.name, self.digest(library.sr))
            cached = read_units(path) if self.use_cache else {}
            todo = [i for i, sha in enumerate(shas) if sha not in cached]
            report = self._reporter(len(todo))
            fresh: dict[str, Units] = {}
            t0 = time.perf_counter()
            for k, i in enumerate(todo):
                if shas[i] not in fresh:
                    fresh[shas[i]] = analyse(samples[i].audio(), library.sr, self.segmentation)
                report(k + 1, len(todo), samples[i].label, time.perf_counter() - t0)
            by_sha = {sha: cached[sha] if sha in cached else fresh[sha] for sha in shas}
            if self.use_cache and (fresh or set(cached) != set(by_sha)):
                write_units(path, by_sha)
            data = self._assemble(library, samples, shas, by_sha)
            self._data = data
            self.revision += 1
            self.excluded = list(revoked)
            if revoked:
                warnings.warn(CorpusWarning(f"corpus {self.name}: left out revoked {', '.join(revoked)}"),
                              stacklevel=2)
            self._register(library, data, path)
            return data

    def refresh(self) -> bool:
        """Rebuild if the sources changed (samples added, removed, edited); True if it did."""
        d = self._data
        if d is None:
            self.build()
            return True
        library = self.library()
        samples, _ = resolve(library, self.spec)
        now = [(s.bank, s.name, s.index, sample_sha256(library, s)) for s in samples]
        alive_src = set(np.unique(d.unit_source[d.index.alive]).tolist()) if len(d) else set()
        was = [(s.bank, s.name, s.index, s.sha256) for i, s in enumerate(d.sources)
               if i in alive_src or not np.any(d.unit_source == i)]
        if now == was:
            return False
        self.build()
        return True

    def _reporter(self, total: int):
        p = self.progress
        if callable(p):
            return lambda done, n, label, _el: p(done, n, label)
        if p is False or total == 0:
            return lambda *a: None

        shown = [0.0]  # when the line was last drawn (seconds into the build; 0: never)

        def line(done, n, label, elapsed):
            if done < n and elapsed - shown[0] < 0.2:  # at most five redraws a second
                return
            if done == n and shown[0] == 0.0 and elapsed < 0.2:
                return  # quick builds stay quiet
            shown[0] = max(elapsed, 1e-9)
            bar = "#" * (20 * done // n)
            sys.stderr.write(f"\rcorpus {self.name}: [{bar:<20}] {done}/{n} samples analysed "
                             f"({elapsed:.1f} s) {label:<24}" + ("\n" if done == n else ""))
            sys.stderr.flush()

        return line

    def _assemble(self, library, samples, shas, by_sha) -> CorpusData:
        sources, banks, frames, parts = [], [], [], []
        for i, (s, sha) in enumerate(zip(samples, shas)):
            sources.append(Source(s.bank, s.name, s.index, sha, s))
            banks.append(library.bank_for(s.name, s.bank))
            frames.append(s.audio().shape[0])
            parts.append(by_sha[sha])
        counts = [len(u) for u in parts]
        if parts:
            starts = np.concatenate([u.starts for u in parts])
            ends = np.concatenate([u.ends for u in parts])
            raw = np.concatenate([u.descriptors for u in parts])
        else:
            starts = ends = np.zeros(0, np.int64)
            raw = np.zeros((0, len(DESCRIPTORS)))
        unit_source = np.repeat(np.arange(len(parts), dtype=np.int64), counts)
        space = FeatureSpace.fit(raw)
        return CorpusData(tuple(sources), tuple(banks), np.asarray(frames, dtype=np.int64), unit_source,
                          starts, ends, raw, space, UnitIndex(space.scale(raw)), int(library.sr))

    # -- consent --------------------------------------------------------------------------
    def _register(self, library, data: CorpusData, path) -> None:
        from ..bank.index import LibraryIndex
        from ..bank.paths import index_file

        paths = {str(b.index.path) for b in data.banks if isinstance(getattr(b, "index", None), LibraryIndex)}
        if not paths:
            paths = {str(index_file())}
        if sorted(paths) != sorted(str(ix.path) for ix in self._indexes):
            self._indexes = [LibraryIndex(p) for p in sorted(paths)]  # own connections: see data_version
        shas = sorted({s.sha256 for s in data.sources})
        note = f"{len(data)} units from {len(data.sources)} samples of {self.spec_text!r}"
        for ix in self._indexes:
            try:
                ix.register_derived("corpus", self.ident(data.sr), shas, path=str(path), note=note)
                self._versions[id(ix)] = ix.data_version()
            except Exception as exc:  # noqa: BLE001 - an unwritable index must not stop the music
                warnings.warn(CorpusWarning(f"corpus {self.name}: cannot register in {ix.path}: {exc}"),
                              stacklevel=3)

    def _poll_stale(self) -> None:
        d = self._data
        for ix in self._indexes:
            try:
                v = ix.data_version()
                if v == self._versions.get(id(ix)):
                    continue
                self._versions[id(ix)] = v
                ident = self.ident(d.sr)
                if ix.is_stale(ident):
                    shas = {e.sha256 for e in ix.stale("corpus") if e.ident == ident}
                    self.remove_sources([i for i, s in enumerate(d.sources) if s.sha256 in shas])
            except Exception:  # noqa: BLE001 - a locked or vanished index: try again next poll
                continue

    def check_unit(self, unit: int) -> bool:
        """True if ``unit`` may play; if its sample's consent was revoked, take out every
        unit of that sample (now) and return False."""
        d = self._data
        src = int(d.unit_source[unit])
        check = getattr(d.banks[src], "revocation", None)
        if check is None:
            return True
        s = d.sources[src]
        if check(s.name, s.index) is None:
            return True
        self.remove_sources([src])
        return False

    def remove_sources(self, source_ids) -> None:
        """Take the units of these sources out of play now; re-register and rewrite the
        cache without them on a thread of their own."""
        d = self._data
        ids = [int(i) for i in source_ids]
        if d is None or not ids:
            return
        units = np.nonzero(np.isin(d.unit_source, ids))[0]
        if units.size == 0 or not d.index.alive[units].any():
            return
        d.index.remove(units)
        self.revision += 1
        gone = [d.sources[i].label for i in ids]
        self.excluded.extend(gone)
        threading.Thread(target=self._forget, args=(d, ids), name="livesamp-corpus-revoke", daemon=True).start()

    def _forget(self, d: CorpusData, ids: list[int]) -> None:
        keep = [s.sha256 for i, s in enumerate(d.sources) if i not in ids]
        gone = {d.sources[i].sha256 for i in ids} - set(keep)
        path = cache_path(self.name, self.digest(d.sr))
        if self.use_cache:
            units = read_units(path)
            write_units(path, {k: v for k, v in units.items() if k not in gone})
        for ix in self._indexes:
            try:
                ix.register_derived("corpus", self.ident(d.sr), keep, path=str(path),
                                    note=f"rebuilt without {len(gone)} revoked sample(s)")
            except Exception:  # noqa: BLE001 - next build registers again
                pass

    # -- searching ------------------------------------------------------------------------
    def query(self, words=(), numbers: dict | None = None, weights: dict | None = None) -> Query:
        """Place a target in this corpus's space (see ``space.FeatureSpace.query``)."""
        return self.data.space.query(words, numbers, weights)

    def nearest(self, query: Query, k: int = 1, radius: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(unit ids, distances) of the ``k`` nearest playable units, nearest first; within
        ``radius`` (scaled units) if given."""
        d = self.data
        max_d2 = np.inf if radius is None else float(radius) ** 2
        ids, d2 = d.index.query(query.dims, query.q, query.weights, k, max_d2)
        return ids, np.sqrt(d2)

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        d = self._data
        if d is None:
            return f"<corpus {self.name} (not built yet)>"
        return (f"<corpus {self.name}: {d.index.n_alive} units from {len(d.sources)} samples"
                f"{'; left out ' + ', '.join(self.excluded) if self.excluded else ''}>")
