"""The real PortAudio callback path, against a JACK server with the dummy driver.

The callback is the numba ``@cfunc``: it must keep running while Python threads hog
the GIL, and what it plays (tapped) must equal an offline render of the same
triggers from the same start frame -- bit for bit, since both call the same kernel
and the output does not depend on how the stream is cut into blocks.
"""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from jack import jack_server  # noqa: F401  (session fixture)
from livesamp.engine import Engine, trigger_rows
from livesamp.io import LiveOutput

pytestmark = pytest.mark.jack

SR = 48000
BLOCK = 256


def _samples(eng):
    rng = np.random.default_rng(1)
    t = np.arange(30000) / SR
    a = eng.add_sample((0.4 * np.sin(2 * np.pi * 220 * t) + 0.1 * rng.uniform(-1, 1, t.size))
                       .astype(np.float32))
    b = eng.add_sample(rng.uniform(-0.5, 0.5, (20000, 2)).astype(np.float32))
    return a, b


def _triggers(first_frame, k, rng, spacing=1000):
    return trigger_rows(
        k, frame=first_frame + np.arange(k) * spacing + rng.integers(0, 300, k),
        sample=rng.integers(0, 2, k), speed=rng.choice([-1.5, -1, 0.5, 1, 1.25, 2], k),
        amp=rng.uniform(0.05, 0.25, k), pan=rng.uniform(0, 1, k),
        begin=rng.uniform(0, 0.3, k), cutoff=rng.choice([0, 0, 800, 4000], k),
        resonance=rng.uniform(0, 0.6, k), hcutoff=rng.choice([0, 0, 300], k),
        cut=rng.choice([0, 0, 1], k), loop=rng.choice([1, 1, 2], k),
        interp=rng.integers(0, 2, k), note=rng.uniform(-7, 7, k),
        accel=rng.choice([0, 0, 0.5], k), event=np.arange(k))


def _offline(rows, n_frames):
    eng = Engine(sr=SR, block=BLOCK)
    _samples(eng)
    eng.push(rows)
    return eng.render(n_frames)


def _open(jack_server, eng, tap_seconds=20.0):
    return LiveOutput(eng, device=jack_server.device, blocksize=BLOCK, tap_seconds=tap_seconds)


def test_live_tap_equals_offline_render(jack_server):
    eng = Engine(sr=SR, block=BLOCK)
    _samples(eng)
    rng = np.random.default_rng(2)
    pushed = []
    with _open(jack_server, eng) as out:
        for _ in range(12):                     # a scheduler: 100 ms ahead, every 100 ms
            rows = _triggers(eng.frame + int(0.1 * SR), 5, rng)
            eng.push(rows)
            pushed.append(rows)
            time.sleep(0.1)
        time.sleep(0.8)
        out.stop()
        first, end = out.tap_span()
        live = out.read_tap(first, end - first)
        blocks = out.tap_blocks()
    s = eng.stats()
    assert s["late"] == 0 and s["rejected"] == 0 and s["started"] == 60
    assert first == 0 and end == eng.frame
    assert set(blocks[:, 1].tolist()) == {BLOCK}
    off = _offline(np.concatenate(pushed), end)
    assert np.abs(live).max() > 0.05
    assert np.array_equal(live, off), f"max diff {np.abs(live - off).max()}"


def _expected_callbacks(seconds):
    return seconds * SR / BLOCK


def _list_sorting_for(seconds: float, rng) -> list:
    """A list of random floats whose sort() takes about ``seconds`` on this machine (one C
    call that holds the GIL): timed on a small list first, scaled (n log n only adds)."""
    probe = rng.random(500_000).tolist()
    t = time.perf_counter()
    probe.sort()
    per_item = (time.perf_counter() - t) / len(probe)
    n = int(min(max(seconds / max(per_item, 1e-9), 1_000_000), 20_000_000))
    return rng.random(n).tolist()


