"""Cutting a sound into units and describing each unit: the analysis behind a corpus.

``analyse(audio, sr, segmentation)`` returns the units of one sound (start and end frames)
and a row of ``DESCRIPTORS`` per unit:

======================  ===================================================================
``loudness_db``          mean power of the unit, dB re full scale (RMS dBFS)
``centroid_hz``          spectral centroid over 20 Hz-16 kHz, energy-weighted over frames
``spread_hz``            spectral spread (standard deviation around the centroid), likewise
``flatness``             band-wise Wiener entropy (~0.5 noise, ~0 tone), likewise
``pitch_hz``             median f0 of the voiced frames (confidence >= 0.5), 0 when none
``pitch_confidence``     energy-weighted mean confidence (Boersma's autocorrelation), 0..1
``zcr``                  zero crossings per sample pair (0..1)
``duration_s``           unit length, seconds
``mfcc0`` .. ``mfcc12``  mean over frames of the MFCCs (40 HTK mel bands 20 Hz-16 kHz,
                         dB, orthonormal DCT-II); ``mfcc0`` follows level, the rest timbre
======================  ===================================================================

The spectral descriptors are those of ``livesamp.bank.descriptors`` (same frames of ~43 ms,
same kernels: ``spectral_stats``, ``pitch_pick``), measured on frames every quarter frame
(``hop``: 512 frames at 48 kHz) whose centre lies inside the unit. The whole sound is
transformed once; a unit only reduces the frames it holds.

Segmentation (``Segmentation``): ``mode="onsets"`` cuts at onsets: peaks of the spectral
flux over the mel bands (mean rise in dB per band since the previous frame) at least
``threshold_db`` above its local mean (~0.2 s around), moved back to where the sound
starts (2 ms blocks, the first within 15 dB of the loudest near the peak, minus one
block). Units are at least ``min_s`` long (closer onsets are skipped) and at most
``max_s`` (longer ones are cut in equal parts). ``mode="fixed"`` cuts every ``unit_s``
seconds (a shorter tail joins the unit before). Units quieter than ``floor_db`` are left
out (silence makes no material).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np

__all__ = ["DESCRIPTORS", "N_MFCC", "N_MEL", "Segmentation", "Units", "analyse", "mel_filters", "dct_matrix",
           "frame_layout", "PITCH_FRAMES_PER_UNIT"]

N_MFCC = 13
N_MEL = 40
PITCH_FRAMES_PER_UNIT = 3
DESCRIPTORS: tuple[str, ...] = ("loudness_db", "centroid_hz", "spread_hz", "flatness", "pitch_hz",
                                "pitch_confidence", "zcr", "duration_s") + tuple(f"mfcc{i}" for i in range(N_MFCC))
_CHUNK = 256
_MEL_LO_HZ = 20.0
_MEL_HI_HZ = 16000.0
_GATE_DB = 60.0      # onsets only where the frame is within this of the loudest frame
_REFINE_DB = 15.0
_VOICED = 0.5
ANALYSIS_VERSION = 1  # bump when a descriptor's definition changes: corpus caches rebuild


@dataclass(frozen=True)
class Segmentation:
    """How sounds are cut into units (see the module docstring)."""

    mode: str = "onsets"
    min_s: float = 0.05
    max_s: float = 0.5
    unit_s: float = 0.25
    threshold_db: float = 3.0
    floor_db: float = -60.0

    def __post_init__(self) -> None:
        if self.mode not in ("onsets", "fixed"):
            raise ValueError(f"segmentation mode must be 'onsets' or 'fixed', got {self.mode!r}")
        if not 0 < self.min_s <= self.max_s:
            raise ValueError(f"need 0 < min_s <= max_s, got min_s={self.min_s!r}, max_s={self.max_s!r}")
        if not self.unit_s > 0:
            raise ValueError(f"unit_s must be positive, got {self.unit_s!r}")

    def key(self) -> str:
        """A short digest of these settings and the analysis version (names cache files)."""
        text = repr((ANALYSIS_VERSION, sorted(asdict(self).items())))
        return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Units:
    """The units of one sound: ``starts``/``ends`` (int64 frames, end exclusive) and
    ``descriptors`` (units, len(DESCRIPTORS)) float64."""

    starts: np.ndarray
    ends: np.ndarray
    descriptors: np.ndarray

    def __len__(self) -> int:
        return int(self.starts.shape[0])


def frame_layout(sr: int) -> tuple[int, int]:
    """(frame length, hop) of the analysis frames at ``sr`` (2048, 512 at 48 kHz)."""
    from ..bank.descriptors import _fft_size

    n = _fft_size(sr)
    return n, n // 4


@lru_cache(maxsize=8)
def mel_filters(n: int, sr: int) -> np.ndarray:
    """(N_MEL, n // 2 + 1) triangular HTK-mel filters (peak 1) over 20 Hz-min(16 kHz, sr/2)."""
    def mel(f):
        return 2595.0 * np.log10(1.0 + f / 700.0)

    def hz(m):
        return 700.0 * (10.0 ** (m / 2595.0) - 1.0)

    edges = hz(np.linspace(mel(_MEL_LO_HZ), mel(min(_MEL_HI_HZ, sr / 2.0)), N_MEL + 2))
    freqs = np.fft.rfftfreq(n, 1.0 / sr)
    lo, mid, hi = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    up = (freqs[None, :] - lo) / (mid - lo)
    down = (hi - freqs[None, :]) / (hi - mid)
    return np.ascontiguousarray(np.maximum(0.0, np.minimum(up, down)))


@lru_cache(maxsize=8)
def _mel_sparse(n: int, sr: int) -> tuple[np.ndarray, np.ndarray]:
    """``mel_filters`` as (band, weight) pairs per bin, for ``_analysis_kernels.mel_bands``."""
    fb = mel_filters(n, sr)
    band = np.full((fb.shape[1], 2), -1, np.int64)
    weight = np.zeros((fb.shape[1], 2))
    for k in range(fb.shape[1]):
        nz = np.nonzero(fb[:, k])[0]
        if nz.size > 2:
            raise AssertionError("mel filters overlap more than their neighbours")
        band[k, :nz.size] = nz
        weight[k, :nz.size] = fb[nz, k]
    return band, weight


@lru_cache(maxsize=2)
def dct_matrix(n_out: int = N_MFCC, n_in: int = N_MEL) -> np.ndarray:
    """Orthonormal DCT-II, (n_out, n_in)."""
    k = np.arange(n_out)[:, None]
    m = np.arange(n_in)[None, :]
    c = np.sqrt(2.0 / n_in) * np.cos(np.pi * k * (m + 0.5) / n_in)
    c[0] /= np.sqrt(2.0)
    return c


def _empty() -> Units:
    return Units(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, len(DESCRIPTORS))))


