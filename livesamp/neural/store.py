"""Where voices live, finding them by name, and their consent.

A voice ``NAME`` is the model file ``<data dir>/voices/NAME.npz`` (what ``livesamp voice
train`` writes), else one shipped with livesamp (``livesamp/neural/voices/NAME.npz``:
``default``, trained on the default bank). ``load(name)`` reads it once (again when the
file changes) and checks its consent: a voice built from a sample whose consent was
revoked is *stale* and ``StaleVoiceError`` says which samples and how to retrain. The check
asks the library index (``LibraryIndex.revoked_among`` by the samples' sha256, and its
``stale`` marks), so it holds wherever the voice file was copied.
"""

from __future__ import annotations

import difflib
import re
import threading
from pathlib import Path

from .modelfile import ident, load_voice
from .voice import Voice

__all__ = ["voices_dir", "packaged_dir", "voice_path", "list_voices", "load", "check_consent", "UnknownVoiceError",
           "StaleVoiceError", "DEFAULT_VOICE", "ENGINE_VOICES", "check_name"]

DEFAULT_VOICE = "default"
ENGINE_VOICES = frozenset({"sampler", "grain", "unit"})   # voice kinds the engine plays itself
_ALIASES = {"neural": DEFAULT_VOICE}
_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


class UnknownVoiceError(KeyError):
    """No voice model of that name; ``str()`` suggests close names."""

    def __init__(self, name: str, suggestions=()):
        super().__init__(name)
        self.name = name
        self.suggestions = tuple(suggestions)

    def __str__(self) -> str:
        hint = f" (did you mean {' or '.join(self.suggestions)}?)" if self.suggestions else ""
        return f"unknown voice {self.name!r}{hint}; `livesamp voice list` shows the voices, `livesamp voice train` makes one"


class StaleVoiceError(KeyError):
    """A voice trained on samples whose consent was revoked: it does not play."""

    def __init__(self, name: str, revoked: list):
        super().__init__(name)
        self.name = name
        self.revoked = list(revoked)   # (label, revoked_at, reason)

    @property
    def label(self) -> str:
        return f"voice {self.name}"

    def __str__(self) -> str:
        which = "; ".join(f"{lab} ({at}{': ' + why if why else ''})" for lab, at, why in self.revoked[:3])
        more = f" and {len(self.revoked) - 3} more" if len(self.revoked) > 3 else ""
        return (f"voice {self.name!r} is stale: it was trained on {which}{more}, whose consent was revoked; it "
                f"plays as silence. Retrain it without them: livesamp voice train {self.name}")


def check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"voice names are lowercase letters, digits, _ and - (starting with a letter), got {name!r}")
    if name in ENGINE_VOICES or name in _ALIASES:
        raise ValueError(f"{name!r} is a voice kind, not a model name; choose another")
    return name


def voices_dir() -> Path:
    from ..bank.paths import data_dir

    return data_dir() / "voices"


def packaged_dir() -> Path:
    return Path(__file__).resolve().parent / "voices"


def voice_path(name: str) -> Path | None:
    """The model file of ``name`` (the performer's own first, then livesamp's), or None."""
    name = _ALIASES.get(name, name)
    if not isinstance(name, str) or not _NAME.match(name):
        return None
    for folder in (voices_dir(), packaged_dir()):
        p = folder / f"{name}.npz"
        if p.is_file():
            return p
    return None


def list_voices() -> list[tuple[str, Path, bool]]:
    """(name, path, shipped with livesamp) of every voice, the performer's first; a
    performer's voice hides a shipped one of the same name."""
    seen: dict[str, tuple[str, Path, bool]] = {}
    for folder, shipped in ((voices_dir(), False), (packaged_dir(), True)):
        try:
            files = sorted(folder.glob("*.npz"))
        except OSError:
            continue
        for p in files:
            if _NAME.match(p.stem) and p.stem not in seen:
                seen[p.stem] = (p.stem, p, shipped)
    return sorted(seen.values(), key=lambda t: (t[2], t[0]))


_CACHE: dict[str, tuple[tuple, Voice]] = {}
_LOCK = threading.Lock()


def load(name: str, check: bool = True, index=None) -> Voice:
    """The voice called ``name`` (read once per file version). ``check``: raise
    ``StaleVoiceError`` if any training sample's consent was revoked."""
    path = voice_path(name) if isinstance(name, str) else None
    if path is None:
        names = [n for n, _, _ in list_voices()]
        raise UnknownVoiceError(str(name), difflib.get_close_matches(str(name), names, n=2, cutoff=0.6))
    st = path.stat()
    key = (st.st_mtime_ns, st.st_size)
    with _LOCK:
        got = _CACHE.get(str(path))
    if got is None or got[0] != key:
        voice = load_voice(path)
        voice.card["path"] = str(path)
        voice.card["ident"] = ident(voice)
        with _LOCK:
            _CACHE[str(path)] = (key, voice)
    else:
        voice = got[1]
    if check:
        revoked = check_consent(voice, index)
        if revoked:
            raise StaleVoiceError(voice.name, revoked)
    return voice


def _index(index=None):
    if index is not None:
        return index
    from ..bank.index import LibraryIndex

    return LibraryIndex()


def check_consent(voice: Voice, index=None) -> list[tuple[str, str, str | None]]:
    """(label, revoked_at, reason) of the voice's training samples whose consent was
    revoked (by their sha256, or the voice's own stale marks in the library index)."""
    shas = {t.get("sha256"): t for t in voice.card.get("training", []) if t.get("sha256")}
    if not shas:
        return []
    try:
        ix = _index(index)
    except Exception:  # noqa: BLE001 - no index (read-only data folder): nothing was revoked through it
        return []
    out = []
    for sha, (at, why, label) in ix.revoked_among(shas).items():
        out.append((shas[sha].get("label") or label, at, why))
    if not out and ix.is_stale(voice.card.get("ident") or ident(voice)):
        for e in ix.stale("voice"):
            if e.ident == (voice.card.get("ident") or ident(voice)):
                t = shas.get(e.sha256, {})
                out.append((t.get("label", e.sha256[:12]), e.at, e.reason))
    return sorted(out)
