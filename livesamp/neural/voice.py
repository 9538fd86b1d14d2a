"""``Voice``: a trained model, ready to resynthesise any analysed sound in its timbre.

``Voice.render(frames, pins=..., follow=True)`` runs encoder, decoder, loudness lock and
synthesiser for one sound. The latent z is the encoder's, frame by frame, except the
dimensions pinned by the pattern (``.z0(1.5)``: dimension 0 held at 1.5 for the whole
event). ``follow`` (the loudness lock, on by default) rescales every frame so that its
A-weighted loudness, computed analytically from the controls, equals the source frame's
(boost capped at +20 dB: where the network hears near-silence, a quiet frame, not a
huge gain on a guess): the network decides the timbre, the source the level and the
envelope. Without it the decoder's own level is used. Either way a guard measures the
rendered audio against the source in 10 ms frames and brings any frame more than 6 dB
louder than the source back to +6 dB, and a soft clip bounds the samples to +-1: every
output is finite and level-bounded.
"""

from __future__ import annotations

import numpy as np

from . import _kernels as K
from . import synth
from .features import HARM_TOP, N_HARM, N_MEL, Frames, a_weighting, noise_band_power
from .model import LN10_20, N_COND, Config, decode, encode

__all__ = ["Voice", "encoder_inputs", "conditioning", "GUARD_DB", "MAX_BOOST_DB"]

GUARD_DB = 6.0
SOFT_KNEE = 0.9
MAX_BOOST_DB = 20.0


def encoder_inputs(frames: Frames, context: int) -> np.ndarray:
    """(T, 40 * (2 context + 1)) log-mel shapes (loudness removed) of frames t-c .. t+c
    (edges repeated); not yet standardised."""
    shape = frames.logmel - frames.loudness[:, None]
    t = len(frames)
    if t == 0:
        return np.zeros((0, N_MEL * (2 * context + 1)), np.float32)
    cols = []
    for d in range(-context, context + 1):
        i = np.clip(np.arange(t) + d, 0, t - 1)
        cols.append(shape[i])
    return np.concatenate(cols, axis=1).astype(np.float32)


def conditioning(frames: Frames) -> np.ndarray:
    """(T, N_COND): log2(f0/440)/2, periodicity, (L+40)/20, (L - L_prev)/20, (L_next - L)/20."""
    loud = np.maximum(frames.loudness.astype(np.float64), -120.0)
    prev = np.concatenate([loud[:1], loud[:-1]])
    nxt = np.concatenate([loud[1:], loud[-1:]])
    f0 = np.maximum(frames.f0.astype(np.float64), 20.0)
    cond = np.stack([np.log2(f0 / 440.0) / 2.0, frames.periodicity, (loud + 40.0) / 20.0,
                     np.clip((loud - prev) / 20.0, -3.0, 3.0), np.clip((nxt - loud) / 20.0, -3.0, 3.0)], axis=1)
    assert cond.shape[1] == N_COND
    return cond.astype(np.float32)