def _bounds(onsets: np.ndarray, length: int, min_len: int, max_len: int) -> np.ndarray:
    """Unit boundaries: 0, the onsets at least ``min_len`` apart (and from both ends), the
    length; then every unit longer than ``max_len`` cut into equal parts."""
    cuts = [0]
    for o in np.unique(onsets):
        if o - cuts[-1] >= min_len and length - o >= min_len:
            cuts.append(int(o))
    cuts.append(length)
    out = [0]
    for a, b in zip(cuts[:-1], cuts[1:]):
        parts = max(1, math.ceil((b - a) / max_len))
        out.extend(a + (b - a) * (i + 1) // parts for i in range(parts))
    return np.asarray(out, dtype=np.int64)


def _fixed_bounds(length: int, unit_len: int, min_len: int) -> np.ndarray:
    cuts = list(range(0, length, unit_len)) + [length]
    if len(cuts) > 2 and cuts[-1] - cuts[-2] < min_len:
        cuts.pop(-2)
    return np.asarray(cuts, dtype=np.int64)


def _spectra(xp: np.ndarray, n_frames: int, n: int, hop: int, sr: int):
    """Per analysis frame (centre ``f * hop`` of the unpadded sound): energy, centroid,
    spread, flatness and mel-band energies. ``xp`` is the sound with ``n`` zeros either side."""
    from ..bank._descriptor_kernels import frames, spectral_stats
    from ..bank.descriptors import _spectral_tables
    from ._analysis_kernels import mel_bands

    window, freqs, edges = _spectral_tables(n, sr)
    band, weight = _mel_sparse(n, sr)
    starts = np.arange(n_frames, dtype=np.int64) * hop + (n - n // 2)
    parts, mels = [], []
    for c in range(0, n_frames, _CHUNK):
        spec = np.fft.rfft(frames(xp, starts[c:c + _CHUNK], n, window), axis=1)
        p = spec.real ** 2 + spec.imag ** 2
        parts.append(spectral_stats(p, freqs, edges))
        mels.append(mel_bands(p, band, weight, N_MEL))
    energy, centroid, spread, flat = (np.concatenate(k) for k in zip(*parts))
    return energy, centroid, spread, flat, np.concatenate(mels)


def _fast_size(n: int) -> int:
    """The smallest 2**a or 3 * 2**a >= n (sizes pocketfft transforms fast)."""
    pow2 = 1 << (n - 1).bit_length()
    three = 3 * (pow2 // 4)
    return three if three >= n else pow2


def _unit_pitch(xp, n, hop, sr, first, count, energy):
    """(pitch_hz, confidence) per unit from up to PITCH_FRAMES_PER_UNIT frames of 2n samples
    centred on evenly chosen analysis frames of the unit (as ``describe``'s pitch)."""
    from ..bank._descriptor_kernels import frames, pitch_pick
    from ..bank.descriptors import _F0_MAX_HZ, _F0_MIN_HZ, _pitch_tables

    npf = 2 * n
    window, window_acf = _pitch_tables(npf)
    tmax = min(int(sr / _F0_MIN_HZ), npf // 3)
    tmin = max(2, int(sr / _F0_MAX_HZ))
    picks = []
    owner = []
    for u in range(first.shape[0]):
        k = min(PITCH_FRAMES_PER_UNIT, int(count[u]))
        fs = np.unique(np.round(np.linspace(first[u], first[u] + count[u] - 1, k)).astype(np.int64))
        picks.append(fs)
        owner.append(np.full(fs.shape[0], u, np.int64))
    if not picks:
        return np.zeros(0), np.zeros(0)
    fidx = np.concatenate(picks)
    owner_a = np.concatenate(owner)
    f0 = np.empty(fidx.shape[0])
    conf = np.empty(fidx.shape[0])
    nfft = _fast_size(npf + tmax + 2)  # enough zeros that lags up to tmax + 1 do not wrap
    for c in range(0, fidx.shape[0], _CHUNK):
        starts = fidx[c:c + _CHUNK] * hop  # in xp: centre f*hop of the sound, minus n, plus n
        spec = np.fft.rfft(frames(xp, starts, npf, window), nfft, axis=1)
        acf = np.fft.irfft(spec.real ** 2 + spec.imag ** 2, nfft, axis=1)[:, :tmax + 2]
        a, b = pitch_pick(np.ascontiguousarray(acf, dtype=np.float64), window_acf, tmin, tmax, float(sr))
        f0[c:c + _CHUNK] = a
        conf[c:c + _CHUNK] = b
    w = energy[fidx]
    nu = first.shape[0]
    pitch = np.zeros(nu)
    confidence = np.zeros(nu)
    bounds = np.searchsorted(owner_a, np.arange(nu + 1))
    for u in range(nu):
        a, b = bounds[u], bounds[u + 1]
        ws = w[a:b].sum()
        if ws > 0:
            confidence[u] = float(np.dot(conf[a:b], w[a:b]) / ws)
        voiced = (conf[a:b] >= _VOICED) & (f0[a:b] > 0)
        if voiced.any():
            pitch[u] = float(np.median(f0[a:b][voiced]))
    return pitch, confidence


def analyse(audio: np.ndarray, sr: int, segmentation: Segmentation | None = None) -> Units:
    """Cut one sound into units and describe each (see the module docstring).

    ``audio``: (frames,) or (frames, channels) float, channels averaged; ``sr`` in Hz.
    Returns ``Units`` with frames of ``audio`` (so at ``sr``) and ``DESCRIPTORS`` columns.
    """
    from ..bank._descriptor_kernels import blocks
    from ..bank.descriptors import _mono
    from . import _analysis_kernels as K

    seg = segmentation or Segmentation()
    sr = int(sr)
    if sr <= 0:
        raise ValueError(f"sample rate must be positive, got {sr!r}")
    x = _mono(audio)
    length = x.shape[0]
    if length == 0:
        return _empty()
    n, hop = frame_layout(sr)
    xp = np.zeros(length + 2 * n, np.float32)
    xp[n:n + length] = x
    n_frames = length // hop + 1
    energy, centroid, spread, flat, mel = _spectra(xp, n_frames, n, hop, sr)
    floor = max(float(mel.max()) * 1e-8, 1e-20)
    mel_db = K.log_floor_db(mel, floor)
    mfcc = np.ascontiguousarray(mel_db @ dct_matrix().T)

    min_len = max(1, round(seg.min_s * sr))
    max_len = max(min_len, round(seg.max_s * sr))
    if seg.mode == "fixed":
        bounds = _fixed_bounds(length, max(1, round(seg.unit_s * sr)), min_len)
    else:
        emax = float(energy.max())
        gate = energy >= emax * 10.0 ** (-_GATE_DB / 10.0) if emax > 0 else np.zeros(n_frames, np.bool_)
        peaks = K.pick_peaks(K.flux(mel_db), 3, 3, 10, 10, float(seg.threshold_db), max(1, min_len // hop), gate)
        block = max(1, round(0.002 * sr))
        power, _, _ = blocks(x, block)
        onsets = K.refine_onsets(peaks * hop, power, block, n // 2, n // 2 + hop, 10.0 ** (-_REFINE_DB / 10.0))
        bounds = _bounds(onsets, length, min_len, max_len)
    starts = np.ascontiguousarray(bounds[:-1])
    ends = np.ascontiguousarray(bounds[1:])
    power_u, zcr = K.unit_time_stats(x, starts, ends)
    loud = 10.0 * np.log10(power_u + 1e-20)
    keep = loud >= seg.floor_db
    if not keep.any():
        return _empty()
    starts, ends, loud, zcr = starts[keep], ends[keep], loud[keep], zcr[keep]
    c, s, fl, mf, first, count = K.unit_frame_means(starts, ends, hop, energy, centroid, spread, flat, mfcc)
    pitch, conf = _unit_pitch(xp, n, hop, sr, first, count, energy)
    desc = np.empty((starts.shape[0], len(DESCRIPTORS)))
    desc[:, 0] = loud
    desc[:, 1] = c
    desc[:, 2] = s
    desc[:, 3] = fl
    desc[:, 4] = pitch
    desc[:, 5] = conf
    desc[:, 6] = zcr
    desc[:, 7] = (ends - starts) / sr
    desc[:, 8:] = mf
    return Units(starts.astype(np.int64), ends.astype(np.int64), desc)
