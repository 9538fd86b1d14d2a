"""Peer-benchmark jobs through livesamp's engine: `python -m livesamp.bench JOB OUT.wav`.

Renders a job of ../shared/reference/peers/WORKLOADS.md (W2 sampler voices, `empty`)
offline with the engine's kernels, from the job's own event list (`workload.py`, found in
the current folder as the peer harness runs it, or given with --workload-dir).
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np

__all__ = ["main"]


def _load_workload(folder: str | None):
    for candidate in filter(None, [folder, os.getcwd()]):
        if os.path.exists(os.path.join(candidate, "workload.py")):
            sys.path.insert(0, candidate)
            import workload  # noqa: PLC0415

            return workload
    raise SystemExit("livesamp.bench: workload.py not found (run from the peers folder or pass --workload-dir)")


def render_job(job: str, W, block: int = 256) -> np.ndarray:
    from .engine import Engine
    from .engine.layout import trigger_rows

    src = W.load_source(W.SOURCE_WAV) if os.path.exists(W.SOURCE_WAV) else W.make_source()
    engine = Engine(sr=W.SR, max_voices=512, block=block, ring_capacity=1 << 15)
    sid = engine.add_sample(np.repeat(src[:, None], 2, axis=1))
    if job == "empty":
        events = None
    elif job.startswith("w2-"):
        E = int(job.split("-")[1])
        ev = W.w2_events(E)
        n = len(ev["onset"])
        fade_s = W.W2_FADE_FRAMES / W.SR
        events = trigger_rows(
            n, frame=ev["onset"].astype(np.float64), sample=sid, amp=W.w2_amp(E),
            pan=(ev["pan"] + 1.0) / 2.0, speed=ev["rate"], begin=ev["start"] / W.SRC_FRAMES,
            sustain=W.W2_VOICE_FRAMES - W.W2_FADE_FRAMES, attack=fade_s, release=fade_s,
            interp=1, event=np.arange(n, dtype=np.float64))
    else:
        raise SystemExit(f"livesamp.bench: job {job!r} is not implemented here (W2 and empty are)")
    out = np.zeros((W.OUT_FRAMES, 2), dtype=np.float32)
    pushed = 0
    done = 0
    while done < W.OUT_FRAMES:
        n = min(block, W.OUT_FRAMES - done)
        if events is not None:
            horizon = done + n + block
            hi = pushed
            while hi < len(events) and events[hi, 0] < horizon:
                hi += 1
            if hi > pushed:
                pushed += engine.push(events[pushed:hi])
        out[done:done + n] = engine.render(n)
        done += n
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m livesamp.bench", description=__doc__)
    ap.add_argument("job")
    ap.add_argument("out")
    ap.add_argument("--workload-dir", default=None)
    ap.add_argument("--block", type=int, default=256)
    args = ap.parse_args(argv)
    W = _load_workload(args.workload_dir)
    audio = render_job(args.job, W, args.block)
    import soundfile as sf

    sf.write(args.out, audio, W.SR, subtype="FLOAT", format="WAV")
    return 0


if __name__ == "__main__":
    sys.exit(main())
