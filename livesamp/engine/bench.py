"""Peer-benchmark entry point: render a W1 (grain cloud), W2 (sampler voices) or
``empty`` job offline.

    python -m livesamp.engine.bench JOB OUT.wav [--peers DIR] [--time]

JOB is ``w1-64`` .. ``w1-4096``, ``w2-16``, ``w2-256`` or ``empty``. The events come
from the peers' normative ``workload.py`` (``--peers``, default ``$LIVESAMP_PEERS`` or
``/work/shared/reference/peers``); the source is its ``data/source.wav`` (made by
``python workload.py source``) or, if that file is missing, ``workload.make_source()``.
W2: each event is one sampler trigger: linear interpolation, 5 ms linear fades, 1 s of
output, equal-power pan. W1: each grain is one single-grain trigger (kind 1, density
0): 50 ms, periodic Hann, linear interpolation, amp 1/sqrt(N), equal-power pan. The
master bus is bypassed (``Engine(protect=False)``) because the jobs have no clipping
stage. Triggers are pushed as a scheduler would, a little ahead of the render
(``FEED_S``); ``$LIVESAMP_BENCH_BLOCK`` sets ``Engine(block=...)`` (default 256; the output
does not depend on it). ``--time`` prints kernel seconds and samples per CPU second to
stderr.
"""
from __future__ import annotations

import importlib.util
import math
import os
import sys
import time

import numpy as np

from .engine import Engine
from .layout import (INTERP_LINEAR, KIND_GRAIN, T_FRAME, T_GRAIN_POS, T_PAN, T_SPEED,
                     trigger_rows)

__all__ = ["w1_triggers", "w2_triggers", "main"]

FEED_S = 0.1        # triggers are pushed this far ahead of the render, in steps this long
BLOCK = int(os.environ.get("LIVESAMP_BENCH_BLOCK", "256"))


def _workload(peers: str):
    path = os.path.join(peers, "workload.py")
    spec = importlib.util.spec_from_file_location("peers_workload", path)
    if spec is None or not os.path.exists(path):
        raise SystemExit(f"bench: no workload.py in {peers!r}; pass --peers DIR")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def w2_triggers(ev: dict, amp: float, sr: int, src_frames: int, voice_frames: int = 48000,
                fade_frames: int = 240) -> np.ndarray:
    """Trigger rows for a W2 event list (onset, start, rate, pan in [-1, 1))."""
    return trigger_rows(len(ev["onset"]), frame=ev["onset"], sample=0, speed=ev["rate"],
                        begin=ev["start"] / src_frames, amp=amp, pan=(ev["pan"] + 1.0) / 2.0,
                        sustain=voice_frames - fade_frames, attack=fade_frames / sr,
                        release=fade_frames / sr, interp=INTERP_LINEAR)


def w1_triggers(ev: dict, amp: float, sr: int, src_frames: int,
                grain_frames: int = 2400, out: np.ndarray | None = None) -> np.ndarray:
    """Trigger rows for a W1 event list: one single grain each (onset, start frame,
    rate, pan in [-1, 1)). ``out``: rows already holding the constant columns (from an
    earlier call) to fill in place."""
    n = len(ev["onset"])
    if out is None or len(out) < n:
        return trigger_rows(n, frame=ev["onset"], sample=0, kind=KIND_GRAIN,
                            grain_density=0.0, grain_size=grain_frames / sr,
                            grain_pos=ev["start"] / src_frames, grain_env=0, speed=ev["rate"],
                            amp=amp, pan=(ev["pan"] + 1.0) / 2.0, interp=INTERP_LINEAR)
    rows = out[:n]
    rows[:, T_FRAME] = ev["onset"]
    rows[:, T_GRAIN_POS] = ev["start"] / src_frames
    rows[:, T_SPEED] = ev["rate"]
    rows[:, T_PAN] = (ev["pan"] + 1.0) / 2.0
    return rows


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    peers = os.environ.get("LIVESAMP_PEERS", "/work/shared/reference/peers")
    show_time = "--time" in argv
    if show_time:
        argv.remove("--time")
    if "--peers" in argv:
        i = argv.index("--peers")
        peers = argv[i + 1]
        del argv[i:i + 2]
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    name, out_path = argv
    W = _workload(peers)
    import soundfile as sf

    src_path = os.path.join(peers, "data", "source.wav")
    src = W.load_source(src_path) if os.path.exists(src_path) else W.make_source()
    kind, p, ev, env, amp, work = W.job(name)
    if kind not in ("w1", "w2", "empty"):
        print(f"bench: unknown job {name!r}", file=sys.stderr)
        return 2
    max_voices = max(64, 2 * p) if kind == "w2" else 64
    max_grains = 2 * p + 256 if kind == "w1" else 64
    step = int(FEED_S * W.SR)
    # the ring holds what is pushed ahead: two feed steps of triggers
    per_step = (20 * p if kind == "w1" else p) * FEED_S
    ring = 1 << max(12, int(math.ceil(math.log2(4 * per_step + 16))))
    eng = Engine(W.SR, max_voices=max_voices, block=BLOCK, ring_capacity=ring,
                 sample_capacity_frames=len(src) + 64, protect=False, max_grains=max_grains)
    eng.add_sample(src)
    onsets = ev["onset"] if ev is not None else np.zeros(0, np.int64)

    buf = [None]     # W1: the rows of the previous step, refilled in place

    def rows(lo: int, hi: int) -> np.ndarray:      # trigger rows of events lo..hi-1
        part = {k: v[lo:hi] for k, v in ev.items()}
        if kind == "w2":
            return w2_triggers(part, amp, W.SR, len(src), W.W2_VOICE_FRAMES, W.W2_FADE_FRAMES)
        r = w1_triggers(part, amp, W.SR, len(src), W.W1_GRAIN_FRAMES, buf[0])
        if buf[0] is None or len(r) > len(buf[0]):
            buf[0] = r
        return r

    eng.render(0)   # load the kernel
    c0 = time.process_time()
    t0 = time.perf_counter()
    out = np.empty((W.OUT_FRAMES, 2), np.float32)
    pushed = 0
    for a in range(0, W.OUT_FRAMES, step):
        b = min(W.OUT_FRAMES, a + step)
        # feed the ring as a scheduler would: triggers up to one step ahead, packed
        # when they are pushed
        hi = int(np.searchsorted(onsets, b + step))
        if hi > pushed:
            batch = rows(pushed, hi)
            done = 0
            while done < len(batch):
                done += eng.push(batch[done:])
            pushed = hi
        out[a:b] = eng.render(b - a)
    cpu = time.process_time() - c0
    wall = time.perf_counter() - t0
    sf.write(out_path, out, W.SR, subtype="FLOAT", format="WAV")
    if show_time:
        s = eng.stats()
        rate = work / cpu if cpu > 0 else math.inf
        print(f"{name}: kernel cpu {cpu:.3f} s wall {wall:.3f} s, {rate / 1e6:.1f} M "
              f"samples/CPU s, steals {s['steals']} rejected {s['rejected']} "
              f"late {s['late']} grains {s['grains']} dropped {s['grain_drops']}",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
