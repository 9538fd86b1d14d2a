"""Eight neural voices live on the JACK dummy server, while a voice trains in the background.

Eight slots play neural-voice patterns whose latents change every event (so the scheduler
renders new buffers all the time), and ``start_training`` trains a voice in its separate
process. The engine must start every trigger on time (renders fit in the lookahead: no
late starts), never overrun a block, and JACK must report no more xruns than an idle
control run of the same length (the dummy driver on a shared VM reports late wake-ups of
its own; see test_io_jack's soak). Slow.
"""
from __future__ import annotations

import time

import pytest

from jack import jack_server  # noqa: F401  (session fixture)

pytestmark = [pytest.mark.jack, pytest.mark.slow]

SECONDS = 30
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


def _run(jack_server, play: bool, tmp_path) -> dict:
    import livesamp
    from livesamp.live.session import Session
    from livesamp.neural.build import start_training
    from livesamp.neural.play import voices_for

    session = Session(banks=["default"], report=lambda m: None, max_voices=256, lookahead_s=0.1)
    env = {name: getattr(livesamp, name) for name in livesamp.__all__}
    pats = [eval(p, dict(env)) for p in PATTERNS]  # noqa: S307 - the test's own patterns
    session.start(backend="portaudio", device=jack_server.device, tap_seconds=0)
    job = None
    try:
        time.sleep(1.0)
        if play:
            with session.batch():
                for i, p in enumerate(pats):
                    session.play(i, p)
            job = start_training("soaktrain", ["hum", "ping", "pluck"], banks=["default"], steps=100000,
                                 out=str(tmp_path / "soaktrain.npz"))
        time.sleep(2.0)
        s0 = session.engine.stats()
        r0 = voices_for(session.engine).stats()
        t0 = time.monotonic()
        while time.monotonic() - t0 < SECONDS:
            time.sleep(0.25)
            if job is not None:
                job.poll(0)
        s1 = session.engine.stats()
        r1 = voices_for(session.engine).stats()
    finally:
        if job is not None:
            job.cancel()
        session.stop()
    out = {k: s1[k] - s0[k] for k in ("xruns", "overruns", "late", "started", "callbacks", "rejected", "nonfinite")}
    out["renders"] = r1["renders"] - r0["renders"]
    out["render_cpu_s"] = r1["render_cpu_s"] - r0["render_cpu_s"]
    out["load_max"] = s1["callback_load_max"]
    out["training_alive"] = job is not None and job.result in (None, ("cancelled", "cancelled"))
    return out


def test_eight_neural_voices_and_a_training_job_keep_the_live_engine_on_time(jack_server, tmp_path):
    busy = _run(jack_server, True, tmp_path)
    idle = _run(jack_server, False, tmp_path)
    print(f"\n8 neural voices {SECONDS} s: started {busy['started']} late {busy['late']} renders {busy['renders']} "
          f"({busy['render_cpu_s']:.2f} s CPU) xruns {busy['xruns']} overruns {busy['overruns']} "
          f"callbacks {busy['callbacks']} load max {busy['load_max']:.3f}; idle control: xruns {idle['xruns']}")
    assert busy["started"] > 8 * SECONDS and busy["renders"] > 2 * SECONDS
    assert busy["late"] == 0 and busy["rejected"] == 0 and busy["nonfinite"] == 0
    assert busy["callbacks"] >= 0.95 * SECONDS * 48000 / 256
    assert busy["overruns"] <= 0.001 * busy["callbacks"]
    assert busy["xruns"] <= idle["xruns"]
    assert not (tmp_path / "soaktrain.npz").exists()       # the cancelled training wrote nothing
