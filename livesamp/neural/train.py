"""Training a voice: analysed sounds -> frame examples -> Adam on ``model.loss_and_grads``.

``examples(frames_list, context)`` turns analyses into training rows (frames quieter than
-70 dB A teach nothing and are left out); ``fit(data, config)`` trains, deterministically
for a given ``config.seed`` (batches and latent noise come from one seeded generator;
float32 BLAS on one thread gives the same sums each run), calling ``progress(step, steps,
loss)`` as it goes; ``chunk_split`` holds out interleaved 1 s chunks for measuring.
Learning rate: cosine from ``lr`` to ``lr_end`` over ``steps``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from .features import HARM_TOP, N_HARM, Frames
from .model import Adam, Config, MelProjection, envelope_reading, floors, init_params, loss_and_grads
from .voice import Voice, conditioning, encoder_inputs

__all__ = ["Examples", "examples", "fit", "chunk_split", "Fitted", "SILENT_DB"]

SILENT_DB = -70.0


@dataclass
class Examples:
    """Training rows, one per audible frame (see ``model.loss_and_grads`` for the fields)."""

    xenc: np.ndarray
    cond: np.ndarray
    loud: np.ndarray
    target: np.ndarray
    hmask: np.ndarray
    f0: np.ndarray
    mel: np.ndarray
    sr: int

    def __len__(self) -> int:
        return int(self.loud.shape[0])


def examples(frames_list: list[Frames], context: int = 2, min_db: float = SILENT_DB) -> Examples:
    """The audible frames of every analysis as training rows (all at one rate)."""
    rates = {f.sr for f in frames_list}
    if len(rates) > 1:
        raise ValueError(f"analyses at several rates {sorted(rates)}: analyse every sound at one rate")
    sr = rates.pop() if rates else 48000
    parts = []
    k = np.arange(1, N_HARM + 1)
    for fr in frames_list:
        if len(fr) == 0:
            continue
        keep = fr.loudness > min_db
        if not keep.any():
            continue
        f0 = fr.f0.astype(np.float64)
        target = np.log(np.maximum(np.concatenate([fr.harm, fr.noise], axis=1).astype(np.float64), 1e-12))
        parts.append((encoder_inputs(fr, context)[keep], conditioning(fr)[keep], fr.loudness[keep],
                      target[keep], (k[None, :] * f0[:, None] < HARM_TOP * sr)[keep], f0[keep], fr.mel[keep]))
    if not parts:
        raise ValueError("no audible frames to train on (every sound is silent or empty)")
    cols = [np.concatenate([p[i] for p in parts]) for i in range(7)]
    return Examples(cols[0].astype(np.float32), cols[1].astype(np.float32), cols[2].astype(np.float32),
                    cols[3].astype(np.float32), cols[4].astype(np.float32), cols[5].astype(np.float32),
                    cols[6].astype(np.float32), sr)


def chunk_split(frames_list: list[Frames], chunk_frames: int = 100, every: int = 5) -> tuple[list, list]:
    """(training, held-out) analyses: every ``every``-th chunk of ``chunk_frames`` frames of
    each sound is held out (the last of each group of ``every``; a sound shorter than that
    many chunks holds nothing out)."""
    train, held = [], []
    for fr in frames_list:
        n = len(fr)
        for c, a in enumerate(range(0, n, chunk_frames)):
            part = fr.slice(a, min(n, a + chunk_frames))
            (held if c % every == every - 1 else train).append(part)
    return train, held


@dataclass
class Fitted:
    voice: Voice
    history: list           # (step, seconds, training loss, held-out loss or None)
    seconds: float
    steps: int


def _batch(data: Examples, idx: np.ndarray, xenc: np.ndarray, reading=None) -> dict:
    b = {"xenc": xenc[idx], "cond": data.cond[idx], "loud": data.loud[idx], "target": data.target[idx],
         "hmask": data.hmask[idx], "mel": data.mel[idx], "f0": data.f0[idx]}
    if reading is not None:
        b["env_i0"], b["env_t"] = reading[0][idx], reading[1][idx]
    return b


def evaluate(voice_params: dict, data: Examples, xenc: np.ndarray, cfg: Config, proj: MelProjection,
             limit: int = 8192) -> float:
    """Loss (controls + spectrum, z = encoder mean) on up to ``limit`` rows of ``data``."""
    n = len(data)
    idx = np.arange(n) if n <= limit else np.linspace(0, n - 1, limit).astype(np.int64)
    total = 0.0
    for a in range(0, len(idx), 2048):
        sel = idx[a:a + 2048]
        b = _batch(data, sel, xenc)
        eps = np.zeros((len(sel), cfg.z_dim), np.float32)
        _, terms, _ = loss_and_grads(voice_params, b, eps, cfg, proj)
        total += (terms["controls"] + terms.get("spectrum", 0.0)) * len(sel)
    return total / len(idx)


def fit(data: Examples, cfg: Config, progress=None, held: Examples | None = None, eval_every: int = 0,
        cancel=None) -> Fitted:
    """Train a voice on ``data``. ``progress(step, steps, loss)``: called every 25 steps;
    ``cancel()``: returning True stops (raises ``KeyboardInterrupt``); ``held``: rows to
    measure every ``eval_every`` steps (0: only at the end)."""
    t0 = time.perf_counter()
    rng = np.random.default_rng(cfg.seed)
    params = init_params(cfg, rng)
    mean = data.xenc.mean(axis=0)
    std = data.xenc.std(axis=0) + 1e-3
    xenc = ((data.xenc - mean) / std).astype(np.float32)
    xheld = ((held.xenc - mean) / std).astype(np.float32) if held is not None and len(held) else None
    # start the output at the mean relative level of the targets (above their floors)
    rel = np.maximum(data.target, floors(data.loud)[:, None]) - (data.loud * math.log(10.0) / 20.0)[:, None]
    reading = envelope_reading(data.cond[:, 0], cfg.envelope) if cfg.envelope else None
    if cfg.envelope:
        i0, t = reading
        near = np.where(t < 0.5, i0, i0 + 1)
        harm = rel[:, :N_HARM]
        total = np.bincount(near.ravel(), harm.ravel(), cfg.envelope)
        count = np.bincount(near.ravel(), None, cfg.envelope)
        env = np.where(count > 0, total / np.maximum(count, 1), harm.mean())
        params["dec_b3"][:] = np.concatenate([env, rel[:, N_HARM:].mean(axis=0)])
    else:
        params["dec_b3"][:] = rel.mean(axis=0)
    proj = MelProjection(data.sr)
    opt = Adam(params)
    history = []
    n = len(data)
    running = None
    for step in range(1, cfg.steps + 1):
        if cancel is not None and cancel():
            raise KeyboardInterrupt("training cancelled")
        idx = rng.integers(0, n, cfg.batch)
        eps = rng.standard_normal((cfg.batch, cfg.z_dim)).astype(np.float32)
        loss, _, grads = loss_and_grads(params, _batch(data, idx, xenc, reading), eps, cfg, proj)
        frac = (step - 1) / max(1, cfg.steps - 1)
        lr = cfg.lr_end + 0.5 * (cfg.lr - cfg.lr_end) * (1.0 + math.cos(math.pi * frac))
        opt.step(params, grads, lr)
        running = loss if running is None else 0.98 * running + 0.02 * loss
        held_loss = None
        if xheld is not None and eval_every and step % eval_every == 0:
            held_loss = evaluate(params, held, xheld, cfg, proj)
        if step % 25 == 0 or step == cfg.steps or held_loss is not None:
            history.append((step, time.perf_counter() - t0, float(running), held_loss))
            if progress is not None:
                progress(step, cfg.steps, float(running))
    if xheld is not None:
        history.append((cfg.steps, time.perf_counter() - t0, float(running), evaluate(params, held, xheld, cfg, proj)))
    voice = Voice(params, mean, std, cfg, sr=data.sr)
    return Fitted(voice, history, time.perf_counter() - t0, cfg.steps)
