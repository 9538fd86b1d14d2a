"""Effect controls from patterns to trigger columns: SuperDirt's names, aliases and
units; orbit parameters only when an event carries them; vowel names."""
from __future__ import annotations

import numpy as np
import pytest

from livesamp.engine import layout as L
from livesamp.live.session import Session
from livesamp.pattern.controls import canonical_name, control, controls_by_name


@pytest.fixture(scope="module")
def session():
    return Session()


def _row(session, pat):
    hap = next(h for h in pat.query_arc(0, 1) if h.has_onset())
    return session.packer.pack(0, hap, 1000, 0.5, 0.0)


@pytest.mark.parametrize("alias,name", [
    ("sz", "size"), ("roomsize", "size"), ("delayt", "delaytime"), ("dt", "delaytime"),
    ("delayfb", "delayfeedback"), ("dfb", "delayfeedback"), ("bpf", "bandf"), ("bpq", "bandq"),
    ("lock", "lock"), ("vowel", "vowel"), ("crush", "crush"), ("coarse", "coarse")])
def test_superdirt_names_and_aliases(alias, name):
    assert canonical_name(alias) == name


def test_units_are_superdirts():
    table = controls_by_name()
    assert table["delaytime"].unit == "s"          # seconds in SuperDirt (cycles with lock 1)
    assert table["bandq"].default == 10.0          # dirt_bpf's default
    assert table["size"].default == 0.1            # dirt_reverb's default


def test_every_effect_lands_in_its_column(session):
    s = control("s")
    pat = (s("thud").bandf(800).bandq(4).shape(0.5).crush(4).coarse(6).vowel("o")
           .room(0.3).sz(0.8).dry(0.2).delay(0.4).delayt(0.125).dfb(0.6).lock(1).orbit(3))
    row = _row(session, pat)
    want = {L.T_BANDF: 800, L.T_BANDQ: 4, L.T_SHAPE: 0.5, L.T_CRUSH: 4, L.T_COARSE: 6,
            L.T_VOWEL: 4, L.T_ROOM: 0.3, L.T_SIZE: 0.8, L.T_DRY: 0.2, L.T_DELAY: 0.4,
            L.T_DELAYTIME: 0.125, L.T_DELAYFB: 0.6, L.T_LOCK: 1, L.T_ORBIT: 3}
    for col, value in want.items():
        assert row[col] == pytest.approx(value), col
    assert np.isnan(row[L.T_RESONANCE])            # the vowel's own default strength


def test_orbit_parameters_are_nan_unless_given(session):
    row = _row(session, control("s")("thud").room(0.5))
    assert row[L.T_ROOM] == 0.5
    assert all(np.isnan(row[c]) for c in L.ORBIT_PARAMS)
    assert row[L.T_RESONANCE] == 0.0 and row[L.T_VOWEL] == 0.0 and row[L.T_BANDQ] == 10.0


def test_colon_lists_and_vowel_names(session):
    s = control("s")
    row = _row(session, s("thud").room("0.3:0.9").delay("0.5:0.2:0.7"))
    assert (row[L.T_ROOM], row[L.T_SIZE]) == (pytest.approx(0.3), pytest.approx(0.9))
    assert (row[L.T_DELAY], row[L.T_DELAYTIME], row[L.T_DELAYFB]) == (
        pytest.approx(0.5), pytest.approx(0.2), pytest.approx(0.7))
    for name, code in zip("aeiouAx", (1, 2, 3, 4, 5, 1, 0)):
        assert _row(session, s("thud").vowel(name))[L.T_VOWEL] == code
    assert _row(session, s("thud").vowel("a").resonance(0.2))[L.T_RESONANCE] == pytest.approx(0.2)


def test_effects_reach_the_output(session):
    """Rendered through the scheduler: the vowel, crush and the reverb tail change the
    sound of the same pattern."""
    s = control("s")
    outs = {}
    for name, pat in {"dry": s("thud ~ ~ ~"), "fx": s("thud ~ ~ ~").vowel("a").crush(4).room(0.6).sz(0.7)}.items():
        sess = Session()
        sess.play(0, pat)
        outs[name] = sess.render(1).astype(np.float64)
    dry, fx = outs["dry"], outs["fx"]
    assert np.abs(fx - dry).max() > 0.05
    half = len(dry) // 2                          # the thud is over by mid-cycle; the room is not
    assert np.abs(fx[half:]).max() > 10 * np.abs(dry[half:]).max() + 1e-4
