"""What each latent dimension does, measured, and the dimensions put in a useful order.

``measure_latents(voice, reference)`` holds a steady reference sound (the training set's
median pitch, periodicity and loudness, 0.6 s) and sets one latent dimension to -2, -1,
0, 1, 2 with the others at 0, renders each with the loudness lock on, and measures the
spectral centroid, flatness and level of the result. ``canonical(voice, ...)`` then
reorders the dimensions, those that move the centroid monotonically first, each group
strongest effect first, and flips signs so that raising any z makes the sound brighter:
z0 is the clearest brightness axis. The
words (``says``): "brighter" / "darker" when the centroid moves by more than 15 % over
the range, "breathier" / "purer" when the flatness moves by more than 0.05, else "subtle".
"""

from __future__ import annotations

import numpy as np

from . import metrics
from .features import N_MEL, N_MEL_LOSS, Frames
from .model import N_COND

__all__ = ["Reference", "reference_of", "measure_latents", "canonical", "describe_text", "SWEEP"]

SWEEP = (-2.0, -1.0, 0.0, 1.0, 2.0)
_SECONDS = 0.6


class Reference:
    """A steady sound to sweep the latents on: pitch (Hz), periodicity, loudness (dB A)."""

    def __init__(self, f0: float, periodicity: float, loudness: float):
        self.f0, self.periodicity, self.loudness = float(f0), float(periodicity), float(loudness)

    def frames(self, sr: int) -> Frames:
        hop = round(sr / 100)
        t = int(_SECONDS * 100) + 1
        z = np.zeros(t, np.float32)
        return Frames(sr, hop, (t - 1) * hop + 1, np.full(t, self.f0, np.float32), np.full(t, self.periodicity, np.float32),
                      np.full(t, self.loudness, np.float32), np.zeros((t, N_MEL), np.float32),
                      np.zeros((t, N_MEL_LOSS), np.float32), np.zeros((t, 64), np.float32), np.zeros((t, 32), np.float32), z)

    def to_dict(self) -> dict:
        return {"f0_hz": round(self.f0, 2), "periodicity": round(self.periodicity, 3), "loudness_db": round(self.loudness, 2)}


def reference_of(frames_list: list[Frames]) -> Reference:
    """The training set's median voiced pitch and periodicity, and median audible loudness."""
    f0 = np.concatenate([f.f0[f.voiced] for f in frames_list]) if frames_list else np.zeros(0)
    per = np.concatenate([f.periodicity[f.voiced] for f in frames_list]) if frames_list else np.zeros(0)
    loud = np.concatenate([f.loudness[f.loudness > -70] for f in frames_list]) if frames_list else np.zeros(0)
    return Reference(float(np.median(f0)) if f0.size else 220.0, float(np.median(per)) if per.size else 0.8,
                     float(np.median(loud)) if loud.size else -24.0)


def measure_latents(voice, ref: Reference, values=SWEEP) -> list[dict]:
    """Per dimension: centroid (Hz), flatness and RMS level (dB) at each value of ``values``."""
    frames = ref.frames(voice.sr)
    t = len(frames)
    out = []
    for d in range(voice.z_dim):
        cent, flat, level = [], [], []
        for v in values:
            z = np.zeros((t, voice.z_dim), np.float32)
            z[:, d] = v
            audio = voice.render(frames, z=z, follow=True, seed=7)
            body = audio[len(audio) // 6:]          # past the onset
            cent.append(round(metrics.centroid_hz(body, voice.sr), 1))
            flat.append(round(metrics.flatness(body, voice.sr), 4))
            level.append(round(metrics.rms_db(body), 2))
        out.append({"dim": d, "values": list(values), "centroid_hz": cent, "flatness": flat, "level_db": level})
    for m in out:
        m["monotonic"] = _monotonic(m["centroid_hz"])
        m["says"] = describe_text(m)
    return out


def _monotonic(xs) -> bool:
    d = np.diff(np.asarray(xs, dtype=np.float64))
    return bool(np.all(d > 0) or np.all(d < 0))


def describe_text(m: dict) -> str:
    c, f = m["centroid_hz"], m["flatness"]
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
    return abs(float(np.log2(c[-1] / c[0]))) + 2.0 * abs(m["flatness"][-1] - m["flatness"][0])


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
            for k in ("centroid_hz", "flatness", "level_db"):
                m[k] = list(reversed(m[k]))
        m["monotonic"] = _monotonic(m["centroid_hz"])
        m["says"] = describe_text(m)
        out.append(m)
    return out
