"""The network: a small VAE encoder and an MLP decoder, forward and backward by hand.

Encoder: the log-mel *shape* of 2 * ``context`` + 1 frames (40 bands each, frame loudness
subtracted, standardised) -> ``enc_hidden`` (leaky ReLU) -> mean and log-variance of a
``z_dim``-dimensional latent z. Decoder: [log2(f0/440)/2, periodicity, (L+40)/20,
(L - L_prev)/20, (L_next - L)/20, z] -> ``hidden`` -> ``hidden`` (leaky ReLU) -> ``N_HARM``
ln harmonic amplitudes and ``N_NOISE`` ln noise gains, both relative to the frame's
loudness (absolute = output + L * ln(10) / 20).

With ``envelope`` > 0 (what ``build.config_for`` trains) the decoder's harmonic outputs are
a spectral envelope instead: ``envelope`` ln amplitudes on bins equally spaced in mel from
0 to 24 kHz, and harmonic k is read from it at k x f0 (linear interpolation between the two
nearest bins, ``envelope_reading``/``expand``). A source-filter voice: a pitch the
training set never had still finds the timbre's resonances where they are, where a row of
per-harmonic outputs would have to extrapolate (held out by 5-fold cross-validation, the
log-mel distance fell on every fold of the sonic-pi sets, guit 2.465 -> 2.158 dB pooled).

Loss per batch (``loss_and_grads``), three terms:

- controls: squared error of ln amplitudes, prediction and target both floored at
  max(-100 dB, L - 60 dB) (inaudible partials cost nothing), harmonics above 0.47 x the
  rate masked out;
- spectrum: ``mel_weight`` x the squared error (in units of 10 dB) between the frame's
  64-band log-mel (20 Hz-20 kHz, floored at -80 dB) and that of the predicted controls
  after the loudness lock (``follow``: each frame shifted so its analytic A-weighted
  loudness is the source's, as the voice plays by default; ``lock_loss=False``: before),
  which is computed analytically (a harmonic of amplitude a at f adds a^2/2 times the
  Hann-smeared mel response at f; a noise band adds its gain^2 times its overlap with each
  mel band): the spectral loss "through the synthesiser", on the very scale the quality is
  measured on;
- ``beta`` x the KL divergence of the latent from N(0, 1) (summed over dims).

Every array is of the parameters' dtype (float32 for training, float64 for the gradient
check in the tests). The backward pass is written out layer by layer; ``Adam`` updates in
place.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from . import _kernels as K
from .features import N_HARM, N_MEL, N_MEL_LOSS, N_NOISE

__all__ = ["Config", "init_params", "encode", "decode", "loss_and_grads", "Adam", "param_count", "N_COND",
           "LN10_20", "MEL_FLOOR_DB"]

N_COND = 5
N_OUT = N_HARM + N_NOISE
LN10_20 = math.log(10.0) / 20.0
MEL_FLOOR_DB = -80.0
_FLOOR_DB = -100.0
_MAX_BOOST_LN = math.log(10.0)      # the loudness lock boosts by at most 20 dB (voice.MAX_BOOST_DB)
_FLOOR_BELOW_DB = 60.0


@dataclass(frozen=True)
class Config:
    """Network shape and training schedule (stored in the model file)."""

    hidden: int = 128
    enc_hidden: int = 64
    z_dim: int = 4
    context: int = 2
    slope: float = 0.01          # leaky ReLU
    beta: float = 0.01
    mel_weight: float = 10.0
    lock_loss: bool = True       # the spectral term sees the loudness-locked controls
    envelope: int = 0            # > 0: harmonics read from a spectral envelope of this many bins
    steps: int = 2500
    batch: int = 512
    lr: float = 3e-3
    lr_end: float = 1e-4
    seed: int = 0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Config:
        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    @property
    def enc_inputs(self) -> int:
        return N_MEL * (2 * self.context + 1)


def init_params(cfg: Config, rng: np.random.Generator, dtype=np.float32) -> dict[str, np.ndarray]:
    """He-initialised weights, zero biases."""
    def he(n_in, n_out, gain=1.0):
        return (rng.standard_normal((n_in, n_out)) * gain * math.sqrt(2.0 / n_in)).astype(dtype)

    z, h, eh = cfg.z_dim, cfg.hidden, cfg.enc_hidden
    n_out = (cfg.envelope or N_HARM) + N_NOISE
    return {
        "enc_w1": he(cfg.enc_inputs, eh), "enc_b1": np.zeros(eh, dtype),
        "enc_w2": he(eh, 2 * z, 0.1), "enc_b2": np.zeros(2 * z, dtype),
        "dec_w1": he(N_COND + z, h), "dec_b1": np.zeros(h, dtype),
        "dec_w2": he(h, h), "dec_b2": np.zeros(h, dtype),
        "dec_w3": he(h, n_out, 0.1), "dec_b3": np.zeros(n_out, dtype),
    }


def param_count(params: dict[str, np.ndarray]) -> int:
    return int(sum(v.size for v in params.values()))


def _lrelu(a, slope):
    return np.maximum(a, a * slope)  # slope < 1


def _dlrelu(a, g, slope):
    return np.where(a > 0, g, g * slope)


def encode(p: dict, x: np.ndarray, slope: float = 0.01):
    """(mu, logvar) of the latent for encoder inputs ``x`` (frames, enc_inputs)."""
    h = _lrelu(x @ p["enc_w1"] + p["enc_b1"], slope)
    o = h @ p["enc_w2"] + p["enc_b2"]
    z = o.shape[1] // 2
    return o[:, :z], o[:, z:]


def decode(p: dict, cond: np.ndarray, z: np.ndarray, slope: float = 0.01, envelope: int = 0) -> np.ndarray:
    """(frames, N_HARM + N_NOISE) ln amplitudes relative to loudness."""
    x = np.concatenate([cond, z], axis=1)
    h1 = _lrelu(x @ p["dec_w1"] + p["dec_b1"], slope)
    h2 = _lrelu(h1 @ p["dec_w2"] + p["dec_b2"], slope)
    raw = h2 @ p["dec_w3"] + p["dec_b3"]
    if not envelope:
        return raw
    i0, t = envelope_reading(cond[:, 0], envelope)
    return expand(raw, i0, t, envelope)


ENV_TOP_HZ = 24000.0


def envelope_reading(c0: np.ndarray, n_env: int):
    """Where harmonic k of each frame reads the envelope: (lower bin (B, N_HARM) int32,
    weight of the upper bin (B, N_HARM) float32); bins equally spaced in mel from 0 to
    ``ENV_TOP_HZ``, f0 from the conditioning's first column (log2(f0/440)/2)."""
    f0 = 440.0 * np.exp2(2.0 * np.asarray(c0, dtype=np.float64))
    f = f0[:, None] * np.arange(1, N_HARM + 1)
    pos = (n_env - 1) * np.log1p(f / 700.0) / math.log1p(ENV_TOP_HZ / 700.0)
    pos = np.clip(pos, 0.0, n_env - 1.0)
    i0 = np.minimum(pos.astype(np.int32), n_env - 2)
    return i0, (pos - i0).astype(np.float32)


