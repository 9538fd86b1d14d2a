"""Offline rendering through the whole path: pattern -> scheduler -> engine.

An impulse scheduled at cycle c lands at frame round(c / cps * sr) exactly, for many c,
cps and sr values and across tempo changes; renders are bit-identical.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import soundfile as sf

import livesamp
from livesamp import mini, s
from livesamp.bank import FolderBank, SampleLibrary
from livesamp.live.session import Session


@pytest.fixture(scope="module")
def impulse_bank(tmp_path_factory):
    root = tmp_path_factory.mktemp("impbank")
    (root / "imp").mkdir()
    click = np.zeros(64, dtype=np.float32)
    click[0] = 1.0
    sf.write(root / "imp" / "click.wav", click, 48000, subtype="FLOAT")
    return root


def _session(bank_root, sr=48000, cps=0.5625, blocksize=256):
    lib = SampleLibrary([FolderBank(bank_root)], sr=sr)
    return Session(sr=sr, cps=cps, library=lib, blocksize=blocksize)


def _onsets(audio: np.ndarray) -> list[int]:
    """Frames where a click starts: nonzero after at least 8 near-silent frames."""
    mono = np.abs(audio[:, 0]) + np.abs(audio[:, 1])
    idx = np.flatnonzero(mono > 1e-3)
    out, last = [], -10**9
    for i in idx:
        if i - last > 8:
            out.append(int(i))
        last = i
    return out


@pytest.mark.parametrize("sr", [44100, 48000, 96000])
@pytest.mark.parametrize("cps", [0.5625, 0.7, 1.3])
def test_impulse_lands_on_exact_frame(impulse_bank, sr, cps):
    session = _session(impulse_bank, sr=sr, cps=cps)
    session.play(0, s(mini("imp*3 [imp imp:0] ~ imp*5")).attack(1e-7))
    audio = session.render(4)
    expected = []
    for hap in session.slots[0].pattern.query_arc(0, 4):
        if hap.has_onset():
            expected.append(round(hap.whole.begin / Fraction(cps) * sr))
    assert _onsets(audio) == sorted(expected)


@pytest.mark.parametrize("blocksize", [64, 256, 1000])
def test_onsets_do_not_depend_on_block_size(impulse_bank, blocksize):
    session = _session(impulse_bank, blocksize=blocksize)
    session.play(0, s(mini("imp(5,8) imp*3")).attack(1e-7))
    audio = session.render(2)
    expected = sorted(round(h.whole.begin / Fraction(0.5625) * 48000)
                      for h in session.slots[0].pattern.query_arc(0, 2) if h.has_onset())
    assert _onsets(audio) == expected


def test_tempo_change_moves_later_onsets_exactly(impulse_bank):
    session = _session(impulse_bank, cps=0.5)
    session.play(0, s(mini("imp*4")).attack(1e-7))
    first = session.render(2)               # cycles 0..2 at 0.5 cps: 192000 frames
    assert len(first) == 192000
    session.setcps(1)                        # from the scheduler's cursor on
    change = session.scheduler.cursor
    second = session.render(2)
    audio = np.concatenate([first, second])
    onsets = _onsets(audio)
    c0, f0 = change, session.clock.frame_exact(change)
    expected = []
    for k in range(16):
        c = Fraction(k, 4)
        if c < 4:
            expected.append(round(c / Fraction(1, 2) * 48000) if c < c0 else round(f0 + (c - c0) * 48000))
    assert onsets == [e for e in expected if e < len(audio)]


def test_renders_are_bit_identical():
    pat = s(mini("thud*2 [tss tsk?] <klonk plink>")).speed("<1 -1 1.5>").pan(livesamp.sine)
    a = livesamp.render(pat, 2)
    b = livesamp.render(pat, 2)
    assert a.dtype == np.float32 and a.shape[1] == 2
    assert np.array_equal(a, b)
    assert np.abs(a).max() > 0.01


def test_string_means_s_of_mini_notation():
    a = livesamp.render("thud tss", 1)
    b = livesamp.render(s(mini("thud tss")), 1)
    assert np.array_equal(a, b)


def test_unknown_sample_raises_with_suggestion_and_slot_keeps_playing():
    session = Session()
    session.play(0, "thud*2")
    with pytest.raises(KeyError) as info:
        session.play(0, "thud big_swosh")
    assert "big_swoosh" in str(info.value)
    assert session.slots[0].pattern is not None
    audio = session.render(1)
    assert np.abs(audio).max() > 0.01


def test_failing_slot_is_reverted_and_others_play():
    session = Session()
    session.play(0, "thud*4")
    session.play(1, "tss*4")
    bad = s(mini("tss*4")).fmap(lambda v: 1 / 0 if v else v)
    session.slots.set(1, bad)                       # bypasses the eval-time check
    messages = []
    session.report = messages.append
    audio = session.render(1)
    assert np.abs(audio).max() > 0.01               # d1 kept playing
    assert session.slots[1].pattern is not bad      # d2 went back to its last good pattern
    assert any("ZeroDivisionError" in m for m in messages)


def test_no_nan_and_ceiling_with_extreme_controls():
    pat = s(mini("thud*8 tss*8")).gain(50).speed("<0 -1e6 1e6>").begin(0.9).end(0.1)
    audio = livesamp.render(pat, 3)
    assert np.isfinite(audio).all()
    assert np.abs(audio).max() <= 10 ** (-0.3 / 20) + 1e-6
