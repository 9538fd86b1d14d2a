"""Eight neural voices live on the JACK dummy server. Slow.

Eight slots play neural-voice patterns whose latents change from event to event (so new
buffers are rendered all the time, ahead, on the background thread). The control runs
play the same eight patterns on the engine's own sampler voice, alternating with them.
The neural runs must start their triggers as punctually as the control (renders fit the
lookahead), never overrun a block, and JACK must report no more xruns than in the control
runs, give or take 0.5 % of the callbacks (the dummy driver on a shared VM reports late
wake-ups of its own, which come and go; see test_io_jack's soak).
"""
from __future__ import annotations

import time

import pytest

from jack import jack_server  # noqa: F401  (session fixture)

pytestmark = [pytest.mark.jack, pytest.mark.slow]

SECONDS = 10
ROUNDS = 3
LOOKAHEAD = 0.2
PATTERNS = [
    's("thud*4").voice("default").z0(sine.range(-2, 2).slow(4))',
    's("hum").voice("default").z1(saw.range(-2, 2).slow(2))',
    's("[tss drip]*2").voice("default").z0(rand.range(-2, 2))',
    's("pluck*2 ping").voice("default").z2(cosine.range(-2, 2))',
    's("big_swoosh").voice("default").z0("<-2 0 2>").follow(0)',
    's("womp boing").voice("default").z1(sine.range(-1, 1).fast(3))',
    's("clap*2 knock*2").voice("default").z3(rand.range(-2, 2))',
    's("rumble").voice("default").z0(tri.range(-2, 2).slow(3)).gain(0.8)',
]


def _run(jack_server, neural: bool) -> dict:
    import livesamp
    from livesamp.live.session import Session
    from livesamp.neural.play import voices_for

    session = Session(banks=["default"], report=lambda m: None, max_voices=256, lookahead_s=LOOKAHEAD)
    env = {name: getattr(livesamp, name) for name in livesamp.__all__}
    pats = [eval(p if neural else p.replace('voice("default")', 'voice("sampler")'), dict(env))  # noqa: S307
            for p in PATTERNS]
    session.start(backend="portaudio", device=jack_server.device, tap_seconds=0)
    try:
        time.sleep(1.0)
        with session.batch():
            for i, p in enumerate(pats):
                session.play(i, p)
        time.sleep(2.0)
        s0 = session.engine.stats()
        r0 = voices_for(session.engine).stats()
        time.sleep(SECONDS)
        s1 = session.engine.stats()
        r1 = voices_for(session.engine).stats()
    finally:
        session.stop()
    out = {k: s1[k] - s0[k] for k in ("xruns", "overruns", "late", "started", "callbacks", "rejected", "nonfinite")}
    out["renders"] = r1["renders"] - r0["renders"]
    out["render_s"] = r1["render_s"] - r0["render_s"]
    out["prefetched"] = r1["prefetched"] - r0["prefetched"]
    out["load_max"] = s1["callback_load_max"]
    return out


def test_eight_neural_voices_keep_the_live_engine_on_time(jack_server):
    """Alternating rounds (the VM's own xruns come and go), totals compared."""
    keys = ("xruns", "overruns", "late", "started", "callbacks", "rejected", "nonfinite", "renders", "prefetched")
    busy = dict.fromkeys(keys, 0)
    control = dict.fromkeys(keys, 0)
    for _ in range(ROUNDS):
        for total, neural in ((busy, True), (control, False)):
            r = _run(jack_server, neural)
            for k in keys:
                total[k] += r[k]
    print(f"\n8 neural voices {ROUNDS} x {SECONDS} s: started {busy['started']} late {busy['late']} renders "
          f"{busy['renders']} ({busy['prefetched']} ahead) xruns {busy['xruns']} overruns {busy['overruns']} "
          f"callbacks {busy['callbacks']}; sampler control: started {control['started']} late {control['late']} "
          f"xruns {control['xruns']}; JACK realtime {jack_server.realtime}")
    assert busy["started"] >= 0.95 * control["started"] and busy["renders"] > ROUNDS * SECONDS
    assert busy["late"] <= control["late"] and busy["rejected"] == 0 and busy["nonfinite"] == 0
    assert busy["callbacks"] >= 0.95 * ROUNDS * SECONDS * 48000 / 256
    assert busy["overruns"] <= 0.001 * busy["callbacks"]
    assert busy["xruns"] <= control["xruns"] + 0.005 * busy["callbacks"]