def expand(raw: np.ndarray, i0: np.ndarray, t: np.ndarray, n_env: int) -> np.ndarray:
    """Envelope-plus-noise outputs (B, n_env + N_NOISE) -> harmonic-plus-noise (B, N_OUT)."""
    out = np.empty((raw.shape[0], N_OUT), raw.dtype)
    K.envelope_expand(np.ascontiguousarray(raw), i0, t, n_env, out)
    return out


def expand_grad(dy: np.ndarray, i0: np.ndarray, t: np.ndarray, n_env: int) -> np.ndarray:
    """The gradient of ``expand``: d/d outputs (B, N_OUT) -> d/d raw (B, n_env + N_NOISE)."""
    draw = np.empty((dy.shape[0], n_env + N_NOISE), dy.dtype)
    K.envelope_expand_grad(np.ascontiguousarray(dy), i0, t, n_env, draw)
    return draw


def floors(loudness: np.ndarray) -> np.ndarray:
    """ln-amplitude floor per frame: max(-100 dB, L - 60 dB)."""
    return np.maximum(_FLOOR_DB, loudness - _FLOOR_BELOW_DB) * LN10_20


def loss_and_grads(p: dict, b: dict, eps: np.ndarray, cfg: Config, mel_proj=None):
    """(total loss, {term: value}, grads) for one batch.

    ``b``: ``xenc`` (B, enc_inputs), ``cond`` (B, N_COND), ``loud`` (B,) dB, ``target``
    (B, N_OUT) absolute ln amplitudes (-inf allowed), ``hmask`` (B, N_HARM) 1 where the
    harmonic is below 0.47 x the rate, and for the spectral term ``mel`` (B, 64) dB and
    ``f0`` (B,) Hz (see ``MelProjection``). ``eps``: (B, z_dim)
    standard normal draws. ``mel_proj``: a ``MelProjection`` (None: no spectral term).
    """
    dt = p["dec_w1"].dtype
    s = cfg.slope
    nb = b["cond"].shape[0]
    # encoder
    a_e = b["xenc"] @ p["enc_w1"] + p["enc_b1"]
    h_e = _lrelu(a_e, s)
    o = h_e @ p["enc_w2"] + p["enc_b2"]
    zd = cfg.z_dim
    mu, lv = o[:, :zd], o[:, zd:]
    lv = np.clip(lv, -12.0, 8.0)
    sd = np.exp(0.5 * lv)
    z = mu + sd * eps
    # decoder
    x0 = np.concatenate([b["cond"], z], axis=1)
    a1 = x0 @ p["dec_w1"] + p["dec_b1"]
    h1 = _lrelu(a1, s)
    a2 = h1 @ p["dec_w2"] + p["dec_b2"]
    h2 = _lrelu(a2, s)
    y = h2 @ p["dec_w3"] + p["dec_b3"]
    if cfg.envelope:
        if "env_i0" in b:
            i0, tw = b["env_i0"], b["env_t"]
        else:
            i0, tw = envelope_reading(b["cond"][:, 0], cfg.envelope)
        y = expand(y, i0, tw, cfg.envelope)
    shift = (b["loud"] * LN10_20)[:, None].astype(dt)
    pred = y + shift
    # controls term
    fl = floors(b["loud"])[:, None].astype(dt)
    err = np.maximum(pred, fl) - np.maximum(b["target"], fl)
    err[:, :N_HARM] *= b["hmask"]
    count = max(float(b["hmask"].sum()) + nb * N_NOISE, 1.0)
    l_ctrl = float(np.vdot(err, err)) / count
    dpred = err * (pred > fl) * dt.type(2.0 / count)
    terms = {"controls": l_ctrl}
    total = l_ctrl
    if mel_proj is not None and cfg.mel_weight > 0:
        # the spectrum as it plays with follow on (lock_loss): after the loudness lock
        l_mel, dpred_mel = mel_proj.loss(pred, b, cfg.mel_weight, cfg.lock_loss)
        terms["spectrum"] = l_mel
        total += l_mel
        dpred = dpred + dpred_mel
    # KL
    kl = 0.5 * np.sum(mu * mu + np.exp(lv) - lv - 1.0, axis=1)
    l_kl = cfg.beta * float(np.mean(kl))
    terms["kl"] = l_kl
    total += l_kl
    # backward: decoder
    dy = dpred.astype(dt)
    if cfg.envelope:
        dy = expand_grad(dy, i0, tw, cfg.envelope)
    g = {}
    g["dec_w3"] = h2.T @ dy
    g["dec_b3"] = dy.sum(axis=0)
    da2 = _dlrelu(a2, dy @ p["dec_w3"].T, s)
    g["dec_w2"] = h1.T @ da2
    g["dec_b2"] = da2.sum(axis=0)
    da1 = _dlrelu(a1, da2 @ p["dec_w2"].T, s)
    g["dec_w1"] = x0.T @ da1
    g["dec_b1"] = da1.sum(axis=0)
    dz = (da1 @ p["dec_w1"].T)[:, N_COND:]
    # backward: reparameterisation and KL (lv's clip passes no gradient where it clips)
    kb = cfg.beta / nb
    dmu = dz + kb * mu
    dlv = (dz * eps * 0.5 * sd + kb * 0.5 * (np.exp(lv) - 1.0))
    raw_lv = o[:, zd:]
    dlv = dlv * ((raw_lv > -12.0) & (raw_lv < 8.0))
    do = np.concatenate([dmu, dlv], axis=1).astype(dt)
    g["enc_w2"] = h_e.T @ do
    g["enc_b2"] = do.sum(axis=0)
    dae = _dlrelu(a_e, do @ p["enc_w2"].T, s)
    g["enc_w1"] = b["xenc"].T @ dae
    g["enc_b1"] = dae.sum(axis=0)
    return total, terms, {k: v.astype(dt, copy=False) for k, v in g.items()}


