"""The neural voice's network: hand-written gradients against finite differences, Adam's
determinism, and a small training run that learns (held-out loss, log-mel distance)."""
from __future__ import annotations

import numpy as np
import pytest

from livesamp.neural import features as F
from livesamp.neural import metrics as M
from livesamp.neural.model import Config, MelProjection, init_params, loss_and_grads, param_count
from livesamp.neural.train import chunk_split, evaluate, examples, fit
from livesamp.neural.voice import frame_rms_db

SR = 48000


def _batch(rng, cfg, n=7):
    k = np.arange(1, F.N_HARM + 1)
    f0 = rng.uniform(60, 900, n)
    loud = rng.uniform(-45, -10, n)
    target = rng.normal(-4, 2, (n, F.N_HARM + F.N_NOISE)) + (loud * np.log(10) / 20)[:, None]
    target[:, 40:50] = -np.inf                        # absent partials
    return {
        "xenc": rng.standard_normal((n, cfg.enc_inputs)), "cond": rng.standard_normal((n, 5)) * 0.5,
        "loud": loud, "target": target, "hmask": (k[None, :] * f0[:, None] < 0.47 * SR).astype(float),
        "mel": rng.uniform(-75, -20, (n, F.N_MEL_LOSS)), "f0": f0,
    }


@pytest.mark.parametrize("mel_weight,lock,envelope", [(0.0, True, 0), (1.5, False, 0), (1.5, True, 0),
                                                     (1.5, True, 24)])
def test_gradients_match_finite_differences(mel_weight, lock, envelope):
    """Every parameter, every term: controls, spectrum (before or after the loudness lock), KL;
    harmonics straight from the network or read from its spectral envelope."""
    rng = np.random.default_rng(11)
    cfg = Config(hidden=7, enc_hidden=5, z_dim=3, context=1, beta=0.05, mel_weight=mel_weight, lock_loss=lock,
                 envelope=envelope)
    params = init_params(cfg, rng, dtype=np.float64)
    for v in params.values():                         # biases away from zero: kinks elsewhere too
        v += rng.normal(0, 0.05, v.shape)
    proj = MelProjection(SR, dtype=np.float64)
    b = _batch(rng, cfg)
    eps = rng.standard_normal((7, cfg.z_dim))
    _, terms, grads = loss_and_grads(params, b, eps, cfg, proj)
    assert ("spectrum" in terms) == (mel_weight > 0)
    h = 1e-6
    worst = 0.0
    for name, p in params.items():
        g = grads[name]
        assert g.shape == p.shape and g.dtype == np.float64
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + h
            up = loss_and_grads(params, b, eps, cfg, proj)[0]
            p[idx] = old - h
            down = loss_and_grads(params, b, eps, cfg, proj)[0]
            p[idx] = old
            fd = (up - down) / (2 * h)
            err = abs(fd - g[idx]) / max(1e-4, abs(fd) + abs(g[idx]))
            worst = max(worst, err)
    assert worst < 1e-4, worst


def test_training_is_deterministic_for_a_seed():
    rng = np.random.default_rng(0)
    x = (np.sin(2 * np.pi * 220 * np.arange(SR) / SR) * 0.3 + rng.normal(0, 0.01, SR)).astype(np.float32)
    data = examples([F.analyse(x, SR)])
    cfg = Config(hidden=16, enc_hidden=8, steps=30, batch=64, seed=5)
    a, b = fit(data, cfg), fit(data, cfg)
    for k in a.voice.params:
        assert np.array_equal(a.voice.params[k], b.voice.params[k]), k
    c = fit(data, Config(hidden=16, enc_hidden=8, steps=30, batch=64, seed=6))
    assert not np.array_equal(a.voice.params["dec_w1"], c.voice.params["dec_w1"])


def test_the_one_minute_shape_has_at_most_50k_parameters():
    assert param_count(init_params(Config(), np.random.default_rng(0))) <= 50_000


def test_a_small_training_run_learns_and_beats_loudness_shaped_noise():
    """~20 s of the default bank (tones and noises), 600 steps: the held-out loss (controls
    plus spectrum, interleaved 1 s chunks never trained on) drops below a fixed bound, and
    the resynthesis is >= 5x closer (log-mel distance) than noise shaped by the loudness."""
    from livesamp.bank import default_library

    lib = default_library()
    sounds = [lib.get(n, i).audio().mean(axis=1) for n in ("hum", "ping", "rumble", "hiss", "womp", "boing")
              for i in range(2)]
    frames = [F.analyse(a, SR) for a in sounds]
    train, held = chunk_split(frames, 50, 4)
    cfg = Config(hidden=64, steps=600, batch=256, seed=1)
    tr, he = examples(train), examples(held)
    untrained = fit(tr, Config(hidden=64, steps=1, batch=256, seed=1), held=he)
    fitted = fit(tr, cfg, held=he)
    before, after = untrained.history[-1][3], fitted.history[-1][3]
    assert after < 0.6 and after < 0.3 * before, (before, after)
    # log-mel distance on the held-out chunks, against loudness-shaped noise
    rng = np.random.default_rng(0)
    d_model = d_noise = 0.0
    for fr, a in zip(frames, sounds):
        for c, s in enumerate(range(0, len(fr), 50)):
            if c % 4 != 3:
                continue
            e = min(len(fr), s + 50)
            part, chunk = fr.slice(s, e), a[s * fr.hop:(e - 1) * fr.hop + 1]
            out = fitted.voice.render(part, source=chunk)
            env = 10 ** (np.interp(np.arange(len(chunk)), np.arange(len(part)) * part.hop,
                                   frame_rms_db(chunk, part.hop, len(part))) / 20)
            d_model += M.logmel_distance(chunk, out, SR) * len(chunk)
            d_noise += M.logmel_distance(chunk, rng.standard_normal(len(chunk)) * env, SR) * len(chunk)
    assert d_noise >= 5 * d_model, (d_model, d_noise)


def test_evaluate_is_the_loss_without_latent_noise():
    rng = np.random.default_rng(4)
    x = (np.sin(2 * np.pi * 330 * np.arange(SR // 2) / SR) * 0.2).astype(np.float32)
    data = examples([F.analyse(x, SR)])
    cfg = Config(hidden=8, enc_hidden=4)
    p = init_params(cfg, rng)
    proj = MelProjection(SR)
    xenc = data.xenc
    once = evaluate(p, data, xenc, cfg, proj)
    assert np.isfinite(once) and once == evaluate(p, data, xenc, cfg, proj)
