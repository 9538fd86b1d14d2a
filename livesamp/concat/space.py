"""The space units are searched in: descriptors made comparable, and targets placed in it.

Each descriptor is first put on a scale where equal steps sound like equal steps, then
robustly scaled (minus the corpus median, divided by the interquartile range), so one
unit of distance is "a quarter-to-three-quarters of this corpus" in every dimension:

=====================  ===========================  =========================================
target keyword          descriptor                   feature before scaling
=====================  ===========================  =========================================
``loudness``            ``loudness_db``              dB
``centroid``            ``centroid_hz``              octaves (log2 Hz)
``spread``              ``spread_hz``                octaves (log2 Hz)
``flatness``            ``flatness``                 as is
``pitch``               ``pitch_hz``                 MIDI note (unvoiced units: 3 IQRs
                                                     below the lowest voiced ones)
``confidence``          ``pitch_confidence``         as is
``zcr``                 ``zcr``                      as is
``duration``            ``duration_s``               octaves (log2 s)
``mfcc0`` .. ``mfcc12`` ``mfcc0`` .. ``mfcc12``      as is
=====================  ===========================  =========================================

Keywords also take the descriptor's own name (``centroid_hz=3000``) and the values are in
the descriptor's units: ``.target(centroid=3000, loudness=-12)``.

Words name regions relative to the corpus (its 10th or 90th percentile of a feature; pitch
percentiles over the voiced units only), so "bright" is the bright end of *this* corpus:

=========  ==================================================  ==========================
word       region                                              sounds like
=========  ==================================================  ==========================
bright     centroid high (90th percentile)                     tss, swish
dark       centroid low (10th)                                 boom, thud
loud       loudness high (90th)
soft       loudness low (10th)
noisy      flatness high, pitch confidence low                 hiss, crackle
tonal      flatness low, pitch confidence high                 ping, hum
high       pitch high (90th of voiced), confidence high        chirp, ping
low        pitch low (10th of voiced), confidence high         hum, boom
short      duration short (10th)                               tick, tsk
long       duration long (90th)                                whirr, rumble
=========  ==================================================  ==========================

Onomatopoeic words are combinations: ``tss`` (bright noisy short), ``hiss`` (bright noisy
long), ``boom`` (dark loud long), ``thud`` (dark short), ``ping`` (high tonal), ``hum``
(low tonal long), ``click`` (short bright soft), ``whoosh`` (noisy long). Join words into
one target with ``:`` or ``.`` (``"bright:noisy"``; in mini-notation ``"bright noisy"``
is two steps). Where two words set one feature, their values are averaged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .analysis import DESCRIPTORS, N_MFCC

__all__ = ["FeatureSpace", "WORDS", "COMPOUNDS", "KEYWORDS", "Query", "feature_columns", "to_features"]

_LOW, _HIGH = 0.10, 0.90
_VOICED = 0.5
_UNVOICED_IQRS = 3.0

# keyword -> descriptor column
KEYWORDS: dict[str, int] = {
    "loudness": 0, "centroid": 1, "spread": 2, "flatness": 3, "pitch": 4, "confidence": 5,
    "zcr": 6, "duration": 7, **{f"mfcc{i}": 8 + i for i in range(N_MFCC)},
}
KEYWORDS.update({name: i for i, name in enumerate(DESCRIPTORS)})

# word -> {descriptor column: quantile}
WORDS: dict[str, dict[int, float]] = {
    "bright": {1: _HIGH}, "dark": {1: _LOW},
    "loud": {0: _HIGH}, "soft": {0: _LOW},
    "noisy": {3: _HIGH, 5: _LOW}, "tonal": {3: _LOW, 5: _HIGH},
    "high": {4: _HIGH, 5: _HIGH}, "low": {4: _LOW, 5: _HIGH},
    "short": {7: _LOW}, "long": {7: _HIGH},
}
COMPOUNDS: dict[str, tuple[str, ...]] = {
    "tss": ("bright", "noisy", "short"), "hiss": ("bright", "noisy", "long"),
    "boom": ("dark", "loud", "long"), "thud": ("dark", "short"), "ping": ("high", "tonal"),
    "hum": ("low", "tonal", "long"), "click": ("short", "bright", "soft"), "whoosh": ("noisy", "long"),
}


def feature_columns() -> tuple[str, ...]:
    return DESCRIPTORS


def to_features(raw: np.ndarray) -> np.ndarray:
    """Descriptors (n, len(DESCRIPTORS)) in their units -> features before scaling (pitch of
    unvoiced units is NaN here; ``FeatureSpace`` places it)."""
    raw = np.asarray(raw, dtype=np.float64)
    f = raw.copy()
    f[:, 1] = np.log2(np.maximum(raw[:, 1], 1.0))
    f[:, 2] = np.log2(np.maximum(raw[:, 2], 1.0))
    voiced = (raw[:, 4] > 0) & (raw[:, 5] >= _VOICED)
    with np.errstate(divide="ignore", invalid="ignore"):
        f[:, 4] = np.where(voiced, 69.0 + 12.0 * np.log2(np.maximum(raw[:, 4], 1e-9) / 440.0), np.nan)
    f[:, 7] = np.log2(np.maximum(raw[:, 7], 1e-4))
    return f


def _one_value(column: int, value: float) -> float:
    """A keyword's value in its descriptor's units -> the feature (before scaling)."""
    v = float(value)
    if column in (1, 2):
        return float(np.log2(max(v, 1.0)))
    if column == 4:
        return 69.0 + 12.0 * float(np.log2(max(v, 1e-3) / 440.0))
    if column == 7:
        return float(np.log2(max(v, 1e-4)))
    return v


@dataclass(frozen=True)
class Query:
    """A target placed in the scaled space: the active ``dims``, the point ``q`` and the
    ``weights`` over those dims (all > 0)."""

    dims: tuple[int, ...]
    q: np.ndarray
    weights: np.ndarray

    @property
    def qw(self) -> np.ndarray:
        """``q`` and ``weights`` stacked (2, len(dims)), made once (``UnitIndex.query_qw``)."""
        cached = self.__dict__.get("_qw")
        if cached is None:
            cached = np.ascontiguousarray(np.stack([self.q, self.weights]).reshape(2, len(self.dims)),
                                          dtype=np.float64)
            object.__setattr__(self, "_qw", cached)
        return cached

    @property
    def empty(self) -> bool:
        return not self.dims


class FeatureSpace:
    """Robust scaling fitted to one corpus, and the percentiles the words use.

    ``scale(raw)`` -> scaled features; ``query(words, numbers, weights)`` -> ``Query``.
    """

    def __init__(self, center: np.ndarray, iqr: np.ndarray, low: np.ndarray, high: np.ndarray,
                 unvoiced_pitch: float) -> None:
        self.center = np.asarray(center, dtype=np.float64)
        self.iqr = np.asarray(iqr, dtype=np.float64)
        self.low = np.asarray(low, dtype=np.float64)    # scaled 10th percentiles
        self.high = np.asarray(high, dtype=np.float64)  # scaled 90th percentiles
        self.unvoiced_pitch = float(unvoiced_pitch)

    @classmethod
    def fit(cls, raw: np.ndarray) -> FeatureSpace:
        f = to_features(raw)
        d = f.shape[1]
        center = np.zeros(d)
        iqr = np.ones(d)
        lo_q = np.zeros(d)
        hi_q = np.zeros(d)
        for j in range(d):
            col = f[:, j]
            col = col[np.isfinite(col)]
            if col.size == 0:
                continue
            q10, q25, q50, q75, q90 = np.quantile(col, [_LOW, 0.25, 0.5, 0.75, _HIGH])
            spread = q75 - q25
            if not spread > 1e-9:
                spread = float(col.std()) if col.std() > 1e-9 else 1.0
            center[j], iqr[j] = q50, spread
            lo_q[j], hi_q[j] = q10, q90
        pitch = f[:, 4]
        voiced = pitch[np.isfinite(pitch)]
        unvoiced = (float(voiced.min()) - _UNVOICED_IQRS * iqr[4]) if voiced.size else 0.0
        return cls(center, iqr, (lo_q - center) / iqr, (hi_q - center) / iqr, unvoiced)

    def scale(self, raw: np.ndarray) -> np.ndarray:
        """Descriptors (n, len(DESCRIPTORS)) -> scaled features (n, same), all finite."""
        f = to_features(raw)
        f[:, 4] = np.where(np.isfinite(f[:, 4]), f[:, 4], self.unvoiced_pitch)
        return np.ascontiguousarray((f - self.center) / self.iqr)

    def query(self, words=(), numbers: dict | None = None, weights: dict | None = None) -> Query:
        """Place a target: ``words`` (names of WORDS/COMPOUNDS), ``numbers`` ({keyword:
        value in the descriptor's units}), ``weights`` ({keyword: weight >= 0}, default 1
        for every dimension the target sets). Raises ``ValueError`` naming an unknown word
        or keyword, with the close ones."""
        sums: dict[int, float] = {}
        counts: dict[int, int] = {}
        for word in _expand(words):
            for col, quantile in WORDS[word].items():
                v = self.high[col] if quantile == _HIGH else self.low[col]
                sums[col] = sums.get(col, 0.0) + float(v)
                counts[col] = counts.get(col, 0) + 1
        target = {c: sums[c] / counts[c] for c in sums}
        for key, value in (numbers or {}).items():
            col = keyword_column(key)
            target[col] = (_one_value(col, value) - self.center[col]) / self.iqr[col]
        w = {c: 1.0 for c in target}
        for key, value in (weights or {}).items():
            col = keyword_column(key)
            if not float(value) >= 0:
                raise ValueError(f"weight of {key!r} must be >= 0, got {value!r}")
            if col in w:
                w[col] = float(value)
        dims = tuple(sorted(c for c in target if w[c] > 0))
        return Query(dims, np.array([target[c] for c in dims]), np.array([w[c] for c in dims]))

    def full_query(self, scaled_row: np.ndarray, weights: dict | None = None) -> Query:
        """A query over every dimension at a unit's scaled features (mosaicing)."""
        w = np.ones(len(DESCRIPTORS))
        for key, value in (weights or {}).items():
            w[keyword_column(key)] = float(value)
        dims = tuple(int(i) for i in np.nonzero(w > 0)[0])
        return Query(dims, np.asarray(scaled_row, dtype=np.float64)[list(dims)], w[list(dims)])

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"center": self.center, "iqr": self.iqr, "low": self.low, "high": self.high,
                "unvoiced_pitch": np.array(self.unvoiced_pitch)}

    @classmethod
    def from_arrays(cls, a) -> FeatureSpace:
        return cls(a["center"], a["iqr"], a["low"], a["high"], float(a["unvoiced_pitch"]))


