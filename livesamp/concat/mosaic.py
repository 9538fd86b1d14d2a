"""Mosaicing: a target sound rebuilt, unit by unit, from the nearest units of a corpus.

``mosaic("voice_take", corpus="field")`` cuts the target as the corpus cuts its samples,
finds for each target unit the nearest corpus unit over every descriptor (``k=1``; or a
seeded pick among the ``k`` nearest), and places it at the target unit's time. Each placed
unit lasts as long as the target unit (a shorter one leaves a gap), is scaled to the
target unit's loudness (``match_loudness``, within +-24 dB), fades in over ``xfade_s``
unless it starts its own sample, and runs ``xfade_s`` past its end while fading out, under
the next unit's fade-in: complementary sin^2/cos^2 fades, so a unit followed by its own
continuation crossfades into exactly the original (a corpus made of the target itself
rebuilds the target, up to the silent units left out).

A ``Mosaic`` is a pattern (its units over one cycle, each crediting its source sample;
``.slow(n)`` to stretch) and holds the offline render: ``audio()``, or ``bank()`` to play
it as a sample called ``<target>_mosaic``.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..pattern.core import Pattern
from ..pattern.hap import Hap
from ..pattern.signal import rand_at
from ..pattern.time import TimeSpan
from .analysis import analyse

__all__ = ["Mosaic", "Placement", "make_mosaic", "spectral_distance_db", "MosaicBank"]

_MAX_GAIN_DB = 24.0


@dataclass(frozen=True)
class Placement:
    """One corpus unit placed in the mosaic: at target frames ``[start, end)``, reading the
    unit ``unit_id`` (sample ``label`` from ``src_start`` frames) with linear ``gain``."""

    start: int
    end: int
    unit_id: int
    label: str
    name: str
    index: int
    src_start: int
    src_end: int
    gain: float


def _fades(n: int) -> tuple[np.ndarray, np.ndarray]:
    t = (np.arange(n) + 0.5) / max(n, 1)
    up = np.sin(0.5 * np.pi * t) ** 2
    return up.astype(np.float32), (1.0 - up).astype(np.float32)


def render(length: int, placements, audio_of, xfade: int) -> np.ndarray:
    """Overlap-add the placements into (length + xfade, 2) float32 (see the module)."""
    out = np.zeros((length + xfade, 2), np.float32)
    up, down = _fades(xfade)
    for p in placements:
        src = audio_of(p)
        n = min(p.end - p.start, p.src_end - p.src_start)
        seg = np.zeros((n + xfade, 2), np.float32)
        avail = min(n + xfade, src.shape[0] - p.src_start)
        seg[:avail] = src[p.src_start:p.src_start + avail]
        if xfade:
            if p.src_start > 0:
                k = min(xfade, n)
                seg[:k] *= up[:k, None]
            seg[n:] *= down[:, None]
        out[p.start:p.start + n + xfade] += p.gain * seg[:out.shape[0] - p.start]
    return out


def spectral_distance_db(a: np.ndarray, b: np.ndarray, sr: int = 48000) -> float:
    """Log-spectral distance of two sounds, dB: the RMS over frequency of the difference of
    their magnitude spectra in dB, averaged over ~43 ms frames (hop a quarter), counting
    only frames where either is within 60 dB of its loudest; magnitudes are floored at
    -100 dB re the loudest bin of either."""
    from .analysis import frame_layout

    def mono(x):
        x = np.asarray(x, dtype=np.float64)
        return x.mean(axis=1) if x.ndim == 2 else x

    x, y = mono(a), mono(b)
    m = max(x.shape[0], y.shape[0])
    x = np.pad(x, (0, m - x.shape[0]))
    y = np.pad(y, (0, m - y.shape[0]))
    n, hop = frame_layout(sr)
    w = np.hanning(n)
    starts = range(0, max(1, m - n + 1), hop)
    fx = np.array([np.abs(np.fft.rfft(w * np.pad(x[s:s + n], (0, n - len(x[s:s + n]))))) for s in starts])
    fy = np.array([np.abs(np.fft.rfft(w * np.pad(y[s:s + n], (0, n - len(y[s:s + n]))))) for s in starts])
    floor = 1e-5 * max(float(fx.max()), float(fy.max()), 1e-30)  # -100 dB re the loudest bin
    dx = 20 * np.log10(fx + floor)
    dy = 20 * np.log10(fy + floor)
    ex, ey = (fx ** 2).sum(axis=1), (fy ** 2).sum(axis=1)
    use = (ex >= ex.max() * 1e-6) | (ey >= ey.max() * 1e-6)
    if not use.any():
        return 0.0
    return float(np.mean(np.sqrt(np.mean((dx[use] - dy[use]) ** 2, axis=1))))


class Mosaic(Pattern):
    """A target rebuilt from corpus units (see the module docstring); a pattern of those
    units over one cycle."""

    __slots__ = ("target", "corpus_name", "placements", "length", "sr", "xfade", "_audio", "_audio_of",
                 "_revocation", "_vals", "played_as")

    def __init__(self, target: str, corpus_name: str, placements: list[Placement], length: int, sr: int,
                 xfade: int, audio_of, revocation=None):
        super().__init__(self._query_units)
        self.target = target
        self.corpus_name = corpus_name
        self.placements = tuple(placements)
        self.length = int(length)
        self.sr = int(sr)
        self.xfade = int(xfade)
        self._audio = None
        self._audio_of = audio_of
        self._revocation = revocation
        self._vals = None
        self.played_as: str | None = None  # set when a MosaicBank holds it
        self._steps = Fraction(max(1, len(self.placements)))

    @property
    def name(self) -> str:
        """The sample name the mosaic plays under (``bank()``)."""
        return f"{self.target.split(':')[0]}_mosaic"

    def audio(self) -> np.ndarray:
        """The offline render, float32 (frames, 2) at ``sr``, as long as the target plus one fade."""
        if self._audio is None:
            a = render(self.length, self.placements, self._audio_of, self.xfade)
            a.flags.writeable = False
            self._audio = a
        return self._audio

    def credits(self) -> Counter:
        """How many units each source sample gave."""
        return Counter(p.label for p in self.placements)

    def bank(self) -> MosaicBank:
        """A bank playing the render as ``<target>_mosaic``, its provenance crediting every
        source sample (``session.add_bank(m.bank())``; a session's ``mosaic`` does this)."""
        return MosaicBank([self])

    def _values(self) -> list[dict]:
        """The controls of each placement as a sampler voice plays it (begin/end as fractions)."""
        if self._vals is not None:
            return self._vals
        out = []
        for p in self.placements:
            frames = self._audio_of.frames(p)
            out.append({"s": p.name, "n": p.index, "begin": p.src_start / frames,
                        "end": min(p.src_end, p.src_start + p.end - p.start) / frames,
                        "gain": min(2.0, p.gain) ** 0.25, "attack": self.xfade / self.sr,
                        "release": self.xfade / self.sr, "unit_id": p.unit_id,
                        "unit_corpus": self.corpus_name, "unit_target": self.target})
        self._vals = out
        return out

    def _query_units(self, state) -> list[Hap]:
        span = state.span
        values = self._values()
        out = []
        first = math.floor(span.begin)
        for cycle in range(first, max(first + 1, math.ceil(span.end))):
            for p, value in zip(self.placements, values):
                whole = TimeSpan(cycle + Fraction(p.start, self.length), cycle + Fraction(p.end, self.length))
                part = whole.intersection(span)
                if part is not None:
                    out.append(Hap(whole, part, dict(value)))
        return out

    def __repr__(self) -> str:
        top = ", ".join(f"{k} x{v}" for k, v in self.credits().most_common(4))
        play = f"; plays as s({self.played_as!r})" if self.played_as else ""
        return (f"<mosaic of {self.target} from corpus {self.corpus_name}: {len(self.placements)} units "
                f"({top}{', ...' if len(self.credits()) > 4 else ''}){play}>")


class MosaicBank:
    """A ``Bank`` of mosaics (bank name ``mosaic``): the render of each under
    ``<target>_mosaic``; another mosaic of the same target becomes the next variant
    (``hum_mosaic:1``), as takes do, so what played before still plays the same."""

    name = "mosaic"

    def __init__(self, mosaics=()) -> None:
        self._sounds: dict[str, tuple[Mosaic, ...]] = {}
        for m in mosaics:
            self.add(m)

    def add(self, mosaic: Mosaic) -> str:
        """Hold ``mosaic``; returns the label it plays under (``hum_mosaic`` or ``hum_mosaic:2``)."""
        held = self._sounds.get(mosaic.name, ())
        self._sounds = {**self._sounds, mosaic.name: (*held, mosaic)}  # one reference swap
        mosaic.played_as = mosaic.name if not held else f"{mosaic.name}:{len(held)}"
        return mosaic.played_as

    def names(self) -> list[str]:
        return sorted(self._sounds)

    def count(self, name: str) -> int:
        return len(self._sounds.get(name, ()))

    def provenance(self, name: str, index: int):
        from ..bank.provenance import Provenance

        m = self._sounds[name][index]
        credits = ", ".join(f"{k} x{v}" for k, v in sorted(m.credits().items()))
        return Provenance(source="mosaic made by livesamp (concatenative resynthesis)",
                          recipe=f"{m.target} rebuilt from {len(m.placements)} units of corpus {m.corpus_name}",
                          notes=f"units from: {credits}")

    def revocation(self, name: str, index: int):
        """Revoked if a sample it was made from was revoked since."""
        m = self._sounds[name][index]
        return m._revocation() if m._revocation is not None else None

    def audio(self, name: str, index: int, sr: int = 48000) -> np.ndarray:
        from ..bank.base import to_engine_audio

        m = self._sounds[name][index]
        a = m.audio()
        return a if sr == m.sr else to_engine_audio(a, m.sr, sr)

    def preload(self, sr: int = 48000) -> None:
        for name, ms in self._sounds.items():
            for i in range(len(ms)):
                self.audio(name, i, sr)


class _SourceAudio:
    """Audio and length of a placement's source sample (from the corpus)."""

    def __init__(self, data) -> None:
        self.data = data

    def __call__(self, p: Placement) -> np.ndarray:
        return self.data.source_of(p.unit_id).sample.audio()

    def frames(self, p: Placement) -> int:
        return int(self.data.source_frames[self.data.unit_source[p.unit_id]])


def make_mosaic(corpus, target_audio: np.ndarray, target_label: str, *, k: int = 1, seed: float = 0,
                weights: dict | None = None, xfade_s: float = 0.01, match_loudness: bool = True) -> Mosaic:
    """Rebuild ``target_audio`` ((frames, 2) at the corpus's library rate) from ``corpus``."""
    data = corpus.data
    sr = data.sr
    tu = analyse(target_audio, sr, corpus.segmentation)
    scaled = data.space.scale(tu.descriptors) if len(tu) else np.zeros((0, data.raw.shape[1]))
    placements = []
    for i in range(len(tu)):
        q = data.space.full_query(scaled[i], weights)
        for _attempt in range(8):
            ids, _ = data.index.query(q.dims, q.q, q.weights, max(1, int(k)))
            if ids.size == 0:
                break
            u = int(ids[min(ids.size - 1, int(rand_at(i, seed) * ids.size))]) if k > 1 else int(ids[0])
            if corpus.check_unit(u):
                break
        else:
            continue
        if ids.size == 0:
            continue
        src = data.source_of(u)
        gain = 1.0
        if match_loudness:
            db = float(np.clip(tu.descriptors[i, 0] - data.raw[u, 0], -_MAX_GAIN_DB, _MAX_GAIN_DB))
            gain = 10.0 ** (db / 20.0)
        placements.append(Placement(int(tu.starts[i]), int(tu.ends[i]), u, src.label, src.name, src.index,
                                    int(data.starts[u]), int(data.ends[u]), gain))
    used = {data.unit_source[p.unit_id] for p in placements}

    def revocation():
        for s in used:
            check = getattr(data.banks[s], "revocation", None)
            src = data.sources[s]
            if check is not None and check(src.name, src.index) is not None:
                return check(src.name, src.index)
        return None

    return Mosaic(target_label, corpus.name, placements, target_audio.shape[0], sr,
                  max(0, round(xfade_s * sr)), _SourceAudio(data), revocation)
