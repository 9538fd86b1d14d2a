"""Which samples a corpus is made of, and the sha256 that identifies each one.

A corpus source is written the way a performer thinks of a collection:

- a bank name: ``"default"``, ``"field"`` (every sound the library serves from that bank);
- a sound name: ``"hiss"`` (all its variants), or one variant: ``"hiss:2"``;
- a name family: ``"swoosh"`` (every name with ``swoosh`` as a ``_``-separated part:
  ``big_swoosh``, ``small_swoosh``), else every name containing it;
- ``"*"``: every sample of the library;
- a list of any of these (their union, in order, each sample once).

Revoked samples are left out (``resolve`` returns them apart, so a build can say so).
"""

from __future__ import annotations

import difflib
import hashlib
import os
import threading
from dataclasses import dataclass, field

__all__ = ["Source", "resolve", "sample_sha256", "spec_text"]


@dataclass(frozen=True)
class Source:
    """One sample of a corpus: where it is served from and what its content is."""

    bank: str
    name: str
    index: int
    sha256: str
    sample: object = field(compare=False, repr=False)

    @property
    def label(self) -> str:
        return f"{self.name}:{self.index}"


def spec_text(spec) -> str:
    """A stable text form of a source spec (names the cache file and the corpus)."""
    if isinstance(spec, str):
        return spec
    return "+".join(spec_text(s) for s in spec)


def _family(library, word: str) -> list[str]:
    names = library.names()
    parts = [n for n in names if word in n.split("_")]
    return parts or [n for n in names if word in n]


def _samples_of(library, item: str):
    """(samples, revoked labels) for one spec item."""
    from ..bank.errors import RevokedSampleError, UnknownSampleError  # the bank package loads soundfile

    banks = {b.name: b for b in library.banks}
    if item == "*":
        pairs = [(n, None) for n in library.names()]
    elif item in banks:
        pairs = [(n, item) for n in banks[item].names()]
    else:
        name, _, n_text = item.partition(":")
        if n_text:
            if not n_text.lstrip("-").isdigit():
                raise ValueError(f"corpus source {item!r}: expected name:n with an integer n")
            try:
                return [library.get(name, int(n_text))], []
            except RevokedSampleError as e:
                return [], [e.label]
        if name in library:
            pairs = [(name, None)]
        else:
            pairs = [(n, None) for n in _family(library, name)]
        if not pairs:
            close = difflib.get_close_matches(item, list(banks) + library.names(), n=3, cutoff=0.6)
            raise UnknownSampleError(item, close)
    out, revoked = [], []
    for name, bank in pairs:
        b = library.bank_for(name, bank)
        for i in range(b.count(name)):
            try:
                out.append(library.get(name, i, bank=bank))
            except RevokedSampleError as e:
                revoked.append(e.label)
    return out, revoked


def resolve(library, spec) -> tuple[list, list[str]]:
    """(samples, labels of revoked samples left out) for a source spec (see the module)."""
    items = [spec] if isinstance(spec, str) else list(spec)
    if not items:
        raise ValueError("a corpus needs at least one source (a bank, a name, a family or '*')")
    seen, samples, revoked = set(), [], []
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"corpus sources are names (bank, sound, family, name:n or '*'), got {item!r}")
        got, rev = _samples_of(library, item)
        revoked.extend(rev)
        for s in got:
            key = (s.bank, s.name, s.index)
            if key not in seen:
                seen.add(key)
                samples.append(s)
    return samples, revoked


_FILE_SHAS: dict[tuple[str, int, int], str] = {}
_AUDIO_SHAS: dict[tuple, str] = {}
_SHA_LOCK = threading.Lock()


def sample_sha256(library, sample) -> str:
    """The sha256 that names ``sample``'s content, as the library index knows it.

    The provenance's ``sha256`` (set at import), else the index row's, else the sound
    file's (memoised by path, size and mtime), else, for banks with no files (the
    synthesised default bank), the sha256 of its float32 audio at the library rate
    (memoised by the bank's version)."""
    if sample.provenance.sha256:
        return sample.provenance.sha256
    bank = library.bank_for(sample.name, sample.bank)
    row = getattr(bank, "row", None)
    if row is not None:
        try:
            sha = row(sample.name, sample.index).sha256
        except KeyError:
            sha = None
        if sha:
            return sha
    file = getattr(bank, "file", None)
    if file is not None:
        path = str(file(sample.name, sample.index))
        st = os.stat(path)
        key = (path, st.st_size, st.st_mtime_ns)
        sha = _FILE_SHAS.get(key)
        if sha is None:
            from ..bank.curate import sha256_file

            sha = sha256_file(path)
            with _SHA_LOCK:
                _FILE_SHAS[key] = sha
        return sha
    version = getattr(bank, "version", None)
    key = (sample.bank, sample.name, sample.index, sample.sr, version() if callable(version) else None)
    sha = _AUDIO_SHAS.get(key) if key[-1] is not None else None
    if sha is None:
        sha = hashlib.sha256(sample.audio().tobytes()).hexdigest()
        if key[-1] is not None:
            with _SHA_LOCK:
                _AUDIO_SHAS[key] = sha
    return sha
