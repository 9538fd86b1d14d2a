"""Sound descriptors for naming, mapping and searching a performer's own recordings.

``describe(audio, sr)`` measures one sound and returns a ``Descriptors`` record:

============================  ===============================================================
``length_s``                   whole file, seconds
``duration_s``                 active part: first to last 2 ms block within 45 dB of the loudest
``loudness_db``                mean power of the active part, dB re full scale (RMS dBFS)
``peak_db``                    largest absolute sample, dBFS
``centroid_hz``                spectral centroid (brightness) over 20 Hz-16 kHz, energy-weighted
``spread_hz``                  spectral spread (standard deviation around the centroid)
``flatness``                   band-wise spectral flatness: ~0.5 noise, ~0 tone (see below)
``centroid_sweep_oct``         how far the centroid travels: 90th - 10th percentile, octaves
``zcr``                        zero crossings per sample pair over the active part (0..1)
``pitch_hz``                   fundamental (median over voiced frames), 0 when none
``pitch_confidence``           0..1: normalised autocorrelation at the period (and 2, 3 periods)
``attack_s``                   envelope rise from -20 dB to -3 dB of its maximum
``decay_s``                    from the maximum to the last time the envelope is within 20 dB
``sustain_s``                  time the envelope spends within 10 dB of its maximum
``onset_density_hz``           onsets per second of active sound: rises of the first-difference
                               (high-passed) power by >= 8 dB within 10 ms
``onsets``                     number of those onsets
============================  ===============================================================

Design: time-domain work (block power, zero crossings, envelope, onsets) is one pass of
numba kernels over every sample. Spectra use numpy's FFT (pocketfft) over Hann frames of
about 43 ms, in chunks, at a hop of a quarter frame (half for sounds of 0.5 s or more,
and never more than ``MAX_FRAMES`` frames per sound); the per-frame reductions are numba
kernels. ``flatness`` is Wiener entropy per band (bands an octave wide, at least 8 bins)
averaged with the band energies as weights, so a high-passed hiss counts as noise and a
low sine as a tone. Pitch is Boersma's autocorrelation method (Praat): the windowed
frame's autocorrelation divided by the window's, on at most ``PITCH_FRAMES`` frames chosen
evenly among those within 20 dB of the loudest.
"""

from __future__ import annotations

import math
from functools import lru_cache
from dataclasses import asdict, dataclass, fields

import numpy as np

__all__ = ["Descriptors", "describe", "DESCRIPTOR_FIELDS", "MAX_FRAMES", "PITCH_FRAMES"]

MAX_FRAMES = 1500
PITCH_FRAMES = 48
_BLOCK_S = 0.002
_ACTIVE_DB = 45.0
_FLOOR_DBFS = -100.0
_F0_MIN_HZ = 35.0
_F0_MAX_HZ = 4000.0


@dataclass(frozen=True)
class Descriptors:
    """Measurements of one sound (units in the names; see the module table)."""

    length_s: float
    duration_s: float
    loudness_db: float
    peak_db: float
    centroid_hz: float
    spread_hz: float
    flatness: float
    centroid_sweep_oct: float
    zcr: float
    pitch_hz: float
    pitch_confidence: float
    attack_s: float
    decay_s: float
    sustain_s: float
    onset_density_hz: float
    onsets: int

    @property
    def silent(self) -> bool:
        return self.peak_db <= _FLOOR_DBFS + 20.0

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Descriptors:
        """From ``to_dict()`` output; raises ``ValueError`` naming a missing or bad field."""
        out = {}
        for f in fields(cls):
            v = data.get(f.name)
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                raise ValueError(f"descriptor {f.name!r} must be a number, got {v!r}")
            out[f.name] = int(v) if f.name == "onsets" else float(v)
        return cls(**out)


DESCRIPTOR_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Descriptors))


# -- public ---------------------------------------------------------------------------

def _fft_size(sr: int) -> int:
    return max(256, 1 << round(math.log2(0.043 * sr)))


