"""The recipe table of the default bank: one entry per onomatopoeic sound name.

A catalogue module (long by nature). Each ``_make_*`` function takes a seeded
``numpy.random.Generator`` and the variant index and returns float64 audio at 48 kHz,
mono ``(frames,)`` or stereo ``(frames, 2)``. Variants spread deterministically by index
(pitch, length, colour) plus a little seeded jitter; variant 0 is the canonical one.
Level (fades, normalisation) is applied afterwards by ``render``, from the table.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import synth as s
from .synth import SR, frames, seconds

__all__ = ["Recipe", "RECIPES", "recipe_seed", "render"]

Maker = Callable[[np.random.Generator, int], np.ndarray]


@dataclass(frozen=True)
class Recipe:
    """One sound name of the default bank.

    ``text`` is the short human description shown in provenance; ``kind`` is
    "percussive" (at most 0.6 s), "tone" (a ringing note, at most 2 s) or "texture"
    (1-4 s); ``peak_db``/``max_rms_db`` set its level; ``version``
    is bumped by hand to force regeneration when only numbers inside ``make`` change
    in a way the source hash would miss.
    """

    name: str
    make: Maker
    text: str
    variants: int = 4
    kind: str = "percussive"
    peak_db: float = -1.0
    max_rms_db: float | None = None
    fade_in_s: float = 0.0005
    fade_out_s: float = 0.01
    version: int = 1


def recipe_seed(name: str, index: int) -> int:
    """The seed of variant ``index`` of ``name``: stable across runs and platforms."""
    return (zlib.crc32(name.encode("utf-8")) * 1009 + index) % (2**32)


def render(recipe: Recipe, index: int) -> np.ndarray:
    """Synthesise variant ``index`` of ``recipe``: float32, faded and normalised."""
    rng = np.random.default_rng(recipe_seed(recipe.name, index))
    x = recipe.make(rng, index)
    x = s.fade(x, recipe.fade_in_s, recipe.fade_out_s)
    x = s.normalise(x, recipe.peak_db, recipe.max_rms_db)
    return np.ascontiguousarray(x, dtype=np.float32)


def _pick(values, v: int):
    return values[v % len(values)]


def _j(rng: np.random.Generator, amount: float = 0.03) -> float:
    """A jitter factor around 1 (+- ``amount``)."""
    return float(rng.uniform(1.0 - amount, 1.0 + amount))


# -- air: swooshes ---------------------------------------------------------------------

def _passing_noise(rng, n, lo_hz, hi_hz, q, peak_at, colour, pan_from, pan_to):
    """Band-passed noise whose centre follows a swelling envelope, panned across."""
    env = s.swell(n, peak_at, 1.6, 1.3)
    centre = lo_hz * (hi_hz / lo_hz) ** (env ** 0.8)
    left = s.bandpass(s.coloured(rng, n, colour), centre * _j(rng, 0.02), q, stages=2)
    right = s.bandpass(s.coloured(rng, n, colour), centre * _j(rng, 0.02), q, stages=2)
    place = np.linspace(pan_from, pan_to, n)
    gain_l = np.cos(place * 0.5 * np.pi)
    gain_r = np.sin(place * 0.5 * np.pi)
    mono = 0.5 * (left + right)
    return s.stereo((0.7 * mono + 0.3 * left) * gain_l * env, (0.7 * mono + 0.3 * right) * gain_r * env)


def _make_big_swoosh(rng, v):
    n = frames(_pick([1.6, 1.3, 2.0, 1.8], v) * _j(rng))
    lo = _pick([300.0, 240.0, 360.0, 200.0], v) * _j(rng, 0.08)
    body = _passing_noise(rng, n, lo, lo * _pick([9.0, 8.0, 11.0, 7.0], v), 1.3, _pick([0.62, 0.55, 0.68, 0.6], v),
                          -3.0, 0.15, 0.85)
    sub = s.bandpass(s.brown(rng, n), 90.0, 0.8) * s.swell(n, 0.6, 2.0, 1.5)
    return body + 0.12 * sub[:, None]


def _make_small_swoosh(rng, v):
    n = frames(_pick([0.35, 0.28, 0.45, 0.3], v) * _j(rng))
    lo = _pick([1400.0, 1800.0, 1100.0, 2200.0], v) * _j(rng, 0.08)
    return _passing_noise(rng, n, lo, lo * 3.5, 1.8, _pick([0.6, 0.55, 0.65, 0.5], v), 0.0, 0.35, 0.65)


def _make_swish(rng, v):
    n = frames(_pick([0.22, 0.16, 0.3, 0.19], v) * _j(rng))
    hi = _pick([7500.0, 9000.0, 6000.0, 8200.0], v) * _j(rng, 0.05)
    env = s.swell(n, 0.3, 1.2, 2.2)
    centre = hi * (0.35 + 0.65 * np.linspace(1.0, 0.0, n) ** 1.5)  # whips downwards
    return s.bandpass(s.white(rng, n), centre, 1.4, stages=2) * env


# -- impacts ---------------------------------------------------------------------------

def _make_thud(rng, v):
    n = frames(_pick([0.35, 0.3, 0.45, 0.4], v))
    f_lo = _pick([55.0, 62.0, 48.0, 44.0], v) * _j(rng)
    f_hi = f_lo * _pick([3.0, 2.6, 3.4, 3.8], v)
    pitch = s.glide(f_hi, f_lo, n, 0.03)
    body = s.sine(pitch, n) * s.perc(n, 0.0008, _pick([0.09, 0.07, 0.12, 0.1], v))
    click = s.lowpass(s.white(rng, n), 2500.0, stages=2) * s.exp_env(n, 0.004)
    return s.soft_clip(body + 0.35 * click, 1.6)


def _make_soft_thud(rng, v):
    n = frames(_pick([0.3, 0.25, 0.38, 0.34], v))
    f_lo = _pick([50.0, 58.0, 45.0, 40.0], v) * _j(rng)
    pitch = s.glide(f_lo * 1.8, f_lo, n, 0.025)
    body = s.sine(pitch, n) * s.perc(n, 0.006, _pick([0.07, 0.06, 0.09, 0.08], v))
    thump = s.lowpass(s.pink(rng, n), 350.0, stages=2) * s.perc(n, 0.005, 0.025)
    return body + 0.25 * thump


def _make_boom(rng, v):
    n = frames(_pick([1.6, 1.3, 2.0, 1.8], v))
    f_lo = _pick([38.0, 44.0, 33.0, 41.0], v) * _j(rng)
    body = s.sine(s.glide(f_lo * 2.6, f_lo, n, 0.07), n) * s.perc(n, 0.002, _pick([0.4, 0.32, 0.5, 0.45], v))
    tail_l = s.lowpass(s.brown(rng, n), 220.0, stages=2)
    tail_r = s.lowpass(s.brown(rng, n), 220.0, stages=2)
    tail_env = s.perc(n, 0.01, _pick([0.5, 0.4, 0.7, 0.6], v))
    crack = s.lowpass(s.white(rng, n), 1800.0) * s.exp_env(n, 0.01)
    mono = s.soft_clip(body + 0.3 * crack, 2.0)
    return s.stereo(mono + 0.45 * tail_l * tail_env, mono + 0.45 * tail_r * tail_env)


def _make_klonk(rng, v):
    n = frames(_pick([0.4, 0.32, 0.5, 0.36], v))
    f0 = _pick([330.0, 270.0, 410.0, 225.0], v) * _j(rng, 0.04)
    ratios = np.array([1.0, 1.59, 2.27, 2.96, 3.82]) * rng.uniform(0.97, 1.03, 5)
    amps = np.array([1.0, 0.75, 0.5, 0.35, 0.22])
    taus = np.array([0.16, 0.11, 0.075, 0.05, 0.035]) * _pick([1.0, 0.8, 1.25, 0.9], v)
    pitch_drop = 1.0 + 0.03 * s.exp_env(n, 0.008)  # hard strike bends the pitch briefly
    t = seconds(n)
    x = np.zeros(n)
    for r, a, tau in zip(ratios, amps, taus):
        x += a * np.sin(2.0 * np.pi * np.cumsum(f0 * r * pitch_drop) / SR) * np.exp(-t / tau)
    cavity = 0.5 * np.sin(2.0 * np.pi * f0 * 0.5 * t) * s.exp_env(n, 0.06)  # hollow body
    strike = s.bandpass(s.white(rng, n), 2200.0, 0.8) * s.exp_env(n, 0.003)
    return x + cavity + 0.6 * strike


def _make_knock(rng, v):
    n = frames(_pick([0.2, 0.17, 0.25, 0.22], v))
    f0 = _pick([180.0, 210.0, 150.0, 240.0], v) * _j(rng, 0.05)
    body = s.modal(f0 * np.array([1.0, 2.31, 3.95, 5.4]), [1.0, 0.6, 0.35, 0.2],
                   [0.045, 0.03, 0.018, 0.012], n)
    hit = s.lowpass(s.white(rng, n), 1600.0, stages=2) * s.exp_env(n, 0.005)
    return body + 0.8 * hit


def _make_tick(rng, v):
    n = frames(_pick([0.02, 0.015, 0.025, 0.018, 0.022], v))
    f0 = _pick([2600.0, 3300.0, 2100.0, 4200.0, 2900.0], v) * _j(rng)
    x = s.modal(f0 * np.array([1.0, 1.63, 2.41]), [1.0, 0.5, 0.3], [0.003, 0.002, 0.0015], n)
    click = s.highpass(s.white(rng, n), 2000.0) * s.exp_env(n, 0.0006)
    return x + 0.5 * click


def _make_clap(rng, v):
    n = frames(_pick([0.4, 0.34, 0.5, 0.45], v))
    gaps_ms = np.cumsum([0.0] + list(rng.uniform(7.0, 12.0, _pick([3, 3, 4, 2], v))))
    x = np.zeros(n)
    for i, gap in enumerate(gaps_ms):
        burst = s.white(rng, n) * s.perc(n, 0.0003, 0.0025)
        x += s.delay(burst, int(gap * SR / 1000.0), n) * (0.8 + 0.2 * i / len(gaps_ms))
    tail = s.white(rng, n) * s.perc(n, 0.001, _pick([0.08, 0.06, 0.12, 0.1], v))
    x += s.delay(tail, int(gaps_ms[-1] * SR / 1000.0), n) * 0.7
    centre = _pick([1200.0, 1450.0, 1000.0, 1300.0], v) * _j(rng)
    left = s.highpass(s.bandpass(x, centre, 1.1), 500.0)
    right = s.highpass(s.bandpass(s.delay(x, 11, n), centre * 1.06, 1.1), 500.0)
    return s.stereo(left, 0.9 * left + 0.1 * right)


# -- metal and glass -------------------------------------------------------------------

_HAT_HZ = np.array([205.3, 304.4, 369.6, 522.7, 540.0, 800.0])


def _make_tss(rng, v):
    n = frames(_pick([0.3, 0.22, 0.4, 0.26], v))
    noise = s.highpass(s.white(rng, n), _pick([7000.0, 8000.0, 6000.0, 9000.0], v), stages=2)
    metal = sum(s.square(f * _pick([1.0, 1.1, 0.9, 1.2], v), n, start=rng.random()) for f in _HAT_HZ)
    metal = s.highpass(metal, 7000.0, stages=2)
    env = s.perc(n, 0.001, _pick([0.08, 0.055, 0.11, 0.065], v))
    return s.lowpass(noise + 0.5 * metal, 15000.0) * env


def _make_tsk(rng, v):
    n = frames(_pick([0.07, 0.06, 0.08, 0.065], v))
    x = s.bandpass(s.highpass(s.white(rng, n), 5000.0, stages=2), _pick([8000.0, 9500.0, 7000.0, 10500.0], v), 0.9)
    return x * s.perc(n, 0.0003, _pick([0.012, 0.01, 0.016, 0.011], v))


def _make_ping(rng, v):
    n = frames(_pick([1.4, 1.2, 1.6, 1.3], v))
    f0 = _pick([1760.0, 2093.0, 1568.0, 2637.0], v)
    t = seconds(n)
    tone = np.sin(2.0 * np.pi * f0 * t) + 0.15 * np.sin(2.0 * np.pi * f0 * 1.0025 * t + rng.uniform(0, 6.28))
    return tone * s.perc(n, 0.001, _pick([0.4, 0.35, 0.5, 0.3], v))


def _make_plink(rng, v):
    n = frames(_pick([0.45, 0.38, 0.55, 0.4], v))
    f0 = _pick([1568.0, 1976.0, 1319.0, 2349.0], v)
    string = s.karplus(rng, f0, n, _pick([0.12, 0.1, 0.16, 0.09], v), brightness=0.7)
    tone = np.sin(2.0 * np.pi * f0 * seconds(n)) * s.perc(n, 0.0005, 0.08)
    return string / (np.max(np.abs(string)) + 1e-12) + 0.4 * tone


def _make_pluck(rng, v):
    n = frames(_pick([0.6, 0.5, 0.6, 0.55], v))
    f0 = _pick([196.0, 147.0, 262.0, 110.0], v)
    x = s.karplus(rng, f0, n, _pick([0.25, 0.3, 0.2, 0.35], v), brightness=0.5,
                  excite_lowpass_hz=_pick([2500.0, 2000.0, 3000.0, 1800.0], v),
                  pluck_at=_pick([0.2, 0.3, 0.15, 0.25], v))
    return s.dc_block(x)


# -- water and pitch gestures ----------------------------------------------------------

def _make_drip(rng, v):
    n = frames(_pick([0.14, 0.12, 0.18, 0.1, 0.16], v))
    f0 = _pick([750.0, 950.0, 600.0, 1200.0, 850.0], v) * _j(rng, 0.05)
    pitch = s.glide(f0, f0 * _pick([2.6, 2.3, 3.0, 2.2, 2.8], v), n, 0.018)
    return s.sine(pitch, n) * s.perc(n, 0.001, _pick([0.03, 0.025, 0.04, 0.02, 0.035], v))


def _make_bloop(rng, v):
    n = frames(_pick([0.2, 0.16, 0.25, 0.18], v))
    f0 = _pick([220.0, 280.0, 180.0, 320.0], v) * _j(rng, 0.04)
    u = np.linspace(0.0, 1.0, n)
    pitch = f0 * 2.0 ** (1.1 * u ** 0.7)  # a bit over an octave up, fast at first
    ph = s.phase(pitch, n)
    tone = np.sin(2.0 * np.pi * ph) + 0.2 * np.sin(4.0 * np.pi * ph)
    return tone * s.swell(n, 0.15, 1.0, 2.0)


def _make_chirp(rng, v):
    n = frames(_pick([0.09, 0.07, 0.12, 0.08], v))
    f_lo = _pick([2200.0, 2600.0, 1900.0, 3000.0], v) * _j(rng, 0.04)
    f_hi = f_lo * _pick([2.3, 2.0, 2.6, 1.8], v)
    u = np.linspace(0.0, 1.0, n)
    pitch = f_lo + (f_hi - f_lo) * u ** 1.4
    pitch *= 1.0 + 0.02 * np.sin(2.0 * np.pi * 70.0 * seconds(n))  # syrinx flutter
    ph = s.phase(pitch, n)
    tone = np.sin(2.0 * np.pi * ph) + 0.12 * np.sin(4.0 * np.pi * ph)
    return tone * np.hanning(n) ** 0.7


def _make_zap(rng, v):
    n = frames(_pick([0.25, 0.2, 0.35, 0.3], v))
    f_hi = _pick([3200.0, 4000.0, 2600.0, 3600.0], v) * _j(rng)
    f_lo = _pick([110.0, 160.0, 80.0, 130.0], v)
    pitch = s.glide(f_hi, f_lo, n, _pick([0.05, 0.035, 0.08, 0.06], v))
    osc = s.square(pitch, n) if v % 2 == 0 else s.saw(pitch, n)
    x = s.lowpass(osc, pitch * 6.0, 1.5) + 0.5 * s.sine(pitch, n)
    return x * s.perc(n, 0.001, _pick([0.1, 0.08, 0.14, 0.12], v))


def _make_boing(rng, v):
    n = frames(_pick([0.7, 0.6, 0.9, 0.8], v))
    f0 = _pick([196.0, 247.0, 165.0, 294.0], v) * _j(rng)
    t = seconds(n)
    rate = _pick([11.0, 13.0, 9.0, 12.0], v)
    wobble = 1.0 + 0.22 * np.exp(-t / 0.35) * np.sin(2.0 * np.pi * rate * t)
    pitch = f0 * wobble * (0.75 + 0.25 * (1.0 - np.exp(-t / 0.02)))  # springs up into pitch
    body = s.saw(pitch, n)
    mouth = s.lowpass(body, pitch * (2.5 + 2.0 * (wobble - 0.78)), 4.0)
    x = 0.6 * mouth + s.sine(pitch, n)
    return x * s.perc(n, 0.003, _pick([0.3, 0.25, 0.4, 0.33], v))


def _make_womp(rng, v):
    n = frames(_pick([0.6, 0.5, 0.75, 0.65], v))
    f0 = _pick([73.4, 87.3, 65.4, 55.0], v)
    u = np.linspace(0.0, 1.0, n)
    cutoff = 110.0 + _pick([1400.0, 1800.0, 1100.0, 1600.0], v) * np.sin(np.pi * u ** 0.6) ** 2
    osc = s.saw(f0, n) + 0.7 * s.square(f0 * 1.007, n, start=0.3)
    x = s.lowpass(osc, cutoff, _pick([4.0, 5.0, 3.5, 4.5], v))
    return s.soft_clip(x * s.ar(n, 0.012, 0.08) * 0.6, 1.2)


# -- textures --------------------------------------------------------------------------

def _make_hum(rng, v):
    n = frames(_pick([3.0, 2.5, 3.5], v))
    f0 = _pick([50.0, 60.0, 82.4], v)
    t = seconds(n)
    amps = np.array([1.0, 0.55, 0.4, 0.22, 0.16, 0.1, 0.07, 0.05]) * rng.uniform(0.8, 1.2, 8)
    x = sum(a * np.sin(2.0 * np.pi * f0 * (k + 1) * t + rng.uniform(0, 6.28)) for k, a in enumerate(amps))
    drift = 1.0 + 0.06 * np.sin(2.0 * np.pi * 0.3 * t + rng.uniform(0, 6.28))
    return x * drift * s.ar(n, 0.08, 0.15)


def _make_rumble(rng, v):
    n = frames(_pick([3.0, 2.5, 4.0], v))
    cutoff = _pick([110.0, 150.0, 85.0], v)
    shared = s.brown(rng, n)
    chans = [s.lowpass(0.7 * shared + 0.3 * s.brown(rng, n), cutoff, stages=2) for _ in range(2)]
    roll = s.lowpass(np.abs(s.white(rng, n)), 1.5, stages=2)  # slow rolling swell
    roll = 0.5 + roll / (np.max(roll) + 1e-12)
    env = roll * s.swell(n, 0.35, 1.0, 0.8)
    return s.dc_block(s.soft_clip(s.stereo(*chans) * env[:, None] * 0.3, 1.5))


def _make_hiss(rng, v):
    n = frames(_pick([2.5, 2.0, 3.0], v))
    corner = _pick([4000.0, 5500.0, 3000.0], v)
    chans = [s.lowpass(s.highpass(s.white(rng, n), corner, stages=2), 15000.0) for _ in range(2)]
    if v == 2:  # steam: a resonant band on top
        chans = [c + 0.8 * s.bandpass(c, 6500.0, 3.0) for c in chans]
    return s.stereo(*chans) * s.ar(n, 0.1, 0.2)[:, None]


def _make_fizz(rng, v):
    n = frames(_pick([2.5, 2.0, 3.0], v))
    t = seconds(n)
    fade_tau = n / SR / 2.5
    rate = _pick([12000.0, 8000.0, 18000.0], v) * np.exp(-t / (fade_tau * 1.5))
    chans = []
    for _ in range(2):
        pops = s.highpass(s.grains(rng, rate, n, 0.0004), 3500.0, stages=2)
        air = s.highpass(s.white(rng, n), 7000.0) * 0.15
        chans.append(s.lowpass(pops + air, 16000.0))
    env = s.perc(n, 0.03, fade_tau)
    x = s.stereo(*chans) * env[:, None]
    return s.soft_clip(x / np.max(np.abs(x)), 3.0)  # tame the odd loud grain


def _make_crackle(rng, v):
    n = frames(_pick([2.5, 2.0, 3.0], v))
    rate = _pick([35.0, 60.0, 20.0], v)
    out = np.zeros((n, 2))
    for c in range(2):
        clicks = s.impulses(rng, rate / 2.0, n, heavy_tail=2.5)
        shaped = s.bandpass(clicks, _pick([3000.0, 4500.0, 2200.0], v), 0.9)
        pops = s.lowpass(s.impulses(rng, rate / 10.0, n, heavy_tail=1.2), 900.0) * 0.8
        out[:, c] = shaped + pops
    shared = s.bandpass(s.impulses(rng, rate / 2.0, n, heavy_tail=2.5), 3000.0, 0.9)
    bed = s.lowpass(s.brown(rng, n), 400.0) * 0.004
    x = out + shared[:, None] + bed[:, None]
    return s.highpass(s.soft_clip(x / np.max(np.abs(x)), 2.5), 40.0)


def _make_whirr(rng, v):
    n = frames(_pick([2.5, 2.0, 3.0], v))
    t = seconds(n)
    motor = _pick([42.0, 55.0, 33.0], v) * _j(rng)
    spin = motor * (0.55 + 0.45 * (1.0 - np.exp(-t / 0.35))) * (1.0 + 0.01 * np.sin(2.0 * np.pi * 0.7 * t))
    ph = s.phase(spin, n)
    chop = (0.5 + 0.5 * np.sin(2.0 * np.pi * ph)) ** 2
    band = s.bandpass(s.white(rng, n), _pick([750.0, 950.0, 600.0], v), 1.8, stages=2)
    buzz = s.lowpass(s.saw(spin * 4.0, n), 900.0, stages=2)
    x = band * (0.3 + 0.7 * chop) + 0.35 * buzz
    return x * s.ar(n, 0.3, 0.4)


def _make_shaka(rng, v):
    sha_len = _pick([0.15, 0.12, 0.19, 0.16], v) * _j(rng)
    ka_at = sha_len + _pick([0.02, 0.015, 0.03, 0.025], v)
    n = frames(ka_at + 0.1)
    t = seconds(n)
    sha = np.where(t < sha_len, np.sin(np.pi * np.clip(t / sha_len, 0, 1)) ** 1.5, 0.0)
    ka = np.where(t >= ka_at, np.exp(-(t - ka_at) / 0.018), 0.0)
    rate = 2500.0 * sha + 9000.0 * ka
    x = s.grains(rng, rate, n, 0.0008) * (0.6 * sha + 1.0 * ka + 0.02)
    x = s.bandpass(s.highpass(x, 2500.0), _pick([6000.0, 7000.0, 5200.0, 6500.0], v), 0.8)
    return s.soft_clip(x / np.max(np.abs(x)), 2.0)


# -- the table -------------------------------------------------------------------------

_T = "texture"

RECIPES: tuple[Recipe, ...] = (
    Recipe("big_swoosh", _make_big_swoosh,
           "pink noise through a band-pass sweeping up about 3 octaves as it swells, panned across, sub-bass body",
           kind=_T, fade_out_s=0.05),
    Recipe("small_swoosh", _make_small_swoosh, "white noise, band-pass sweeping 1-7 kHz with a quick swell"),
    Recipe("swish", _make_swish, "white noise, band-pass whipping down from about 8 kHz"),
    Recipe("thud", _make_thud, "low sine dropping 3 octaves to ~55 Hz in 30 ms, short decay, a click, soft clip"),
    Recipe("soft_thud", _make_soft_thud, "low sine with a gentle attack and a muffled pink-noise thump",
           peak_db=-6.0),
    Recipe("boom", _make_boom, "very low falling sine with a long brown-noise tail and a crack, saturated",
           kind=_T, fade_out_s=0.1),
    Recipe("klonk", _make_klonk, "five detuned inharmonic partials, fast decay, hollow sub-partial, noise strike"),
    Recipe("knock", _make_knock, "short wooden modes (1, 2.3, 3.95x) struck by low-passed noise"),
    Recipe("tick", _make_tick, "tiny 2-4 kHz modal click, under 30 ms", variants=5, fade_out_s=0.003),
    Recipe("clap", _make_clap, "three or four noise bursts 7-12 ms apart, then a band-passed noise tail"),
    Recipe("tss", _make_tss, "bright high-passed noise plus six square waves (808 hat), short decay"),
    Recipe("tsk", _make_tsk, "very short band-passed noise burst around 8-10 kHz", fade_out_s=0.005),
    Recipe("ping", _make_ping, "pure high sine, slow exponential decay, a faint beating partner",
           kind="tone", fade_out_s=0.05),
    Recipe("plink", _make_plink, "high Karplus-Strong pluck with a bright sine, fast decay"),
    Recipe("pluck", _make_pluck, "Karplus-Strong string, 110-260 Hz, plucked with a triangle and noise"),
    Recipe("drip", _make_drip, "sine blip gliding up more than an octave in 20 ms", variants=5,
           fade_out_s=0.01),
    Recipe("bloop", _make_bloop, "round sine with an octave upward bend"),
    Recipe("chirp", _make_chirp, "fast upward sine sweep from about 2 kHz with bird flutter"),
    Recipe("zap", _make_zap, "bright square or saw diving from ~3 kHz to ~100 Hz, tracking low-pass"),
    Recipe("boing", _make_boing, "spring tone: pitch and resonant filter wobbling at 9-13 Hz, decaying",
           kind="tone"),
    Recipe("womp", _make_womp, "low saw and square through a resonant low-pass that opens and closes",
           kind="tone"),
    Recipe("hum", _make_hum, "mains-like low tone (50/60/82 Hz) with 8 harmonics, slow drift",
           variants=3, kind=_T, max_rms_db=-16.0, fade_out_s=0.05),
    Recipe("rumble", _make_rumble, "brown noise low-passed near 100 Hz, slowly rolling, stereo",
           variants=3, kind=_T, max_rms_db=-16.0, fade_out_s=0.2),
    Recipe("hiss", _make_hiss, "steady white noise high-passed at 3-5.5 kHz, stereo",
           variants=3, kind=_T, max_rms_db=-20.0, fade_out_s=0.05),
    Recipe("fizz", _make_fizz, "dense tiny high-passed noise grains thinning out, slow fade, stereo",
           variants=3, kind=_T, max_rms_db=-18.0, fade_out_s=0.1),
    Recipe("crackle", _make_crackle, "sparse random clicks with a heavy-tailed loudness, a few low pops, stereo",
           variants=3, kind=_T, fade_out_s=0.05),
    Recipe("whirr", _make_whirr, "band noise chopped by a 30-55 Hz motor spinning up, with blade buzz",
           variants=3, kind=_T, max_rms_db=-16.0, fade_out_s=0.05),
    Recipe("shaka", _make_shaka, "shaker stroke: a swell of tiny noise grains ('sha') then a dense accent ('ka')"),
)
