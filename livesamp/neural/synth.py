"""The harmonic-plus-noise synthesiser: controls (one row per 10 ms frame) to audio.

``render(f0, harm, noise, sr, hop, n)`` calls the numba kernel ``_kernels.synth_into``:
an additive bank of up to ``N_HARM`` harmonics (Chebyshev recursion, amplitudes and f0
linearly interpolated between frame centres, harmonics at or above 0.47 x the rate left
out) plus ``N_NOISE`` looped band noises scaled by their gains. No FFT and no allocation
at run time; the noise bank (``N_NOISE`` x 2^17 float32, 16 MB at 48 kHz) is made once
per rate with an FFT and shared by every voice.

The units are those of the analysis (``features.py``), so analysing the output returns
the controls: a harmonic row holds sine amplitudes, a noise gain the level of white noise
with that band's power density (all gains equal to g is white noise of RMS g).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from . import _kernels as K
from .features import HARM_TOP, N_NOISE, noise_weights

__all__ = ["noise_bank", "render", "LOOP"]

LOOP = 1 << 17
_SEED = 0x5EED_10


@lru_cache(maxsize=4)
def noise_bank(sr: int) -> np.ndarray:
    """(N_NOISE, LOOP) float32: band ``b`` is white noise (its own, seeded) shaped by the
    square root of band ``b``'s triangle, so the bands' powers add up to unit white noise."""
    rng = np.random.default_rng(_SEED)
    freqs = np.arange(LOOP // 2 + 1) * float(sr) / LOOP
    shape = np.sqrt(noise_weights(freqs))
    bank = np.empty((N_NOISE, LOOP), np.float32)
    for b in range(N_NOISE):
        white = rng.standard_normal(LOOP)
        bank[b] = np.fft.irfft(np.fft.rfft(white) * shape[:, b], LOOP)
    bank.flags.writeable = False
    return bank


def render(f0: np.ndarray, harm: np.ndarray, noise: np.ndarray, sr: int, hop: int, n: int | None = None,
           seed: int = 0) -> np.ndarray:
    """(n,) float32 audio of the controls (frames: f0 (T,), harm (T, K), noise (T, B));
    ``n`` defaults to ``(T - 1) * hop + 1``; ``seed`` picks where the noise loop is read."""
    f0 = np.ascontiguousarray(f0, dtype=np.float64)
    harm = np.ascontiguousarray(harm, dtype=np.float64)
    noise = np.ascontiguousarray(noise, dtype=np.float64)
    if n is None:
        n = max(0, (len(f0) - 1) * hop + 1)
    out = np.empty(int(n), np.float32)
    bank = noise_bank(int(sr))
    offset = int(seed) % LOOP
    K.synth_into(out, f0, harm, noise, int(hop), float(sr), HARM_TOP * sr, bank, offset, 0.0)
    return out
