"""A revoked sample plays as silence with one warning; the rest of the pattern plays on."""
from __future__ import annotations

import numpy as np
import soundfile as sf

from livesamp.bank import SampleLibrary
from livesamp.bank.default import DefaultBank
from livesamp.live.session import Session


def test_revoked_variant_is_silent_with_one_warning_and_others_play(tmp_path):
    from livesamp.bank.indexed import IndexedBank

    root = tmp_path / "kit"
    (root / "knock").mkdir(parents=True)
    t = np.arange(4800) / 48000
    for i in range(2):
        sf.write(root / "knock" / f"k{i}.wav", (0.5 * np.sin(2 * np.pi * (300 + 200 * i) * t)).astype(np.float32), 48000)
    bank = IndexedBank(root, "kit")
    messages = []
    session = Session(library=SampleLibrary([bank, DefaultBank()]), report=messages.append)
    session.play(0, "knock:1 thud")
    bank.revoke("knock", 1, reason="the neighbour asked")
    audio = session.render(2)
    assert np.isfinite(audio).all() and np.abs(audio).max() > 0.01   # thud still plays
    told = [m for m in messages if "revoked" in m]
    assert len(told) == 1 and "knock:1" in told[0]
    session.play(1, "knock:0")                                       # other variants still play
