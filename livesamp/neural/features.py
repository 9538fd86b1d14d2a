"""Frame-wise analysis of a sound for the neural voice: pitch, loudness, spectra and the
harmonic-plus-noise controls that resynthesise it.

``analyse(audio, sr)`` returns ``Frames``: one row every 10 ms (``hop`` samples; frame
``i`` is centred on sample ``i * hop``):

==============  ===========================================================================
``f0``          pitch in Hz, held through unvoiced frames (the nearest voiced frame's)
``periodicity`` 1 - the YIN dip (cumulative-mean-normalised difference) at the chosen lag
``voiced``      periodicity > ``VOICED`` (0.6)
``loudness``    A-weighted mean square, dB (a full-scale 1 kHz sine reads -3.0 dB)
``logmel``      ``N_MEL`` (40) mel bands 30 Hz-16 kHz, dB of mean square (encoder input)
``mel``         ``N_MEL_LOSS`` (64) mel bands 20 Hz-20 kHz, dB (training loss and metric)
``harm``        ``N_HARM`` (96) sine amplitudes of the harmonics k*f0 (0 when unvoiced)
``noise``       ``N_NOISE`` (32) noise-band gains: the level of white noise whose power
                density equals the residual's in that band (see ``noise_partition``)
``centroid``    spectral centroid, Hz
==============  ===========================================================================

Method: YIN on a signal decimated to ~16 kHz (63-tap windowed-sinc FIR, 512-sample window,
40-2000 Hz, threshold 0.15), its difference function computed with FFTs. Loudness, mel
bands and harmonic peaks from a Hann STFT of ~43 ms (2048 points at 44.1/48 kHz); the peak
of each harmonic is searched within 0.3 of the harmonic spacing and refined by a parabola
through ln-power. The noise residual comes from a second, Blackman-Harris STFT (-92 dB
sidelobes: with Hann, leakage between harmonics would read as noise), with +-4.5 bins
masked around every harmonic that stands 3 dB over its surroundings; a band masked
almost entirely is interpolated (log power) from its neighbours. Everything is numpy plus the numba kernels
of ``_kernels.py``; about 1 s per minute of audio on one core.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from functools import lru_cache

import numpy as np

from . import _kernels as K

__all__ = ["Frames", "analyse", "layout", "mel_matrix", "a_weighting", "noise_partition", "noise_band_power", "hann",
           "blackman_harris",
           "ANALYSIS_VERSION", "N_HARM", "N_NOISE", "N_MEL", "N_MEL_LOSS", "VOICED", "F0_MIN", "F0_MAX"]

ANALYSIS_VERSION = 2   # 2: 96 harmonics
N_HARM = 96
N_NOISE = 32
N_MEL = 40
N_MEL_LOSS = 64
VOICED = 0.6
F0_MIN = 40.0
F0_MAX = 2000.0
NOISE_TOP_HZ = 22050.0
HARM_TOP = 0.47          # harmonics at or above this fraction of the rate are left out
_YIN_RATE = 16000.0
_YIN_WINDOW = 512
_YIN_THRESHOLD = 0.15
_SEARCH_RADIUS = 0.3
_MASK_BINS = 4.5        # Blackman-Harris main lobe: +-4 bins
_SALIENT = math.log(10.0 ** 0.3)  # a harmonic 3 dB over its surroundings is masked out of the noise
_MIN_WEIGHT = 0.75       # bands with less unmasked weight are interpolated from their neighbours
_CHUNK = 2048            # frames transformed at a time (bounds memory for long sounds)


@dataclass(frozen=True)
class Frames:
    """The analysis of one sound (see the module docstring); arrays are float32."""

    sr: int
    hop: int
    samples: int
    f0: np.ndarray
    periodicity: np.ndarray
    loudness: np.ndarray
    logmel: np.ndarray
    mel: np.ndarray
    harm: np.ndarray
    noise: np.ndarray
    centroid: np.ndarray

    def __len__(self) -> int:
        return int(self.f0.shape[0])

    @property
    def voiced(self) -> np.ndarray:
        return self.periodicity > VOICED

    @property
    def seconds(self) -> float:
        return self.samples / self.sr

    def arrays(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in fields(self) if isinstance(getattr(self, f.name), np.ndarray)}

    def slice(self, a: int, b: int) -> Frames:
        """Frames a..b-1 (as a sound of ``(b - a) * hop`` samples)."""
        arrays = {k: v[a:b] for k, v in self.arrays().items()}
        return Frames(self.sr, self.hop, max(0, (b - a - 1)) * self.hop + 1, **arrays)


def layout(sr: int) -> tuple[int, int]:
    """(hop, fft size) at rate ``sr``: 10 ms, and the power of two nearest 42.7 ms."""
    sr = int(sr)
    return round(sr / 100), 1 << round(math.log2(sr * 2048 / 48000))


def hann(n: int) -> np.ndarray:
    return 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)


def blackman_harris(n: int) -> np.ndarray:
    t = 2 * np.pi * np.arange(n) / n
    return 0.35875 - 0.48829 * np.cos(t) + 0.14128 * np.cos(2 * t) - 0.01168 * np.cos(3 * t)


def _mel(f):
    return 2595.0 * np.log10(1.0 + np.asarray(f, dtype=np.float64) / 700.0)


def _hz(m):
    return 700.0 * (10.0 ** (np.asarray(m, dtype=np.float64) / 2595.0) - 1.0)


def mel_matrix(freqs: np.ndarray, n_bands: int, lo: float, hi: float) -> np.ndarray:
    """(len(freqs), n_bands) HTK-mel triangles between ``lo`` and ``hi`` Hz, peak 1."""
    edges = _hz(np.linspace(_mel(lo), _mel(hi), n_bands + 2))
    f = np.asarray(freqs, dtype=np.float64)[:, None]
    left, centre, right = edges[:-2], edges[1:-1], edges[2:]
    up = (f - left) / (centre - left)
    down = (right - f) / (right - centre)
    return np.maximum(0.0, np.minimum(up, down))


def a_weighting(freqs: np.ndarray) -> np.ndarray:
    """Linear A-weighting gain (1 at 1 kHz)."""
    def ra(f):
        f2 = np.asarray(f, dtype=np.float64) ** 2
        return (12194.0 ** 2 * f2 ** 2) / ((f2 + 20.6 ** 2) * np.sqrt((f2 + 107.7 ** 2) * (f2 + 737.9 ** 2))
                                          * (f2 + 12194.0 ** 2))
    return ra(freqs) / ra(1000.0)


def noise_centres() -> np.ndarray:
    """Centres of the ``N_NOISE`` noise bands: mel-spaced from 0 to 22.05 kHz."""
    return _hz(np.linspace(0.0, _mel(NOISE_TOP_HZ), N_NOISE))


def noise_partition(freqs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(band, weight) per frequency: it belongs to ``band`` with ``weight`` and to ``band + 1``
    with ``1 - weight``. The triangles sum to 1 everywhere (a partition: white noise is all
    bands at one gain); above 22.05 kHz everything belongs to the last band."""
    c = noise_centres()
    f = np.asarray(freqs, dtype=np.float64)
    band = np.clip(np.searchsorted(c, f, side="right") - 1, 0, N_NOISE - 1)
    top = band >= N_NOISE - 1
    nxt = np.minimum(band + 1, N_NOISE - 1)
    width = np.where(top, 1.0, c[nxt] - c[band])
    weight = np.where(top, 1.0, (c[nxt] - f) / width)
    return band.astype(np.int64), np.clip(weight, 0.0, 1.0)