class MelProjection:
    """The 64-band mel spectrum (dB) of harmonic-plus-noise controls, and its gradient.

    Harmonic k of a frame lands, Hann-smeared, in at most 4 mel bands (a table on a 2 Hz
    grid; the numba kernels ``harm_mel``/``harm_mel_grad`` apply it). Noise band b adds
    ``gain_b^2 * noise_mel[b, j]`` to mel band j."""

    GRID_HZ = 2.0

    def __init__(self, sr: int, dtype=np.float32):
        from .features import _tables, layout, noise_weights

        t = _tables(int(sr))
        hop, n_fft = layout(sr)
        freqs = t["freqs"]
        mel = t["mel64"] / (2.0 / (n_fft * np.sum(t["hann"] ** 2)))  # plain triangles again
        self.sr = int(sr)
        self.noise_mel = ((2.0 / n_fft) * noise_weights(freqs).T @ mel).astype(dtype)   # (N_NOISE, 64)
        # Hann main lobe power, oversampled 32x, as a function of the offset in bins
        over = 32
        w = t["hann"]
        spec = np.abs(np.fft.rfft(w, n_fft * over)) ** 2
        spec /= spec[0]
        reach = 4 * over
        lobe = spec[:reach + 1]                                   # offsets 0 .. 4 bins
        grid = np.arange(0.0, sr / 2.0, self.GRID_HZ)
        bin_hz = sr / n_fft
        idx = np.zeros((len(grid), 4), np.int64)
        wts = np.zeros((len(grid), 4), dtype)
        for gi in range(0, len(grid), 4096):
            f = grid[gi:gi + 4096]
            pos = f / bin_hz
            k0 = np.floor(pos).astype(np.int64)
            resp = np.zeros((len(f), mel.shape[1]))
            lsum = np.zeros(len(f))
            for dk in range(-4, 6):
                k = k0 + dk
                ok = (k >= 0) & (k < len(freqs))
                off = np.abs(k - pos)
                lam = np.where(off <= 4.0, np.interp(off * over, np.arange(reach + 1), lobe), 0.0) * ok
                resp += lam[:, None] * mel[np.clip(k, 0, len(freqs) - 1)]
                lsum += lam
            resp /= np.maximum(lsum, 1e-12)[:, None]
            top = np.argsort(-resp, axis=1)[:, :4]
            idx[gi:gi + 4096] = top
            wts[gi:gi + 4096] = np.take_along_axis(resp, top, axis=1)
        self.grid_idx = idx.astype(np.int32)
        self.grid_w = wts.astype(dtype)
        from .features import a_weighting, noise_band_power

        self.a2_grid = (a_weighting(grid) ** 2).astype(dtype)
        self.noise_a2 = noise_band_power(int(sr))["a2"].astype(dtype)
        self._k = np.arange(1, N_HARM + 1, dtype=dtype)
        self.dtype = dtype

    def loss(self, pred: np.ndarray, b: dict, weight: float, lock: bool = True):
        """(weighted loss, d loss / d pred) of the spectral term; ``lock``: of the controls
        after the loudness lock (each frame shifted by lg so that its A-weighted loudness,
        computed as ``voice.analytic_loudness`` does, is the frame's ``loud``; boost capped
        at +20 dB)."""
        dt = pred.dtype
        nb = pred.shape[0]
        e10 = math.exp(10.0)
        below = pred < 5.0
        power = np.exp(2.0 * np.minimum(pred, 5.0))          # amplitude^2, capped at e^10
        power[:, :N_HARM] *= 0.5 * b["hmask"]                 # a sine's mean square is a^2 / 2
        if lock:
            g = np.clip(np.rint(b["f0"][:, None] * self._k / self.GRID_HZ).astype(np.int64), 0, len(self.a2_grid) - 1)
            contrib = np.empty_like(power)
            contrib[:, :N_HARM] = power[:, :N_HARM] * self.a2_grid[g]
            contrib[:, N_HARM:] = power[:, N_HARM:] * self.noise_a2
            contrib *= below
            ms = contrib.sum(axis=1) + 1e-30
            lg = 0.5 * (b["loud"] * (math.log(10.0) / 10.0) - np.log(ms))
            free = lg < _MAX_BOOST_LN
            scale = np.exp(2.0 * np.minimum(lg, _MAX_BOOST_LN))[:, None]
            raw = power * scale
            power = np.minimum(raw, e10)
            below = raw < e10
        ph, pn = power[:, :N_HARM], power[:, N_HARM:]
        mel = K.harm_mel(ph, b["f0"], self.grid_idx, self.grid_w, self.GRID_HZ, N_MEL_LOSS)
        mel += pn @ self.noise_mel
        mel += 1e-12
        db = 10.0 * np.log10(mel)
        above = db > MEL_FLOOR_DB
        e = (np.where(above, db, MEL_FLOOR_DB) - np.maximum(b["mel"], MEL_FLOOR_DB)) / 10.0
        n = e.size
        loss = weight * float(np.vdot(e, e)) / n
        dmel = ((weight * 2.0 / (n * math.log(10.0))) * e * above / mel).astype(dt)
        dpow = np.empty((nb, N_OUT), dt)
        dpow[:, :N_HARM] = K.harm_mel_grad(dmel, b["f0"], ph, self.grid_idx, self.grid_w, self.GRID_HZ)
        dpow[:, N_HARM:] = dmel @ self.noise_mel.T
        dpred = dpow * 2.0 * power * below            # d power / d ln amplitude = 2 power
        if lock:   # through the shift: d lg / d pred_j = -contrib_j / ms
            total = dpred.sum(axis=1) * free
            dpred -= total[:, None] * (contrib / ms[:, None])
        return loss, dpred.astype(dt)


class Adam:
    """Adam with bias correction; ``step(params, grads, lr)`` updates in place."""

    def __init__(self, params: dict, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8):
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}
        self.b1, self.b2, self.eps = b1, b2, eps
        self.t = 0

    def step(self, params: dict, grads: dict, lr: float) -> None:
        self.t += 1
        c1 = 1.0 - self.b1 ** self.t
        c2 = 1.0 - self.b2 ** self.t
        for k, p in params.items():
            g = grads[k]
            m, v = self.m[k], self.v[k]
            m *= self.b1
            m += (1.0 - self.b1) * g
            v *= self.b2
            v += (1.0 - self.b2) * (g * g)
            p -= (lr / c1) * m / (np.sqrt(v / c2) + self.eps)