def test_callbacks_continue_while_main_thread_holds_the_gil(jack_server):
    eng = Engine(sr=SR, block=BLOCK)
    _samples(eng)
    rng = np.random.default_rng(3)
    data = _list_sorting_for(1.2, rng)
    with _open(jack_server, eng) as out:
        time.sleep(0.3)
        # triggers that fall inside the GIL hold: they must sound on their frames
        rows = _triggers(eng.frame + int(0.15 * SR), 30, rng, spacing=1600)
        eng.push(rows)
        c0, t0 = eng.callbacks, time.monotonic()
        data.sort()                             # one C call: holds the GIL throughout
        held = time.monotonic() - t0
        c1 = eng.callbacks
        time.sleep(0.3)
        out.stop()
        first, end = out.tap_span()
        live = out.read_tap(first, end - first)
    assert held > 1.0, f"the sort held the GIL only {held:.2f} s; use a bigger list"
    got = c1 - c0
    # no missed callbacks: the callback count follows the wall clock during the hold
    assert got >= 0.9 * _expected_callbacks(held) - 2, (got, held)
    assert np.array_equal(live, _offline(rows, end))
    assert eng.stats()["late"] == 0


def test_callbacks_continue_beside_a_busy_python_thread(jack_server):
    eng = Engine(sr=SR, block=BLOCK)
    _samples(eng)
    stop = threading.Event()
    spins = [0]

    def busy():
        n = 0
        while not stop.is_set():
            n += 1
        spins[0] = n

    with _open(jack_server, eng):
        time.sleep(0.2)
        eng.push(_triggers(eng.frame + int(0.1 * SR), 40, np.random.default_rng(4),
                           spacing=2000))
        th = threading.Thread(target=busy)
        x0, c0, t0 = eng.stats()["xruns"], eng.callbacks, time.monotonic()
        th.start()
        time.sleep(2.0)
        stop.set()
        th.join()
        dt = time.monotonic() - t0
        c1, x1 = eng.callbacks, eng.stats()["xruns"]
    assert spins[0] > 1000
    assert c1 - c0 >= 0.9 * _expected_callbacks(dt) - 2
    # A Python callback loses 27-37% of its cycles beside a busy thread. The JACK dummy
    # driver on a shared VM reports ~1 xrun per 2 s even for an idle engine (see the
    # soak test's control run), so allow a few percent, not zero.
    allowed = max(3, int((0.03 if jack_server.realtime else 0.08) * (c1 - c0)))
    assert x1 - x0 <= allowed


def test_callback_load_and_timing_are_reported(jack_server):
    eng = Engine(sr=SR, block=BLOCK)
    _samples(eng)
    with _open(jack_server, eng, tap_seconds=0) as out:
        eng.push(trigger_rows(64, frame=eng.frame + 4800 + np.arange(64) * 10, sample=0,
                              amp=0.01))
        time.sleep(0.5)
        s = eng.stats()
        assert out.active and out.latency > 0
    assert s["callbacks"] > 50
    assert 0.0 < s["callback_load"] < 0.5
    assert s["dac_time"] > 0
    assert s["callback_frame"] > 0


def test_engine_refuses_offline_render_while_live(jack_server):
    from livesamp.engine import EngineBusy
    eng = Engine(sr=SR, block=BLOCK)
    with _open(jack_server, eng, tap_seconds=0):
        with pytest.raises(EngineBusy):
            eng.render(10)
    eng.render(10)     # fine again once stopped


