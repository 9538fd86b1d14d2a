"""What the effects cost: per-voice effects (ns per voice-frame), the orbit reverb and
delay (ns per frame), idle orbits (ns per block), and the live target: 2,048 concurrent
50 ms grains (8 clouds) with every effect on one orbit at block 256.

    .venv/bin/python bench/engine_effects.py [--seconds 4] [--repeat 3]

Single-threaded, offline (``Engine.render``), numba kernels already compiled (a first
render warms them up). Times are the thread's CPU time (robust on a shared machine),
best of ``--repeat``. Prints one table; "load" is render time / audio time.
"""
from __future__ import annotations

import argparse
import time

import numpy as np
from numba import njit

from livesamp.engine import Engine, trigger_rows
from livesamp.engine import layout as L
from livesamp.engine.kernels import orbits as O

SR = 48000
BLOCK = 256

VOICE_FX = {
    "plain (fast mix)": {},
    "lowpass": dict(cutoff=2000, resonance=0.3),
    "bandf": dict(bandf=1000, bandq=4),
    "shape": dict(shape=0.6),
    "crush": dict(crush=4),
    "coarse": dict(coarse=6),
    "vowel": dict(vowel=1),
    "sends (room+delay)": dict(room=0.3, delay=0.3),
    "all per-voice": dict(vowel=2, shape=0.5, hcutoff=100, bandf=1200, crush=6, coarse=3,
                          cutoff=6000),
}


def _best(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.thread_time()
        fn()
        times.append(time.thread_time() - t0)
    return min(times)


def voice_costs(seconds, repeat, voices=64):
    """ns per voice-frame of ``voices`` long mono voices with each effect; the orbit
    effects are asleep except for the sends row (where they run, counted once)."""
    x = np.random.default_rng(0).uniform(-0.5, 0.5, int((seconds + 1) * SR)).astype(np.float32)
    frames = int(seconds * SR)
    out = {}
    for name, kw in VOICE_FX.items():
        def run():
            eng = Engine(protect=False, block=BLOCK, max_voices=voices)
            eng.add_sample(x)
            eng.push(trigger_rows(voices, frame=0, sample=0, amp=0.01, pan=0.3, **kw))
            t0 = time.thread_time()
            eng.render(frames)
            run.t = time.thread_time() - t0
        ts = []
        for _ in range(repeat):
            run()
            ts.append(run.t)
        out[name] = min(ts) / (voices * frames) * 1e9
    return out


@njit(cache=True, nogil=True)
def _orbit_loop(fxf, fxbuf, bus, blocks, n, rev, dl, noise, call):
    """Feed orbit 0 with ``noise`` (reverb and/or delay sends) and, if ``call``, run
    the orbit pass, ``blocks`` times."""
    orv = np.int64(fxf[0, O.H_OFF_RV])
    odl = np.int64(fxf[0, O.H_OFF_DL])
    odr = np.int64(fxf[0, O.H_OFF_DR])
    k = 0
    for _ in range(blocks):
        if rev:
            for j in range(n):
                fxbuf[0, orv + j] = noise[k + j]
            fxf[1, O.O_SENT_RV] = 1.0
        if dl:
            for j in range(n):
                fxbuf[0, odl + j] = noise[k + j]
                fxbuf[0, odr + j] = noise[k + j + 1]
            fxf[1, O.O_SENT_DL] = 1.0
        if call:
            O.orbits_process(fxf, fxbuf, bus, n)
        k += n
        if k + n + 1 >= noise.shape[0]:
            k = 0


def orbit_costs(seconds, repeat):
    """ns per frame of orbit 0's reverb, delay and both (the feeding loop subtracted),
    and ns per block of the orbit pass over 16 idle orbits."""
    noise = np.random.default_rng(1).uniform(-0.1, 0.1, SR).astype(np.float32)
    blocks = int(seconds * SR / BLOCK)
    out = {}
    for name, rev, dl in (("reverb", True, False), ("delay", False, True),
                          ("reverb+delay", True, True), ("16 idle orbits", False, False)):
        t = {}
        for call in (False, True):
            eng = Engine(protect=False, block=BLOCK)
            s = eng._state
            _orbit_loop(s.fxf, s.fxbuf, s.bus, 2, BLOCK, rev, dl, noise, call)   # warm
            t[call] = _best(lambda: _orbit_loop(s.fxf, s.fxbuf, s.bus, blocks, BLOCK, rev, dl,
                                                noise, call), repeat)
        per_block = (t[True] - t[False]) / blocks * 1e9
        out[name] = per_block if name.startswith("16") else per_block / BLOCK
    return out


def cloud_target(seconds, repeat, effects=True):
    """2,048 concurrent 50 ms grains as 8 clouds (5,120 grains/s each) with every
    per-voice effect and both sends on orbit 0, block 256: (load, grains started)."""
    x = np.random.default_rng(2).uniform(-0.5, 0.5, 10 * SR).astype(np.float32)
    fx = dict(vowel=1, shape=0.4, hcutoff=80, bandf=1500, bandq=2, crush=8, coarse=2,
              cutoff=8000, room=0.3, delay=0.2, size=0.7, delaytime=0.3, delayfb=0.5) if effects else {}
    frames = int(seconds * SR)
    best = None
    for _ in range(repeat):
        eng = Engine(block=BLOCK, max_grains=8192)
        eng.add_sample(x)
        rows = trigger_rows(8, frame=0, sample=0, kind=L.KIND_GRAIN, grain_size=0.05,
                            grain_density=5120, grain_pos=np.linspace(0.1, 0.8, 8),
                            grain_posjit=0.05, grain_spread=0.8, grain_seed=np.arange(8),
                            amp=0.002, sustain=frames + SR, **fx)
        eng.push(rows)
        eng.render(BLOCK)      # start the clouds
        t0 = time.thread_time()
        for _ in range(frames // BLOCK):
            eng.render(BLOCK)
        t = time.thread_time() - t0
        best = t if best is None else min(best, t)
        st = eng.stats()
    return best / (frames / SR), st["grains"], st["grain_drops"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    cloud_target(0.2, 1)        # compile / load the kernels
    print(f"per-voice effects (64 mono voices, block {BLOCK}), ns per voice-frame:")
    vc = voice_costs(args.seconds, args.repeat)
    base = vc["plain (fast mix)"]
    for name, ns in vc.items():
        print(f"  {name:<22} {ns:7.2f}   (+{ns - base:6.2f} over the fast mix)")
    print("orbit effects (orbit 0 fed with noise):")
    for name, ns in orbit_costs(args.seconds, args.repeat).items():
        unit = "ns per block" if name.startswith("16") else "ns per frame"
        print(f"  {name:<26} {ns:9.1f} {unit}")
    print("live target: 8 clouds x 256 concurrent 50 ms grains, block 256:")
    for effects in (False, True):
        load, grains, drops = cloud_target(args.seconds, args.repeat, effects)
        label = "every effect, one orbit" if effects else "no effects"
        print(f"  {label:<26} load {100 * load:5.1f} % of one core "
              f"({grains} grains, {drops} dropped)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
