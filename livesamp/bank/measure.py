"""Simple acoustic descriptors, to check that a sound is what its name says.

Used by the default bank's listening check (``python -m livesamp.bank.default``) and
its tests. Mono float arrays (stereo is averaged); rates in Hz.
"""

from __future__ import annotations

import numpy as np

__all__ = ["mono", "active_duration_s", "centroid_hz", "flatness", "dominant_hz", "pitch_track_hz", "rms_db"]


def mono(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return x.mean(axis=1) if x.ndim == 2 else x


def rms_db(x: np.ndarray) -> float:
    m = mono(x)
    return float(20.0 * np.log10(np.sqrt(np.mean(m * m)) + 1e-12))


def _envelope_db(m: np.ndarray, sr: int, win_s: float = 0.005) -> np.ndarray:
    w = max(1, int(win_s * sr))
    k = len(m) // w
    frames = m[: k * w].reshape(k, w) if k else m.reshape(1, -1)
    return 20.0 * np.log10(np.sqrt(np.mean(frames ** 2, axis=1)) + 1e-12)


def active_duration_s(x: np.ndarray, sr: int, below_db: float = 40.0) -> float:
    """Time from the first to the last 5 ms window within ``below_db`` of the loudest one."""
    env = _envelope_db(mono(x), sr)
    on = np.nonzero(env >= env.max() - below_db)[0]
    return float((on[-1] - on[0] + 1) * 0.005) if on.size else 0.0


def _power_spectrum(m: np.ndarray, sr: int) -> tuple[np.ndarray, np.ndarray]:
    n = 1 << max(1, (len(m) - 1).bit_length())
    spec = np.abs(np.fft.rfft(m * np.hanning(len(m)), n)) ** 2
    return np.fft.rfftfreq(n, 1.0 / sr), spec


def centroid_hz(x: np.ndarray, sr: int) -> float:
    """Power-weighted mean frequency (brightness)."""
    f, p = _power_spectrum(mono(x), sr)
    return float(np.sum(f * p) / (np.sum(p) + 1e-30))


def flatness(x: np.ndarray, sr: int, fmax_hz: float = 12000.0) -> float:
    """Spectral flatness (geometric / arithmetic mean of power, up to ``fmax_hz``): ~1 noise, ~0 tone."""
    f, p = _power_spectrum(mono(x), sr)
    p = p[(f > 20.0) & (f < fmax_hz)] + 1e-20
    return float(np.exp(np.mean(np.log(p))) / np.mean(p))


def dominant_hz(x: np.ndarray, sr: int) -> float:
    """Frequency of the strongest spectral peak."""
    f, p = _power_spectrum(mono(x), sr)
    return float(f[np.argmax(p)])


def pitch_track_hz(x: np.ndarray, sr: int, win_s: float = 0.02, hop_s: float = 0.01,
                   rel_db: float = 30.0) -> np.ndarray:
    """Strongest spectral peak of each window that is within ``rel_db`` of the loudest window."""
    m = mono(x)
    w, h = int(win_s * sr), int(hop_s * sr)
    starts = range(0, max(1, len(m) - w), h)
    frames = [m[i:i + w] for i in starts]
    energy = np.array([np.sum(fr ** 2) for fr in frames])
    keep = 10.0 * np.log10(energy + 1e-30) >= 10.0 * np.log10(energy.max() + 1e-30) - rel_db
    return np.array([dominant_hz(fr, sr) for fr, k in zip(frames, keep) if k])