def keyword_column(key: str) -> int:
    col = KEYWORDS.get(key)
    if col is None:
        import difflib

        close = difflib.get_close_matches(str(key), list(KEYWORDS), n=3, cutoff=0.5)
        hint = f" (did you mean {' or '.join(close)}?)" if close else ""
        raise ValueError(f"unknown descriptor {key!r}{hint}; targets take "
                         f"{', '.join(k for k in KEYWORDS if not k.startswith('mfcc'))}, mfcc0..mfcc12")
    return col


def split_words(value) -> list[str]:
    """A target word value from a pattern ("bright", "bright:noisy" as a list, "bright.noisy")."""
    if isinstance(value, (list, tuple)):
        parts = [str(v) for v in value]
    else:
        parts = [str(value)]
    out = []
    for p in parts:
        out.extend(w for w in p.replace(".", " ").replace(":", " ").replace("+", " ").split() if w)
    return out


def _expand(words) -> list[str]:
    out = []
    for w in words:
        if w in WORDS:
            out.append(w)
        elif w in COMPOUNDS:
            out.extend(COMPOUNDS[w])
        else:
            import difflib

            known = sorted(WORDS) + sorted(COMPOUNDS)
            close = difflib.get_close_matches(w, known, n=3, cutoff=0.5)
            hint = f" (did you mean {' or '.join(close)}?)" if close else ""
            raise ValueError(f"unknown target word {w!r}{hint}; words: {', '.join(known)}")
    return out