def noise_weights(freqs: np.ndarray) -> np.ndarray:
    """(len(freqs), N_NOISE): the triangle of every band at each frequency."""
    band, weight = noise_partition(freqs)
    out = np.zeros((len(band), N_NOISE))
    rows = np.arange(len(band))
    out[rows, band] = weight
    hi = band + 1 < N_NOISE
    out[rows[hi], band[hi] + 1] = 1.0 - weight[hi]
    return out


@lru_cache(maxsize=8)
def _tables(sr: int):
    hop, n_fft = layout(sr)
    freqs = np.arange(n_fft // 2 + 1) * sr / n_fft
    w_h, w_b = hann(n_fft), blackman_harris(n_fft)
    # power -> mean square of the signal: 2 / (N sum w^2) (one-sided spectrum)
    ms_h = 2.0 / (n_fft * np.sum(w_h ** 2))
    band, weight = noise_partition(freqs)
    tables = {
        "hop": hop, "n_fft": n_fft, "freqs": freqs, "hann": w_h, "bh": w_b,
        "amp_scale": 2.0 / np.sum(w_h),               # |X| of a bin-centred sine -> its amplitude
        "noise_scale": 1.0 / np.sum(w_b ** 2),        # E|X|^2 of unit white noise = sum w^2
        "a2": (a_weighting(freqs) ** 2) * ms_h,
        "mel40": mel_matrix(freqs, N_MEL, 30.0, 16000.0) * ms_h,
        "mel64": mel_matrix(freqs, N_MEL_LOSS, 20.0, 20000.0) * ms_h,
        "band": band, "weight": weight,
    }
    for v in tables.values():
        if isinstance(v, np.ndarray):
            v.flags.writeable = False
    return tables


@lru_cache(maxsize=8)
def noise_band_power(sr: int) -> dict[str, np.ndarray]:
    """Per noise band at gain 1 (its share of unit white noise), on the analysis grid: ``ms``
    its mean square, ``a2`` its A-weighted mean square, ``centre`` its mean frequency (Hz).
    Shared by the loudness lock, the spectral loss and the latent measures."""
    t = _tables(sr)
    freqs = t["freqs"]
    w = noise_weights(freqs)
    scale = 2.0 / t["n_fft"]
    out = {"ms": scale * w.sum(axis=0), "a2": scale * (a_weighting(freqs) ** 2) @ w,
           "centre": (w * freqs[:, None]).sum(axis=0) / np.maximum(w.sum(axis=0), 1e-12)}
    for v in out.values():
        v.flags.writeable = False
    return out


@lru_cache(maxsize=8)
def _lowpass(q: int) -> np.ndarray:
    taps = 63
    n = np.arange(taps) - taps // 2
    fc = 0.45 / q                                   # cycles per input sample
    h = 2 * fc * np.sinc(2 * fc * n) * np.blackman(taps)
    return h / h.sum()


def _frames(x: np.ndarray, hop: int, size: int, count: int, start: int = 0) -> np.ndarray:
    """(count, size) view: frame i starts at sample ``start + i * hop`` of ``x``."""
    view = np.lib.stride_tricks.sliding_window_view(x, size)
    return view[start:start + (count - 1) * hop + 1:hop]


def _yin(x: np.ndarray, sr: int, hop: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(f0 Hz, periodicity) per frame; f0 is 0 where nothing was found (silence)."""
    q = max(1, round(sr / _YIN_RATE))
    rate = sr / q
    y = K.decimate(x, _lowpass(q), q) if q > 1 else x.astype(np.float64)
    w = _YIN_WINDOW
    max_lag = int(math.ceil(rate / F0_MIN))
    lo = max(2, int(math.floor(rate / F0_MAX)))
    span = w + max_lag
    n = 1 << int(math.ceil(math.log2(span + 1)))
    pad = span + hop // q + 2
    yp = np.concatenate([np.zeros(pad), y, np.zeros(pad)])
    centres = np.round(np.arange(count) * hop / q).astype(np.int64) + pad - span // 2
    f0 = np.zeros(count)
    per = np.zeros(count)
    view = np.lib.stride_tricks.sliding_window_view(yp, span)
    lags_axis = np.arange(1, max_lag + 1, dtype=np.float64)
    for a in range(0, count, _CHUNK):
        seg = view[centres[a:a + _CHUNK]]
        head = seg[:, :w]
        r = np.fft.irfft(np.conj(np.fft.rfft(head, n)) * np.fft.rfft(seg, n), n)[:, :max_lag + 1]
        e0 = np.sum(head * head, axis=1)
        cs = np.concatenate([np.zeros((len(seg), 1)), np.cumsum(seg * seg, axis=1)], axis=1)
        et = cs[:, w:w + max_lag + 1] - cs[:, :max_lag + 1]
        d = np.maximum(e0[:, None] + et - 2.0 * r, 0.0)
        run = np.cumsum(d[:, 1:], axis=1)
        cmnd = np.ones_like(d)
        with np.errstate(invalid="ignore", divide="ignore"):
            cmnd[:, 1:] = d[:, 1:] * lags_axis / run
        cmnd[~np.isfinite(cmnd)] = 1.0
        cmnd[e0 < 1e-10 * w] = np.nan          # silence: no pitch
        lag, val = K.yin_pick(cmnd, lo, max_lag - 1, _YIN_THRESHOLD)
        ok = lag > 0
        f0[a:a + _CHUNK][ok] = rate / lag[ok]
        per[a:a + _CHUNK] = np.where(ok, 1.0 - val, 0.0)
    return f0, per


def analyse(audio: np.ndarray, sr: int) -> Frames:
    """The frame-wise analysis of ``audio`` ((samples,) or (samples, channels); channels are
    averaged) at rate ``sr``."""
    a = np.asarray(audio, dtype=np.float64)
    x = a.mean(axis=1) if a.ndim == 2 else a
    x = np.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0)
    sr = int(sr)
    t = _tables(sr)
    hop, n_fft = t["hop"], t["n_fft"]
    count = len(x) // hop + 1
    f0_raw, per = _yin(x, sr, hop, count)
    voiced = per > VOICED
    f0_raw = np.where(voiced, f0_raw, 0.0)
    fallback = float(np.median(f0_raw[voiced])) if voiced.any() else 110.0
    f0 = K.hold_f0(f0_raw, voiced, fallback)
    xp = np.concatenate([np.zeros(n_fft // 2), x, np.zeros(n_fft // 2 + hop)])
    bin_hz = sr / n_fft
    f_max = HARM_TOP * sr
    out = {k: [] for k in ("loudness", "logmel", "mel", "harm", "noise", "centroid")}
    for s in range(0, count, _CHUNK):
        m = min(_CHUNK, count - s)
        fr = _frames(xp, hop, n_fft, m, s * hop)
        ph = np.abs(np.fft.rfft(fr * t["hann"])) ** 2
        pb = np.abs(np.fft.rfft(fr * t["bh"])) ** 2
        v, f = voiced[s:s + m], f0_raw[s:s + m]
        out["loudness"].append(10.0 * np.log10(ph @ t["a2"] + 1e-12))
        out["logmel"].append(10.0 * np.log10(ph @ t["mel40"] + 1e-10))
        out["mel"].append(10.0 * np.log10(ph @ t["mel64"] + 1e-10))
        harm, salient = K.harmonic_peaks(np.log(ph + 1e-30), f, v, bin_hz, _SEARCH_RADIUS, N_HARM, f_max, _SALIENT)
        out["harm"].append(harm * t["amp_scale"])
        nb = K.noise_bands(pb, f, salient, bin_hz, _MASK_BINS, t["band"], t["weight"], N_NOISE, _MIN_WEIGHT)
        out["noise"].append(np.sqrt(nb * t["noise_scale"]))
        total = ph.sum(axis=1)
        out["centroid"].append(np.where(total > 0, ph @ t["freqs"] / np.maximum(total, 1e-30), 0.0))
    arrays = {k: np.concatenate(v).astype(np.float32) for k, v in out.items()}
    return Frames(sr, hop, len(x), f0.astype(np.float32), per.astype(np.float32), **arrays)