class Voice:
    """A trained model: ``params`` (the network), ``enc_mean``/``enc_std`` (encoder input
    standardisation), ``config`` and the ``card`` (what it is, what it was trained on, what
    each latent dimension does: see ``modelfile.py``)."""

    def __init__(self, params: dict, enc_mean: np.ndarray, enc_std: np.ndarray, config: Config,
                 card: dict | None = None, sr: int = 48000):
        self.params = {k: np.asarray(v, np.float32) for k, v in params.items()}
        self.enc_mean = np.asarray(enc_mean, np.float32)
        self.enc_std = np.asarray(enc_std, np.float32)
        self.config = config
        self.card = dict(card or {})
        self.sr = int(sr)

    @property
    def name(self) -> str:
        return str(self.card.get("name", "?"))

    @property
    def z_dim(self) -> int:
        return self.config.z_dim

    def latent(self, frames: Frames) -> np.ndarray:
        """(T, z_dim) encoder means."""
        x = (encoder_inputs(frames, self.config.context) - self.enc_mean) / self.enc_std
        mu, _ = encode(self.params, x.astype(np.float32), self.config.slope)
        return mu

    def controls(self, frames: Frames, z: np.ndarray | None = None, pins: dict | None = None,
                 follow: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """(harmonic amplitudes (T, N_HARM), noise gains (T, N_NOISE)) for ``frames``.

        ``z``: (T, z_dim) latent (default: the encoder's); ``pins``: {dim: value} held for
        every frame; ``follow``: the loudness lock."""
        if z is None:
            z = self.latent(frames)
        z = np.array(z, dtype=np.float32, copy=True)
        for d, v in (pins or {}).items():
            if 0 <= int(d) < z.shape[1]:
                z[:, int(d)] = float(v)
        y = decode(self.params, conditioning(frames), z, self.config.slope, self.config.envelope).astype(np.float64)
        loud = np.maximum(frames.loudness.astype(np.float64), -120.0)
        ln = y + (loud * LN10_20)[:, None]
        ln = np.minimum(ln, 5.0)                 # amplitudes above e^5 are nonsense, not music
        amp = np.exp(ln)
        f0 = frames.f0.astype(np.float64)
        harm, noise = amp[:, :N_HARM], amp[:, N_HARM:]
        k = np.arange(1, N_HARM + 1)
        harm = np.where(k[None, :] * f0[:, None] < HARM_TOP * frames.sr, harm, 0.0)
        if follow:
            ms = analytic_loudness(harm, noise, f0, frames.sr)
            gain = np.sqrt(10.0 ** (loud / 10.0) / np.maximum(ms, 1e-30))
            gain = np.minimum(gain, 10.0 ** (MAX_BOOST_DB / 20.0))
            harm = harm * gain[:, None]
            noise = noise * gain[:, None]
        return harm, noise

    def render(self, frames: Frames, pins: dict | None = None, follow: bool = True, seed: int = 0,
               source: np.ndarray | None = None, z: np.ndarray | None = None) -> np.ndarray:
        """(frames.samples,) float32: the sound resynthesised in this voice, guarded against
        the source (``source``: its mono audio; without it, against the analysed loudness)."""
        harm, noise = self.controls(frames, z=z, pins=pins, follow=follow)
        out = synth.render(frames.f0, harm, noise, frames.sr, frames.hop, frames.samples, seed)
        return guard(out, frames, source)


def analytic_loudness(harm: np.ndarray, noise: np.ndarray, f0: np.ndarray, sr: int) -> np.ndarray:
    """(T,) A-weighted mean square of harmonic-plus-noise controls, as the analysis measures
    it: sum_k a_k^2 / 2 * A(k f0)^2 + sum_b g_b^2 * (A^2 averaged over band b)."""
    k = np.arange(1, harm.shape[1] + 1)
    a2 = a_weighting(np.minimum(k[None, :] * f0[:, None], sr / 2.0)) ** 2
    return np.sum(0.5 * harm * harm * a2, axis=1) + (noise * noise) @ noise_band_power(int(sr))["a2"]


def frame_rms_db(x: np.ndarray, hop: int, count: int) -> np.ndarray:
    """(count,) RMS in dB of 20 ms windows centred on every ``hop``-th sample."""
    level = np.empty(int(count))
    K.frame_rms_db_into(level, np.ascontiguousarray(x, dtype=np.float64), int(hop))
    return level


def guard(out: np.ndarray, frames: Frames, source: np.ndarray | None = None) -> np.ndarray:
    """``out`` with every 10 ms frame (20 ms RMS windows, as ``frame_rms_db``) held to at
    most ``GUARD_DB`` over the same frame of the source (its RMS when ``source`` is given,
    else its A-weighted loudness; gains interpolated between frame centres, so an attack
    smeared early by the 10 ms controls is turned down too), non-finite samples zeroed,
    then a soft clip to +-1 (identity below 0.9): ``_kernels.guard_into``."""
    x = np.array(out, dtype=np.float64, copy=True)
    count = len(frames)
    if source is not None:
        ref = frame_rms_db(source, frames.hop, count)
    else:
        ref = np.ascontiguousarray(frames.loudness, dtype=np.float64)
    res = np.empty(len(x), np.float32)
    K.guard_into(res, x, ref, int(frames.hop), GUARD_DB, SOFT_KNEE)
    return res
