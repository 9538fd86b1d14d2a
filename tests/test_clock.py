"""The Clock maps cycles to frames exactly, across tempo changes."""
from __future__ import annotations

from fractions import Fraction

import pytest

from livesamp.schedule.clock import Clock


@pytest.mark.parametrize("cps", [0.5625, 0.5, 1, 0.7, 2.3, 0.13])
@pytest.mark.parametrize("sr", [48000, 44100, 22050, 96000])
def test_frame_is_round_of_cycle_over_cps_times_sr(cps, sr):
    clock = Clock(cps, sr)
    for k in range(200):
        c = Fraction(k * 7, 16)
        assert clock.frame_at(c) == round(c / Fraction(cps) * sr)


def test_cycle_at_inverts_frame_at():
    clock = Clock(0.5625, 48000)
    for f in range(0, 480000, 12345):
        assert clock.frame_at(clock.cycle_at(f)) == f


def test_tempo_change_keeps_earlier_frames_and_continues_exactly():
    clock = Clock(0.5, 48000)
    before = [clock.frame_at(Fraction(k, 4)) for k in range(9)]
    clock.set_cps(1, at_cycle=2)
    assert [clock.frame_at(Fraction(k, 4)) for k in range(9)] == before
    # from cycle 2 (frame 192000) on, one cycle is one second
    assert clock.frame_at(2) == 192000
    assert clock.frame_at(3) == 240000
    assert clock.frame_at(Fraction(5, 2)) == 216000
    assert clock.cycle_at(240000) == 3
    assert clock.cps == 1


def test_setbpm_is_four_beats_per_cycle():
    clock = Clock(1, 48000)
    clock.set_bpm(135)
    assert clock.cps == pytest.approx(0.5625)
    assert clock.bpm == pytest.approx(135)


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf")])
def test_bad_tempo_is_refused(bad):
    with pytest.raises(ValueError):
        Clock(bad)
    clock = Clock(1)
    with pytest.raises(ValueError):
        clock.set_cps(bad)
    assert clock.cps == 1
