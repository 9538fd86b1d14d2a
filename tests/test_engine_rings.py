"""The lock-free SPSC ring, with real producer and consumer threads."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from livesamp.engine import Engine, trigger_rows
from livesamp.engine import layout as L
from livesamp.engine.rings import Ring


def test_power_of_two_capacity_required():
    with pytest.raises(ValueError, match="power of two"):
        Ring(1000, 4)


def test_overflow_is_counted_and_never_blocks():
    r = Ring(8, 3)
    rows = np.arange(36, dtype=np.float64).reshape(12, 3)
    assert r.push(rows) == 8
    assert r.overflows == 4
    got = r.pop()
    np.testing.assert_array_equal(got, rows[:8])
    assert r.push(rows[8:]) == 4
    np.testing.assert_array_equal(r.pop(), rows[8:])
    assert r.count() == 0


def test_threads_lose_and_duplicate_nothing():
    total = 400_000
    r = Ring(1024, 4)
    rng = np.random.default_rng(0)
    data = np.empty((total, 4))
    data[:, 0] = np.arange(total)
    data[:, 1:] = rng.standard_normal((total, 3))
    received = []
    done = threading.Event()

    def producer():
        i = 0
        while i < total:
            k = int(rng.integers(1, 300))
            i += r.push(data[i:i + k])     # retries what did not fit
        done.set()

    def consumer():
        while True:
            got = r.pop(700)
            if len(got):
                received.append(got)
            elif done.is_set() and r.count() == 0:
                return

    threads = [threading.Thread(target=producer), threading.Thread(target=consumer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    out = np.concatenate(received)
    assert out.shape == data.shape
    np.testing.assert_array_equal(out, data)
    assert r.overflows > 0     # the producer did outrun the consumer (and was counted)


def test_engine_ring_under_a_producer_thread():
    """A scheduler thread pushes 200k triggers while the render thread consumes them:
    every trigger starts exactly once, in order, on its frame."""
    total = 200_000
    spacing = 4
    eng = Engine(ring_capacity=1024, max_voices=16, notice_capacity=1 << 16, block=256)
    impulse = np.zeros(2, np.float32)
    impulse[0] = 1.0
    sid = eng.add_sample(impulse)
    rows = trigger_rows(total, frame=np.arange(total) * spacing + 3000, sample=sid,
                        event=np.arange(total), attack=1e-9, pan=0.0)
    pushed = threading.Event()
    progress = [0]      # rows pushed so far (the consumer renders only what is covered)

    def producer():
        i = 0
        while i < total:
            # stay ahead of the renderer, like a scheduler's lookahead; sleep when ahead
            if i * spacing < eng.frame + 20000:
                k = eng.push(rows[i:i + 256])
                i += k
                progress[0] = i
                if k == 0:
                    time.sleep(0.0005)
            else:
                time.sleep(0.0005)
        pushed.set()

    th = threading.Thread(target=producer)
    th.start()
    started = []
    outs = []
    n_frames = total * spacing + 4000
    while eng.frame < n_frames:
        covered = rows[progress[0] - 1, L.T_FRAME] if progress[0] else 0
        if not pushed.is_set() and covered < eng.frame + 2048:
            time.sleep(0.0005)      # a real-time consumer would not outrun the scheduler
            continue
        outs.append(eng.render(2048))
        n = eng.pop_notices()
        started.append(n[n[:, L.N_KIND] == L.NK_STARTED])
    th.join(60)
    s = np.concatenate(started)
    assert s[:, L.N_EVENT].tolist() == list(range(total))
    np.testing.assert_array_equal(s[:, L.N_FRAME], rows[:, L.T_FRAME])
    y = np.concatenate(outs)[:, 0]
    assert np.count_nonzero(y > 0.5) == total
    st = eng.stats()
    assert st["late"] == 0 and st["rejected"] == 0 and st["notice_overflows"] == 0
