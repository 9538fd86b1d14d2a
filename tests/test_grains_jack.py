"""Grains live: 2,048 concurrent 50 ms grains through the real PortAudio callback on the
JACK dummy server (block 256) for 60 s, as clouds with every effect on one orbit (the
issue's case: per-voice vowel, shape, hpf, bandf, crush, coarse, lpf; the orbit's reverb
and delay), as dry clouds, or as single grains (kind-1 triggers from Python, ~41,000 per
second). Reports the callback load and
xruns/overruns; the load must stay under half a core. Measured on the 2-vCPU VM: load
mean 0.18-0.24 of a core (single callbacks up to 0.4-4.4: vCPU steal), 0-21 overruns
in 11,300 callbacks, 6-85 xruns (the idle engine has them too, see test_io_jack.py's
soak).
"""
from __future__ import annotations

import time

import numpy as np
import pytest

from jack import jack_server  # noqa: F401  (session fixture)
from livesamp.engine import Engine, trigger_rows
from livesamp.engine import layout as L
from livesamp.io import LiveOutput

pytestmark = pytest.mark.jack

SR = 48000
BLOCK = 256
GRAINS = 2048          # sounding at once
GRAIN_S = 0.05
CLOUDS = 16            # clouds sounding at once, each 1 s long, one starting every 1/16 s
ALL_FX = dict(vowel=1, shape=0.4, hcutoff=80, bandf=1500, bandq=2, crush=8, coarse=2,
              cutoff=8000, room=0.3, size=0.7, delay=0.2, delaytime=0.3, delayfb=0.5, orbit=0)


def _source(eng):
    rng = np.random.default_rng(3)
    t = np.arange(SR * 10) / SR
    x = 0.4 * np.sin(2 * np.pi * 220 * t) + 0.2 * np.sin(2 * np.pi * 331 * t) + 0.1 * rng.uniform(-1, 1, t.size)
    return eng.add_sample(x.astype(np.float32))


def _clouds(first, k, rng, src, fx):
    """``k`` cloud triggers from frame ``first``, one every SR/CLOUDS frames: each 1 s of
    GRAINS/CLOUDS overlapping 50 ms grains."""
    density = GRAINS / CLOUDS / GRAIN_S
    rows = trigger_rows(k, frame=first + np.arange(k) * (SR // CLOUDS), sample=src,
                        kind=L.KIND_GRAIN, grain_size=GRAIN_S, grain_density=density,
                        grain_pos=rng.uniform(0.05, 0.9, k), grain_posjit=0.05,
                        grain_ratejit=2.0, grain_spread=1.0, grain_seed=rng.integers(0, 1 << 30, k),
                        speed=rng.uniform(0.7, 1.5, k), amp=0.5 / np.sqrt(GRAINS),
                        sustain=SR - 240, interp=L.INTERP_LINEAR, **fx)
    return rows


def _grains(first, k, rng, src, fx):
    """``k`` single grains from frame ``first``, GRAINS per GRAIN_S seconds."""
    step = GRAIN_S * SR / GRAINS
    return trigger_rows(k, frame=first + np.floor(np.arange(k) * step), sample=src,
                        kind=L.KIND_GRAIN, grain_density=0.0, grain_size=GRAIN_S,
                        grain_pos=rng.uniform(0.0, 0.95, k), speed=rng.uniform(0.5, 2.0, k),
                        amp=1 / np.sqrt(GRAINS), pan=rng.uniform(0, 1, k), interp=L.INTERP_LINEAR)


def _run(jack_server, kind, seconds):
    eng = Engine(sr=SR, block=BLOCK, max_voices=64, max_grains=GRAINS + 1024,
                 ring_capacity=1 << 15)
    src = _source(eng)
    rng = np.random.default_rng(7)
    clouds = kind.startswith("clouds")
    per_s = CLOUDS if clouds else GRAINS / GRAIN_S
    make = _clouds if clouds else _grains
    fx = ALL_FX if kind == "clouds_fx" else {}
    loads, active = [], []
    with LiveOutput(eng, device=jack_server.device, blocksize=BLOCK, tap_seconds=0):
        time.sleep(0.5)
        x0 = eng.stats()["xruns"]
        t_end = time.monotonic() + seconds
        next_frame = eng.frame + SR // 10
        while time.monotonic() < t_end:
            horizon = eng.frame + SR // 2            # keep 0.5 s queued (a stalled feeder is not the engine)
            k = int((horizon - next_frame) * per_s // SR)
            if k > 0:
                rows = make(next_frame, k, rng, src, fx)
                done = 0
                while done < k:
                    done += eng.push(rows[done:])
                next_frame = int(rows[-1, L.T_FRAME] + SR / per_s)
            time.sleep(0.02)
            s = eng.stats()
            loads.append(s["callback_load"])
            active.append(s["active_grains"])
        s = eng.stats()
    s["xruns"] -= x0
    return s, float(np.mean(loads[50:])), float(np.mean(active[50:]))


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["clouds_fx", "clouds", "grains"])
def test_2048_concurrent_grains_live_60s(jack_server, kind):
    s, load, active = _run(jack_server, kind, 60)
    print(f"\n{kind}: {GRAINS} grains at once, block {BLOCK}: callbacks {s['callbacks']} "
          f"load mean {load:.3f} max {s['callback_load_max']:.3f} xruns {s['xruns']} "
          f"overruns {s['overruns']} grains {s['grains']} dropped {s['grain_drops']} "
          f"late {s['late']} active grains (mean) {active:.0f}")
    assert active >= 0.9 * GRAINS
    assert s["grain_drops"] == 0 and s["late"] == 0 and s["rejected"] == 0
    assert s["callbacks"] >= 0.95 * 60 * SR / BLOCK
    assert load < 0.5
    # a callback longer than its block: vCPU steal on the shared VM, not the engine (the
    # soak in test_io_jack.py has the idle control); the engine must not make a habit of it
    assert s["overruns"] <= 0.005 * s["callbacks"]
