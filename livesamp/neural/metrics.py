"""How close a resynthesis is to its source: the measures of the quality bench and tests.

``logmel_distance(ref, out, sr)``: the mean absolute difference, in dB, of the two sounds'
log-mel spectrograms: 64 HTK-mel bands 20 Hz-20 kHz from a 2048-point Hann STFT every
512 samples (at 44.1/48 kHz; scaled with the rate), band power in dB of mean square
(a full-scale sine reads -3 dB) floored at -80 dB, averaged over every band of every
frame. Phase-blind: it says whether the spectral envelope over time matches, not whether
the waveform does. Lower is better; identical sounds score 0.

``loudness_correlation(ref, out, sr)``: Pearson r of the A-weighted frame loudness (dB,
10 ms frames) of the two, over the frames within 50 dB of the source's loudest.
``centroid_hz(x, sr)``: the power-weighted mean spectral centroid.
"""

from __future__ import annotations

import numpy as np

from .features import a_weighting, hann, mel_matrix

__all__ = ["logmel", "logmel_distance", "loudness_db", "loudness_correlation", "centroid_hz", "rms_db"]

_FLOOR_DB = -80.0


def _mono(x) -> np.ndarray:
    a = np.asarray(x, dtype=np.float64)
    return a.mean(axis=1) if a.ndim == 2 else a


def _power_frames(x: np.ndarray, n_fft: int, hop: int) -> np.ndarray:
    xp = np.concatenate([np.zeros(n_fft // 2), x, np.zeros(n_fft // 2 + hop)])
    count = len(x) // hop + 1
    view = np.lib.stride_tricks.sliding_window_view(xp, n_fft)[:(count - 1) * hop + 1:hop]
    w = hann(n_fft)
    return np.abs(np.fft.rfft(view * w)) ** 2 * (2.0 / (n_fft * np.sum(w * w)))


def logmel(x, sr: int) -> np.ndarray:
    """(frames, 64) dB, floored at -80 dB (see the module docstring)."""
    n_fft = 1 << int(round(np.log2(sr * 2048 / 48000)))
    p = _power_frames(_mono(x), n_fft, n_fft // 4)
    freqs = np.arange(n_fft // 2 + 1) * sr / n_fft
    return np.maximum(10.0 * np.log10(p @ mel_matrix(freqs, 64, 20.0, 20000.0) + 1e-20), _FLOOR_DB)


def logmel_distance(ref, out, sr: int) -> float:
    """Mean |dB| between the log-mel spectrograms of ``ref`` and ``out`` (the shorter is
    padded with silence)."""
    a, b = _mono(ref), _mono(out)
    n = max(len(a), len(b))
    a = np.pad(a, (0, n - len(a)))
    b = np.pad(b, (0, n - len(b)))
    return float(np.mean(np.abs(logmel(a, sr) - logmel(b, sr))))


def loudness_db(x, sr: int) -> np.ndarray:
    """A-weighted loudness (dB) every 10 ms (2048-point Hann frames at 48 kHz)."""
    n_fft = 1 << int(round(np.log2(sr * 2048 / 48000)))
    p = _power_frames(_mono(x), n_fft, round(sr / 100))
    freqs = np.arange(n_fft // 2 + 1) * sr / n_fft
    return 10.0 * np.log10(p @ (a_weighting(freqs) ** 2) + 1e-12)


def loudness_correlation(ref, out, sr: int, within_db: float = 50.0) -> float:
    """Pearson r of the loudness contours over the source's frames within ``within_db`` of
    its loudest (nan when fewer than 3 frames qualify or either contour is flat)."""
    a, b = loudness_db(ref, sr), loudness_db(out, sr)
    n = min(len(a), len(b))
    a, b = a[:n], b[:n]
    keep = a > a.max() - within_db
    if keep.sum() < 3:
        return float("nan")
    a, b = a[keep], b[keep]
    if a.std() < 1e-9 or b.std() < 1e-9:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def centroid_hz(x, sr: int) -> float:
    """Power-weighted spectral centroid over the whole sound, Hz."""
    n_fft = 2048
    p = _power_frames(_mono(x), n_fft, 512)
    freqs = np.arange(n_fft // 2 + 1) * sr / n_fft
    total = p.sum()
    return float((p @ freqs).sum() / total) if total > 0 else 0.0


def flatness(x, sr: int) -> float:
    """Power-weighted spectral flatness (geometric / arithmetic mean of the power spectrum,
    20 Hz-16 kHz): ~0 for a tone, towards 1 for white noise."""
    n_fft = 2048
    p = _power_frames(_mono(x), n_fft, 512)
    freqs = np.arange(n_fft // 2 + 1) * sr / n_fft
    band = (freqs >= 20) & (freqs <= 16000)
    q = p[:, band] + 1e-20
    flat = np.exp(np.mean(np.log(q), axis=1)) / np.mean(q, axis=1)
    w = q.sum(axis=1)
    return float(np.sum(flat * w) / np.sum(w)) if w.sum() > 0 else 0.0


def rms_db(x) -> float:
    a = _mono(x)
    return float(10.0 * np.log10(np.mean(a * a) + 1e-20))
