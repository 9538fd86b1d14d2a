"""Onomatopoeic names proposed from descriptors: ``tss``, ``big_swoosh``, ``small_thud``.

``propose(d)`` reads a ``Descriptors`` record and returns a ``NameProposal``: the name,
its family (the word the map colours by), and the reason in words, so the performer
(and the audience) can see why a sound was called what it was. The rules, in order:

================================================  ==================  =================
the sound                                          family              names
================================================  ==================  =================
noise with >= 6 onsets at >= 12 a second, and      crackle             crackle
  peaks >= 20 dB over its mean power (clicks)
low (a tone under 200 Hz, or noise with a          thud                thud, boom (rings
  centroid < 350 Hz), struck                                            >= 0.35 s)
low tone, sustained                                hum                 hum, drone (>= 4 s)
low noise, long                                    rumble              rumble
noise, short (< 0.5 s), bright (>= 3 kHz)          tss                 tss, tsk (decays
                                                                        in < 60 ms)
noise, short, centroid sweeping >= 0.6 octave      swoosh              swish
noise, short, duller                               chk                 chk
noise, long, centroid sweeping >= 0.8 octave       swoosh              swoosh
noise, long, steady                                hiss                hiss (bright), shh
tone, bright (>= 600 Hz), struck                   ping                ping, plink (decays
                                                                        in < 150 ms)
tone, bright, sustained                            eee                 eee
tone, middle (200-600 Hz), struck                  bloop               bloop
tone, middle, sustained                            ooo                 ooo
================================================  ==================  =================

*Struck* means shorter than 0.7 s, or reaching its loudest quickly (attack under 15% of
its duration) and within 10 dB of it for less than half its duration (it rings out);
otherwise the sound is *sustained*.
A sound is a *tone* when its pitch confidence is >= 0.7, or >= 0.5 with a flatness under
0.1; otherwise it is *noise*. Then ``big_`` or ``small_`` is prefixed when the sound is
much louder and longer (or quieter and shorter) than its family's usual size:
``size = (loudness_db + 20) / 10 + log2(duration_s / usual_s)``, ``big_`` from +1.2,
``small_`` from -1.2.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .descriptors import Descriptors

__all__ = ["NameProposal", "propose", "family_of", "FAMILIES", "valid_name", "repair_name", "dedupe"]

#: family -> (usual duration in seconds, the names it holds)
FAMILIES: dict[str, tuple[float, tuple[str, ...]]] = {
    "crackle": (2.0, ("crackle",)),
    "thud": (0.3, ("thud", "boom")),
    "hum": (3.0, ("hum", "drone")),
    "rumble": (3.0, ("rumble",)),
    "tss": (0.1, ("tss", "tsk")),
    "chk": (0.15, ("chk",)),
    "swoosh": (1.2, ("swoosh", "swish")),
    "hiss": (2.0, ("hiss", "shh")),
    "ping": (0.4, ("ping", "plink")),
    "eee": (2.0, ("eee",)),
    "bloop": (0.3, ("bloop",)),
    "ooo": (2.0, ("ooo",)),
}
_FAMILY_OF = {name: fam for fam, (_, names) in FAMILIES.items() for name in names}
_PREFIXES = ("big_", "small_", "soft_", "loud_")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class NameProposal:
    """``name`` (e.g. ``big_swoosh``), ``family`` (``swoosh``) and ``reason`` in words."""

    name: str
    family: str
    reason: str


def family_of(name: str) -> str:
    """The family of a sound name: ``big_swoosh`` -> ``swoosh``, ``tsk`` -> ``tss``; an
    unknown word is its own family (``rain_on_roof`` -> ``rain_on_roof``)."""
    base = name.split(":", 1)[0]
    for p in _PREFIXES:
        if base.startswith(p) and base[len(p):]:
            base = base[len(p):]
            break
    return _FAMILY_OF.get(base, base)


def propose(d: Descriptors) -> NameProposal:
    """The onomatopoeic name the rules in this module's table give ``d``."""
    tone = d.pitch_confidence >= 0.7 or (d.pitch_confidence >= 0.5 and d.flatness < 0.1)
    kind = "tone" if tone else "noise"
    c_khz = d.centroid_hz / 1000.0
    what = (f"{d.duration_s:.2f} s, centroid {c_khz:.1f} kHz, flatness {d.flatness:.2f}, "
            f"pitch {d.pitch_hz:.0f} Hz ({d.pitch_confidence:.2f})")
    if tone and d.pitch_hz > 0:
        low = d.pitch_hz < 200.0 and d.centroid_hz < 700.0
    else:
        low = d.centroid_hz < 350.0
    ringing = d.duration_s < 0.7 or (d.sustain_s < 0.5 * d.duration_s and d.attack_s < 0.15 * d.duration_s)
    crest_db = d.peak_db - d.loudness_db  # clicks are peaks far above their mean power
    if not tone and d.onsets >= 6 and d.onset_density_hz >= 12.0 and crest_db >= 20.0:
        base, why = "crackle", f"dense clicks, {d.onset_density_hz:.0f} onsets a second"
    elif low and ringing:
        base = "boom" if d.decay_s >= 0.35 else "thud"
        why = f"struck low {kind}"
    elif low and tone:
        base, why = ("drone" if d.duration_s >= 4.0 else "hum"), "long low tone"
    elif low:
        base, why = "rumble", "long low noise"
    elif not tone and d.duration_s < 0.5:
        if d.centroid_sweep_oct >= 0.6 and d.duration_s >= 0.1:
            base, why = "swish", f"short noise sweeping {d.centroid_sweep_oct:.1f} octaves"
        elif d.centroid_hz >= 3000.0:
            base = "tsk" if d.decay_s < 0.06 else "tss"
            why = "short bright noise"
        else:
            base, why = "chk", "short dull noise"
    elif not tone:
        if d.centroid_sweep_oct >= 0.8:
            base, why = "swoosh", f"long noise sweeping {d.centroid_sweep_oct:.1f} octaves"
        else:
            base = "hiss" if d.centroid_hz >= 2500.0 else "shh"
            why = "long steady noise"
    elif d.pitch_hz >= 600.0 or (d.pitch_hz == 0 and d.centroid_hz >= 1500.0):
        if ringing:
            base = "plink" if d.decay_s < 0.15 else "ping"
            why = "struck bright tone"
        else:
            base, why = "eee", "long bright tone"
    else:
        base, why = ("bloop", "struck middle tone") if ringing else ("ooo", "long middle tone")
    family = _FAMILY_OF[base]
    usual_s = FAMILIES[family][0]
    size = (d.loudness_db + 20.0) / 10.0 + math.log2(max(d.duration_s, 1e-3) / usual_s)
    prefix = "big_" if size >= 1.2 else "small_" if size <= -1.2 else ""
    if prefix:
        why += f", {'louder and longer' if prefix == 'big_' else 'quieter and shorter'} than usual"
    return NameProposal(prefix + base, family, f"{why}: {what}")


def valid_name(name: str) -> bool:
    """A sound name the mini-notation reads as one word: lowercase letter first, then
    lowercase letters, digits and underscores (``big_swoosh``, ``rain2``)."""
    return isinstance(name, str) and bool(_NAME_RE.match(name))


def repair_name(name: str) -> str:
    """The nearest valid name: lowercased, accents and other characters folded to ``_``,
    a leading digit prefixed with ``s``; ``"Big Swoosh!"`` -> ``"big_swoosh"``."""
    import unicodedata

    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    if not text:
        return "sound"
    return "s" + text if text[0].isdigit() else text


def dedupe(names: Iterable[str], counts: dict[str, int] | None = None) -> list[tuple[str, int]]:
    """(name, n) for each proposed name: repeats become further variants ``name:n``, after
    the ``counts`` a bank already holds. ``dedupe(["tss", "tss"], {"tss": 2})`` ->
    ``[("tss", 2), ("tss", 3)]``."""
    seen = dict(counts or {})
    out = []
    for name in names:
        n = seen.get(name, 0)
        out.append((name, n))
        seen[name] = n + 1
    return out
