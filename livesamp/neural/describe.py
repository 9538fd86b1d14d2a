"""What each latent dimension does, measured, and the dimensions put in a useful order.

``measure_latents(voice, excerpts(material))`` plays the voice's own training material
(up to 60 excerpts of 1 s, spread evenly over its audible frames) as a pattern pin does: one latent
dimension held at -2, -1, 0, 1, 2, the others the encoder's, frame by frame, loudness lock
on. Per frame it reads, from the controls the synthesiser plays (the expected spectrum:
harmonic k carries a_k^2 / 2 at k*f0, noise band b its gain^2 times its share of a flat
spectrum, at the band's mean frequency), the spectral centroid, the noise part's share of
the power and the level; per value it keeps the median over the frames (the typical
frame: every frame counts once, loud or quiet). ``canonical(voice, ...)`` then reorders
the dimensions, those that move the centroid monotonically first, each group strongest
effect first, and flips signs so that raising any z makes the sound brighter: z0 is the
clearest brightness axis. The words (``says``): "brighter" / "darker" when the centroid
moves by more than 15 % over the range, "breathier" / "purer" when the noise share moves
by more than 0.05, else "subtle".
"""

from __future__ import annotations

import numpy as np

from .features import Frames, noise_band_power
from .model import N_COND

__all__ = ["excerpts", "measure_latents", "canonical", "describe_text", "SWEEP"]

SWEEP = (-2.0, -1.0, 0.0, 1.0, 2.0)
_EXCERPTS = 60
_EXCERPT_FRAMES = 100
_AUDIBLE_DB = -60.0


def excerpts(material: list[Frames], count: int = _EXCERPTS, length: int = _EXCERPT_FRAMES) -> list[Frames]:
    """Up to ``count`` excerpts of ``length`` frames with something audible in them, spread
    evenly over ``material`` (deterministic)."""
    windows = []
    for fr in material:
        for a in range(0, max(1, len(fr)), length):
            part = fr.slice(a, min(len(fr), a + length))
            if len(part) and (part.loudness > _AUDIBLE_DB).any():
                windows.append(part)
    if len(windows) <= count:
        return windows
    pick = np.unique(np.linspace(0, len(windows) - 1, count).round().astype(int))
    return [windows[i] for i in pick]


def _frame_measures(harm: np.ndarray, noise: np.ndarray, f0: np.ndarray, sr: int):
    """Per frame: (centroid Hz, noise share, power) of the controls."""
    bands = noise_band_power(int(sr))
    share, centre = bands["ms"], bands["centre"]
    k = np.arange(1, harm.shape[1] + 1)
    ph = 0.5 * harm * harm
    pn = noise * noise * share
    num = ph @ k * f0 + pn @ centre
    p_h, p_n = ph.sum(axis=1), pn.sum(axis=1)
    total = np.maximum(p_h + p_n, 1e-30)
    return num / total, p_n / total, total


def measure_latents(voice, parts: list[Frames], values=SWEEP) -> list[dict]:
    """Per dimension: median centroid (Hz), noise share and level (dB) at each of ``values``
    over ``parts`` (``excerpts`` of the material; see the module docstring)."""
    if not parts:
        raise ValueError("nothing audible to measure the latents on")
    zs = [voice.latent(fr) for fr in parts]
    keep = [fr.loudness > _AUDIBLE_DB for fr in parts]
    out = []
    for d in range(voice.z_dim):
        cent, noisy, level = [], [], []
        for v in values:
            c_all, n_all, p_all = [], [], []
            for fr, z, kp in zip(parts, zs, keep):
                harm, noise = voice.controls(fr, z=z, pins={d: v}, follow=True)
                c, n, p = _frame_measures(harm, noise, fr.f0.astype(np.float64), fr.sr)
                c_all.append(c[kp])
                n_all.append(n[kp])
                p_all.append(p[kp])
            c, n, p = np.concatenate(c_all), np.concatenate(n_all), np.concatenate(p_all)
            cent.append(round(float(2.0 ** np.median(np.log2(np.maximum(c, 1.0)))), 1))
            noisy.append(round(float(np.median(n)), 4))
            level.append(round(float(10.0 * np.log10(np.mean(p) + 1e-30)), 2))
        out.append({"dim": d, "values": list(values), "centroid_hz": cent, "noise_share": noisy, "level_db": level})
    for m in out:
        m["monotonic"] = _monotonic(m["centroid_hz"])
        m["says"] = describe_text(m)
    return out


def _monotonic(xs) -> bool:
    d = np.diff(np.asarray(xs, dtype=np.float64))
    return bool(np.all(d > 0) or np.all(d < 0))


def describe_text(m: dict) -> str:
    c, f = m["centroid_hz"], m["noise_share"]
    words = []
    if c[0] > 0 and c[-1] > 0:
        r = c[-1] / c[0]
        if r > 1.15:
            words.append("brighter")
        elif r < 1 / 1.15:
            words.append("darker")
    df = f[-1] - f[0]
    if df > 0.05:
        words.append("breathier")
    elif df < -0.05:
        words.append("purer")
    return ", ".join(words) if words else "subtle"


def _strength(m: dict) -> float:
    c = np.maximum(np.asarray(m["centroid_hz"], dtype=np.float64), 1.0)
    return abs(float(np.log2(c[-1] / c[0]))) + 2.0 * abs(m["noise_share"][-1] - m["noise_share"][0])


def canonical(voice, measured: list[dict]) -> list[dict]:
    """Reorder (strongest first) and flip (brighter upwards) the latent dimensions of
    ``voice`` in place; returns the measurements in the new order."""
    z = voice.z_dim
    order = sorted(range(z), key=lambda d: (not measured[d]["monotonic"], -_strength(measured[d])))
    flip = [measured[d]["centroid_hz"][-1] < measured[d]["centroid_hz"][0] for d in order]
    p = voice.params
    sign = np.where(flip, -1.0, 1.0).astype(np.float32)
    w2, b2 = p["enc_w2"], p["enc_b2"]
    p["enc_w2"] = np.concatenate([w2[:, :z][:, order] * sign, w2[:, z:][:, order]], axis=1).astype(np.float32)
    p["enc_b2"] = np.concatenate([b2[:z][order] * sign, b2[z:][order]]).astype(np.float32)
    w1 = p["dec_w1"]
    p["dec_w1"] = np.concatenate([w1[:N_COND], w1[N_COND:][order] * sign[:, None]], axis=0).astype(np.float32)
    out = []
    for new, (d, f) in enumerate(zip(order, flip)):
        m = dict(measured[d])
        m["dim"] = new
        if f:
            for k in ("centroid_hz", "noise_share", "level_db"):
                m[k] = list(reversed(m[k]))
        m["monotonic"] = _monotonic(m["centroid_hz"])
        m["says"] = describe_text(m)
        out.append(m)
    return out
