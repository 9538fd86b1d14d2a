"""The notice fan-out: the engine's one notice reader hands every subscriber its own
bounded queue of batches joined with what each trigger was; a slow subscriber loses its
oldest batches, never blocks the others; the thread runs only while someone listens."""
from __future__ import annotations

import threading
import time

import numpy as np

from livesamp.engine import layout as L
from livesamp.live.notices import NoticeFanout
from livesamp.live.session import Session


class FakeEngine:
    def __init__(self):
        self.rows = []
        self.pops = 0
        self.lock = threading.Lock()

    def push(self, kind, frame, event, slot=0, voice=0):
        row = np.zeros(L.NOTICE_WIDTH)
        row[[L.N_KIND, L.N_FRAME, L.N_EVENT, L.N_SLOT, L.N_VOICE]] = kind, frame, event, slot, voice
        with self.lock:
            self.rows.append(row)

    def pop_notices(self, max_rows=None):
        with self.lock:
            self.pops += 1
            out = np.array(self.rows).reshape(-1, L.NOTICE_WIDTH)
            self.rows = []
            return out


class FakePacker:
    def __init__(self):
        self.events = {7: "info-7"}


def test_batches_are_joined_with_events_and_reach_every_subscriber():
    eng, packer = FakeEngine(), FakePacker()
    fan = NoticeFanout(eng, packer, poll_s=0.002)
    assert not fan.running                  # nothing listens: no thread
    a, b = fan.subscribe("a"), fan.subscribe("b")
    assert fan.running
    eng.push(L.NK_STARTED, 100, 7)
    eng.push(L.NK_STARTED, 200, 8)          # an event the packer no longer knows
    eng.push(L.NK_STATS, 300, -1)
    got_a, got_b = a.get(timeout=2), b.get(timeout=2)
    assert got_a is got_b                   # one batch, shared, read-only
    assert got_a.infos == ("info-7", None, None)
    assert [int(r[L.N_FRAME]) for r in got_a.rows] == [100, 200, 300]
    ((row, info),) = got_a.started()
    assert info == "info-7" and np.array_equal(row, got_a.rows[0])
    a.close()
    assert fan.running                      # b still listens
    b.close()
    assert not fan.running                  # the last one left: the thread ended


def test_a_slow_subscriber_drops_its_oldest_batches_and_never_blocks():
    eng, packer = FakeEngine(), FakePacker()
    fan = NoticeFanout(eng, packer)
    slow = fan.subscribe("slow", maxsize=3)
    fast = fan.subscribe("fast", maxsize=100)
    fan.stop()                              # drive it by hand
    for k in range(10):
        eng.push(L.NK_STARTED, k, 7)
        t = time.perf_counter()
        fan.poll()
        assert time.perf_counter() - t < 0.05
    assert slow.dropped == 7 and len(slow.drain()) == 3
    assert fast.dropped == 0 and len(fast.drain()) == 10
    assert fan.stats()["subscribers"]["slow"] == {"delivered": 10, "dropped": 7}


def test_stop_and_resume_follow_the_session():
    eng, packer = FakeEngine(), FakePacker()
    fan = NoticeFanout(eng, packer, poll_s=0.002)
    sub = fan.subscribe("x")
    fan.stop()
    assert not fan.running
    pops = eng.pops
    time.sleep(0.02)
    assert eng.pops == pops                 # halted: nobody reads the ring
    fan.resume()
    assert fan.running
    eng.push(L.NK_STARTED, 1, 7)
    assert sub.get(timeout=2) is not None
    sub.close()
    assert not fan.running


def test_get_wakes_when_closed():
    fan = NoticeFanout(FakeEngine(), FakePacker())
    sub = fan.subscribe("x")
    out = []
    t = threading.Thread(target=lambda: out.append(sub.get(timeout=10)))
    t.start()
    time.sleep(0.05)
    sub.close()
    t.join(2)
    assert out == [None] and not t.is_alive()


def test_a_live_session_fans_out_played_events_to_two_readers():
    s = Session(report=lambda m: None)
    s.play(0, "thud*4")
    s.start(backend="null")
    try:
        a, b = s.notices.subscribe("a"), s.notices.subscribe("b")
        seen = {"a": [], "b": []}
        deadline = time.monotonic() + 10
        while (len(seen["a"]) < 3 or len(seen["b"]) < 3) and time.monotonic() < deadline:
            for name, sub in (("a", a), ("b", b)):
                batch = sub.get(timeout=0.05)
                if batch is not None:
                    seen[name] += [info for _, info in batch.started()]
        assert len(seen["a"]) >= 3
        assert [i.event for i in seen["a"][:3]] == [i.event for i in seen["b"][:3]]
        first = seen["a"][0]
        assert first.name == "thud" and first.slot == 0 and first.locations == ((0, 4),)
        assert first.duration_s > 0
    finally:
        s.stop()
    assert not s.notices.running
