"""The live scheduler thread on the null output: while it runs, Python hands the GIL over
every 1 ms (a busy thread cannot hold the scheduler back for 5 ms per acquisition), and
the interpreter's own setting comes back when the last session stops."""
from __future__ import annotations

import sys
import time

from livesamp.live.session import Session
from livesamp.schedule.scheduler import SWITCH_INTERVAL_S


def test_sessions_hold_a_short_switch_interval_and_give_it_back():
    before = sys.getswitchinterval()
    assert before > SWITCH_INTERVAL_S          # the interpreter's default, 5 ms
    a = Session(report=lambda m: None).start(backend="null", tap_seconds=0)
    b = Session(report=lambda m: None).start(backend="null", tap_seconds=0)
    try:
        a.d1 << "thud*4"
        time.sleep(2.0)
        assert sys.getswitchinterval() == SWITCH_INTERVAL_S
        a.stop()
        assert sys.getswitchinterval() == SWITCH_INTERVAL_S    # b still plays
        assert a.engine.stats()["started"] > 0
    finally:
        a.stop()
        b.stop()
    assert sys.getswitchinterval() == before


def test_a_switch_interval_someone_else_set_is_left_alone():
    before = sys.getswitchinterval()
    s = Session(report=lambda m: None).start(backend="null", tap_seconds=0)
    try:
        sys.setswitchinterval(0.002)           # the host application changed its mind
    finally:
        s.stop()
    try:
        assert sys.getswitchinterval() == 0.002
    finally:
        sys.setswitchinterval(before)