def _soak(jack_server, seconds, per_s):
    """Run the live engine for ``seconds`` with ``per_s`` one-second voices started
    per second (so about ``per_s`` sound at once); returns stats and mean load."""
    eng = Engine(sr=SR, block=BLOCK, max_voices=256)
    rng = np.random.default_rng(5)
    src = eng.add_sample((0.3 * rng.uniform(-1, 1, SR * 10)).astype(np.float32))
    loads = []
    with _open(jack_server, eng, tap_seconds=0):
        time.sleep(0.5)
        x0 = eng.stats()["xruns"]
        t_end = time.monotonic() + seconds
        next_frame = eng.frame + SR // 10
        while time.monotonic() < t_end:
            horizon = eng.frame + SR // 5
            k = max(0, (horizon - next_frame) * per_s // SR)
            if k:
                frames = next_frame + np.arange(k) * (SR // per_s)
                eng.push(trigger_rows(k, frame=frames, sample=src, speed=rng.uniform(0.5, 2, k),
                                      begin=rng.uniform(0, 0.7, k), amp=1 / 16,
                                      pan=rng.uniform(0, 1, k), sustain=SR - 240, interp=1))
                next_frame = frames[-1] + SR // per_s
            time.sleep(0.05)
            loads.append(eng.stats()["callback_load"])
        s = eng.stats()
    s["xruns"] -= x0
    return s, float(np.mean(loads[20:]))


@pytest.mark.slow
def test_soak_60s_256_busy_voices(jack_server):
    """60 s at block 256 with ~250 voices sounding all the time, then 60 s of an idle
    engine as a control. The engine causes no xruns of its own: (almost) no callback
    takes longer than its block (``overruns``). The JACK dummy driver on a shared
    2-core VM reports xruns even for the idle engine -- late driver wake-ups, which
    PortAudio flags as underflows, and vCPU steal -- so the xrun count is bounded, and
    printed with the control's, rather than required to be 0."""
    busy, busy_load = _soak(jack_server, 60, 250)
    idle, idle_load = _soak(jack_server, 60, 0)
    print(f"\nsoak busy: callbacks {busy['callbacks']} xruns {busy['xruns']} "
          f"overruns {busy['overruns']} "
          f"load mean {busy_load:.3f} max {busy['callback_load_max']:.3f} "
          f"active {busy['active_voices']}; idle control: xruns {idle['xruns']} "
          f"load mean {idle_load:.3f} max {idle['callback_load_max']:.3f}")
    assert busy["active_voices"] >= 240
    assert busy["late"] == 0 and busy["steals"] == 0 and busy["rejected"] == 0
    assert busy_load < 0.5
    assert busy["callbacks"] >= 0.95 * 60 * SR / BLOCK
    assert busy["overruns"] <= 0.001 * busy["callbacks"]   # vCPU steal, not the engine
    assert busy["xruns"] <= 3 * idle["xruns"] + 0.005 * busy["callbacks"]  # GIL-bound: 27%+


def test_sample_arena_grows_while_playing(jack_server):
    """Adding a sample that does not fit swaps in a bigger arena under the running
    callback; old voices keep playing, the new sample plays, and the tap still equals
    the offline render."""
    eng = Engine(sr=SR, block=BLOCK, sample_capacity_frames=70000)
    a, b = _samples(eng)
    rng = np.random.default_rng(6)
    big = (0.2 * np.sin(np.arange(200000) * 0.01)).astype(np.float32)
    with _open(jack_server, eng) as out:
        rows1 = _triggers(eng.frame + int(0.1 * SR), 10, rng)
        eng.push(rows1)
        time.sleep(0.15)
        c = eng.add_sample(big)                  # grows the arena (70000 -> 200000+)
        assert eng.samples.capacity_frames > 200000
        rows2 = trigger_rows(3, frame=eng.frame + int(0.1 * SR) + np.arange(3) * 3000,
                             sample=c, amp=0.5)
        eng.push(rows2)
        time.sleep(0.5)
        out.stop()
        first, end = out.tap_span()
        live = out.read_tap(first, end - first)
    s = eng.stats()
    assert s["rejected"] == 0 and s["late"] == 0 and s["started"] == 13
    off = Engine(sr=SR, block=BLOCK)
    _samples(off)
    off.add_sample(big)
    off.push(np.concatenate([rows1, rows2]))
    assert np.array_equal(live, off.render(end))
