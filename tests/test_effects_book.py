"""The effect sets of the pattern book (patterns/formant_hall.py, broken_radio.py): each
effect they use measurably changes what they play, against the same set with that
effect's control taken out of every event (and with all of them taken out)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from livesamp.live.prelude import load_file
from livesamp.live.session import Session

ROOT = Path(__file__).resolve().parents[1] / "patterns"
CEILING = 10 ** (-0.3 / 20)
SETS = {
    "formant_hall": ("vowel", "room", "size", "delay", "delaytime", "lock", "delayfeedback"),
    "broken_radio": ("crush", "coarse", "shape", "bandf", "bandq", "room", "size", "dry"),
}


def _render(name, strip=(), mute=()):
    session = Session()
    load_file(session, ROOT / f"{name}.py")
    for i in mute:
        session.play(i, None)
    drop = set(strip)
    for i in range(16):
        pat = getattr(session, f"d{i + 1}").pattern
        if drop and pat is not None:
            session.play(i, pat.fmap(
                lambda v: {k: x for k, x in v.items() if k not in drop} if isinstance(v, dict) else v))
    audio = session.render(2).astype(np.float64)
    assert np.isfinite(audio).all() and np.abs(audio).max() <= CEILING + 1e-6
    return audio


_CACHE: dict = {}


def _full(name):
    if name not in _CACHE:
        _CACHE[name] = _render(name)
    return _CACHE[name]


def _rms(x):
    return float(np.sqrt(np.mean(x ** 2)))


@pytest.mark.parametrize("name,key", [(n, k) for n, keys in SETS.items() for k in keys])
def test_each_effect_changes_the_set(name, key):
    full = _full(name)
    without = _render(name, (key,))
    assert _rms(full - without) > 0.01 * _rms(full), key


def test_formant_hall_rings_and_sings():
    """With its effects the hall has a tail after every hit and formant peaks: more
    energy in the quietest tenth of its 10 ms frames, and a different spectrum."""
    full = _full("formant_hall")
    dry = _render("formant_hall", SETS["formant_hall"])
    frames = lambda x: np.sqrt(np.mean(x[: len(x) // 480 * 480].reshape(-1, 480, 2) ** 2, axis=(1, 2)))
    assert np.quantile(frames(full), 0.1) > 3 * np.quantile(frames(dry), 0.1)
    spec = lambda x: np.abs(np.fft.rfft(x[:, 0]))
    a, b = spec(full), spec(dry)
    assert np.abs(a / a.sum() - b / b.sum()).sum() > 0.3


def test_broken_radio_is_broken():
    """Crush, coarse and shape add high harmonics and aliasing: the drums (the hiss
    left out) have more energy above 8 kHz than without them."""
    full = _render("broken_radio", mute=(3,))
    clean = _render("broken_radio", ("crush", "coarse", "shape"), mute=(3,))
    hi = lambda x: np.sum(np.abs(np.fft.rfft(x[:, 0]))[len(x) * 8000 // 48000:] ** 2)
    assert hi(full) > 2 * hi(clean)


def _tour():
    import importlib.util
    path = Path(__file__).resolve().parents[1] / "examples" / "effects_tour.py"
    spec = importlib.util.spec_from_file_location("effects_tour", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_effects_tour_example_makes_every_effect_audible():
    """examples/effects_tour.py: every section is finite, sounds, holds the ceiling, and
    its wet half differs from its dry half by at least a tenth of the dry level."""
    tour = _tour()
    sections = tour.render_tour()
    assert [name for name, _, _ in sections] == [name for name, _, _ in tour.TOUR]
    for name, dry, wet in sections:
        dry, wet = dry.astype(np.float64), wet.astype(np.float64)
        for x in (dry, wet):
            assert np.isfinite(x).all() and 0.01 < np.abs(x).max() <= CEILING + 1e-6, name
        assert _rms(wet - dry) > 0.1 * _rms(dry), name
