"""What the REPL's completion says about neural voices: their names, and what each latent
control does in the voice a line plays (read from the voices' cards; nothing is loaded
twice: ``store.load`` keeps them)."""

from __future__ import annotations

import re

__all__ = ["voice_names", "latent_hint", "voice_in", "inside_voice_call"]

_VOICE_CALL = re.compile(r"""voice\(\s*["']([a-z][a-z0-9_-]*)["']""")
_OPEN_VOICE_STRING = re.compile(r"""voice\(\s*["'][\w-]*$""")


def voice_names() -> list[tuple[str, str]]:
    """(name, summary) of every voice."""
    from .store import list_voices, load

    out = []
    for name, _path, _shipped in list_voices():
        try:
            out.append((name, load(name, check=False).card.get("summary", "")))
        except (ValueError, KeyError, OSError):
            continue
    return out


def voice_in(line: str) -> str:
    """The voice the text names last (``voice("kettle")``), else the default voice."""
    found = _VOICE_CALL.findall(line)
    return found[-1] if found else "default"


def inside_voice_call(line: str) -> bool:
    """True when the cursor is inside the string argument of ``voice(``."""
    return _OPEN_VOICE_STRING.search(line) is not None


def latent_hint(name: str, dim: int) -> str | None:
    """``z0 of kettle: brighter, breathier (centroid 310-2400 Hz)``, or None if unknown."""
    from .store import load

    try:
        v = load(name, check=False)
    except (KeyError, ValueError, OSError):
        return None
    lat = v.card.get("latents") or []
    if not 0 <= dim < len(lat):
        return None
    m = lat[dim]
    c = m.get("centroid_hz") or [0, 0]
    return f"z{dim} of {v.name}: {m.get('says', '?')} (centroid {min(c):.0f}-{max(c):.0f} Hz over -2..2)"
