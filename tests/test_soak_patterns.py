"""60 s of the whole live path: 16 slots of performance patterns -> scheduler -> GIL-free
callback on the JACK dummy server, with a busy Python thread beside it.

This is the performer's situation (issue #3's soak): every slot d1..d16 plays one of the
16 patterns of bench/patterns16.json (mini-notation plus 3-5 chained functions each),
while another Python thread burns CPU holding the GIL as a heavy pattern or a training
job would. The engine must start every trigger on time (no late starts), never take
longer than a block (overruns), and the xruns JACK reports must be no more than an idle
control run of the same length shows (the dummy driver on a shared VM reports late
wake-ups of its own; see test_io_jack's soak).
"""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from jack import jack_server  # noqa: F401  (session fixture)

pytestmark = [pytest.mark.jack, pytest.mark.slow]

PATTERNS = Path(__file__).resolve().parent.parent / "bench" / "patterns16.json"
SECONDS = 60


def _burn(stop: threading.Event) -> None:
    x = 0
    while not stop.is_set():
        for i in range(20000):   # pure Python: holds the GIL in long stretches
            x = (x * 31 + i) % 1000003


def _run(jack_server, play: bool) -> dict:
    import livesamp
    from livesamp.live.session import Session

    session = Session(report=lambda m: None, max_voices=256)
    env = {name: getattr(livesamp, name) for name in livesamp.__all__}
    pats = [livesamp_eval(p["py"], env) for p in json.loads(PATTERNS.read_text())["patterns"]]
    assert len(pats) == 16
    session.start(backend="portaudio", device=jack_server.device, tap_seconds=0)
    stop = threading.Event()
    burner = threading.Thread(target=_burn, args=(stop,), daemon=True)
    try:
        time.sleep(1.0)
        if play:
            with session.batch():
                for i, p in enumerate(pats):
                    session.play(i, p)
        time.sleep(2.0)
        burner.start()
        s0 = session.engine.stats()
        t0 = time.monotonic()
        loads = []
        while time.monotonic() - t0 < SECONDS:
            time.sleep(0.25)
            loads.append(session.engine.stats(reset_peak=False)["callback_load"])
        s1 = session.engine.stats()
    finally:
        stop.set()
        session.stop()
    out = {k: s1[k] - s0[k] for k in ("xruns", "overruns", "late", "started", "callbacks",
                                      "rejected", "nonfinite")}
    out["load_mean"] = sum(loads) / len(loads)
    out["load_max"] = s1["callback_load_max"]
    out["peak"] = s1["peak"]
    return out


def livesamp_eval(src: str, env: dict):
    return eval(src, dict(env))  # noqa: S307 - the bench's own pattern spellings


def test_soak_60s_16_pattern_slots_beside_a_busy_thread(jack_server):
    busy = _run(jack_server, play=True)
    idle = _run(jack_server, play=False)
    print(f"\n16-slot soak {SECONDS} s: started {busy['started']} late {busy['late']} "
          f"xruns {busy['xruns']} overruns {busy['overruns']} callbacks {busy['callbacks']} "
          f"load mean {busy['load_mean']:.3f} max {busy['load_max']:.3f} peak {busy['peak']:.3f}; "
          f"idle control: xruns {idle['xruns']} overruns {idle['overruns']} "
          f"load mean {idle['load_mean']:.3f}")
    assert busy["started"] > 16 * SECONDS            # every slot plays, all the time
    assert busy["late"] == 0 and busy["rejected"] == 0 and busy["nonfinite"] == 0
    assert busy["callbacks"] >= 0.95 * SECONDS * 48000 / 256
    assert busy["load_mean"] < 0.5
    assert busy["overruns"] <= 0.001 * busy["callbacks"]
    assert busy["xruns"] <= idle["xruns"] + 0.001 * busy["callbacks"]