def _band_edges(n_fft: int, sr: int) -> np.ndarray:
    """Bin edges of octave bands from ~20 Hz to min(16 kHz, Nyquist), each >= 8 bins wide."""
    bin_hz = sr / n_fft
    top = min(int(16000.0 / bin_hz), n_fft // 2)
    edges = [max(1, int(20.0 / bin_hz))]
    while edges[-1] < top:
        nxt = max(edges[-1] * 2, edges[-1] + 8)
        edges.append(min(nxt, top))
    if len(edges) > 2 and edges[-1] - edges[-2] < 8:
        edges.pop(-2)
    return np.asarray(edges, dtype=np.int64)


@lru_cache(maxsize=8)
def _spectral_tables(n: int, sr: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(Hann window, bin frequencies, band edges) for frames of ``n`` at ``sr``."""
    return np.hanning(n + 2)[1:-1].astype(np.float32), np.fft.rfftfreq(n, 1.0 / sr), _band_edges(n, sr)


@lru_cache(maxsize=8)
def _pitch_tables(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(Hann window, its normalised autocorrelation) for pitch frames of ``n``."""
    window = np.hanning(n + 2)[1:-1]
    wspec = np.fft.rfft(window, 2 * n)
    window_acf = np.fft.irfft(wspec.real ** 2 + wspec.imag ** 2, 2 * n)[:n]
    return window.astype(np.float32), window_acf / window_acf[0]


def _weighted_percentile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    order = np.argsort(values)
    cw = np.cumsum(weights[order])
    return float(values[order][min(np.searchsorted(cw, q * cw[-1]), len(order) - 1)])


def _mono(audio: np.ndarray) -> np.ndarray:
    a = np.asarray(audio)
    if a.ndim == 2:
        a = a.mean(axis=1) if a.shape[1] > 1 else a[:, 0]
    if a.ndim != 1:
        raise ValueError(f"audio must be (frames,) or (frames, channels), got shape {np.shape(audio)}")
    return np.ascontiguousarray(a, dtype=np.float32)


def describe(audio: np.ndarray, sr: int) -> Descriptors:
    """Descriptors of one sound: ``audio`` is (frames,) or (frames, channels), any float
    or int dtype (ints are taken as they are: pass floats in [-1, 1]), ``sr`` in Hz.

    Channels are averaged. Empty or silent input gives ``duration_s`` 0 and
    ``loudness_db``/``peak_db`` at -100 (``Descriptors.silent`` is then true).
    """
    sr = int(sr)
    if sr <= 0:
        raise ValueError(f"sample rate must be positive, got {sr!r}")
    from ._descriptor_kernels import blocks, count_onsets, smooth_db  # numba: loaded on first use

    x = _mono(audio)
    length_s = x.shape[0] / sr
    peak = float(np.max(np.abs(x))) if x.size else 0.0
    peak_db = max(_FLOOR_DBFS, 20.0 * math.log10(peak + 1e-30))
    if peak_db <= _FLOOR_DBFS + 20.0:
        return Descriptors(length_s, 0.0, _FLOOR_DBFS, peak_db, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                           0.0, 0.0, 0.0, 0.0, 0)
    hop = max(1, round(_BLOCK_S * sr))
    power, dpower, crossings = blocks(x, hop)
    raw_db = 10.0 * np.log10(power + 1e-20)
    top_db = float(raw_db.max())
    active = np.nonzero(raw_db >= top_db - _ACTIVE_DB)[0]
    b0, b1 = int(active[0]), int(active[-1]) + 1
    duration_s = (b1 - b0) * hop / sr
    loudness_db = max(_FLOOR_DBFS, 10.0 * math.log10(float(power[b0:b1].mean()) + 1e-20))
    zcr = float(crossings[b0 + 1:b1].sum()) / max(1, (b1 - b0 - 1) * hop)

    env = smooth_db(power, 5)  # 10 ms
    peak_block = int(np.argmax(env))
    emax = float(env[peak_block])
    rise20 = int(np.argmax(env >= emax - 20.0))
    rise3 = int(np.argmax(env >= emax - 3.0))
    attack_s = max(0, rise3 - rise20) * hop / sr
    above = np.nonzero(env[peak_block:] >= emax - 20.0)[0]
    decay_s = (int(above[-1]) + 1) * hop / sr
    sustain_s = int(np.count_nonzero(env[b0:b1] >= emax - 10.0)) * hop / sr
    diff_db = 10.0 * np.log10(dpower + 1e-20)
    onsets = int(count_onsets(diff_db, b0, b1, top_db - 40.0, 8.0, 5, 5))
    onset_density = onsets / max(duration_s, 0.05)

    spectral = _spectral(x, sr, b0 * hop, min(x.shape[0], b1 * hop))
    return Descriptors(
        length_s=length_s, duration_s=duration_s, loudness_db=loudness_db, peak_db=peak_db,
        centroid_hz=spectral[0], spread_hz=spectral[1], flatness=spectral[2],
        centroid_sweep_oct=spectral[3], zcr=zcr, pitch_hz=spectral[4], pitch_confidence=spectral[5],
        attack_s=attack_s, decay_s=decay_s, sustain_s=sustain_s, onset_density_hz=onset_density, onsets=onsets,
    )


def _spectral(x: np.ndarray, sr: int, lo: int, hi: int) -> tuple[float, ...]:
    """(centroid, spread, flatness, sweep, pitch, confidence) of x[lo:hi]."""
    from ._descriptor_kernels import frames, spectral_stats
    n = _fft_size(sr)
    span = hi - lo
    hop = n // 4 if span < sr // 2 else n // 2
    hop = max(hop, -(-span // MAX_FRAMES))
    starts = np.arange(lo, max(lo + 1, hi - n + hop), hop, dtype=np.int64)
    window, freqs, edges = _spectral_tables(n, sr)
    parts = []
    for c in range(0, len(starts), 256):
        spec = np.fft.rfft(frames(x, starts[c:c + 256], n, window), axis=1)
        p = spec.real ** 2 + spec.imag ** 2
        parts.append(spectral_stats(p, freqs, edges))
    energy, centroid, spread, flat = (np.concatenate(k) for k in zip(*parts))
    db = 10.0 * np.log10(energy + 1e-30)
    use = (db >= db.max() - 30.0) & (centroid > 0)
    w = energy[use]
    c_hz = float(np.average(centroid[use], weights=w))
    s_hz = float(np.average(spread[use], weights=w))
    fl = float(np.average(flat[use], weights=w))
    loud = (db >= db.max() - 20.0) & (centroid > 0)
    if loud.sum() >= 3:
        lc = np.log2(centroid[loud])
        sweep = _weighted_percentile(lc, np.ones(lc.size), 0.9) - _weighted_percentile(lc, np.ones(lc.size), 0.1)
    else:
        sweep = 0.0
    f0, conf = _pitch(x, sr, starts[loud], energy[loud])
    return c_hz, s_hz, fl, float(sweep), f0, conf


def _pitch(x: np.ndarray, sr: int, starts: np.ndarray, energy: np.ndarray) -> tuple[float, float]:
    from ._descriptor_kernels import frames, pitch_pick

    if starts.size == 0:
        return 0.0, 0.0
    pick = np.unique(np.linspace(0, starts.size - 1, min(PITCH_FRAMES, starts.size)).round().astype(np.int64))
    n = 2 * _fft_size(sr)  # ~86 ms: three periods of 35 Hz
    window, window_acf = _pitch_tables(n)
    tmax = min(int(sr / _F0_MIN_HZ), n // 3)
    tmin = max(2, int(sr / _F0_MAX_HZ))
    windowed = frames(x, starts[pick], n, window)
    spec = np.fft.rfft(windowed, 2 * n, axis=1)
    acf = np.fft.irfft(spec.real ** 2 + spec.imag ** 2, 2 * n, axis=1)[:, :tmax + 2].astype(np.float64)
    f0, conf = pitch_pick(acf, window_acf, tmin, tmax, float(sr))
    w = energy[pick]
    if w.sum() <= 0:
        return 0.0, 0.0
    confidence = float(np.average(conf, weights=w))
    voiced = (conf >= 0.5) & (f0 > 0)
    if not voiced.any():
        return 0.0, confidence
    return float(np.median(f0[voiced])), confidence
