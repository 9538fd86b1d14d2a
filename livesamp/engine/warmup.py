"""Compile (or load from numba's cache) every engine kernel before the first note.

``warm_up()`` renders a few blocks of a throw-away engine with triggers that touch
every code path (mono/stereo, cubic/linear, loops, accelerate, filters, cuts,
steals), and exercises the rings, so the first real note never waits for the JIT.
It reports whether numba compiled anything (cold) or only loaded its cache (warm).
"""
from __future__ import annotations

import time

import numpy as np

__all__ = ["warm_up_engine"]


def warm_up_engine() -> dict:
    """Returns ``{'seconds': float, 'compiled': bool}``."""
    t0 = time.perf_counter()
    from .engine import Engine
    from .layout import trigger_rows
    from .render import render_block

    misses0 = sum(render_block.stats.cache_misses.values())
    eng = Engine(max_voices=4, block=64, ring_capacity=64, sample_capacity_frames=4096,
                 stats_every_s=0.001)
    mono = np.sin(np.arange(512) * 0.05).astype(np.float32)
    stereo = np.stack([mono, -mono], axis=1)
    a = eng.add_sample(mono)
    b = eng.add_sample(stereo)
    rows = trigger_rows(8, frame=np.arange(8) * 16, sample=[a, b, a, b, a, b, a, b],
                        interp=[0, 1, 0, 1, 1, 0, 0, 1], speed=[1, -1.5, 0.5, 2, 1, 1, 1, 0.7],
                        loop=[1, 1, 3, 1, 1, 2, 1, 1], accel=[0, 0, 0, 1, 0, 0, 0, 0],
                        cutoff=[0, 0, 0, 0, 800, 0, 3000, 0],
                        hcutoff=[0, 0, 0, 0, 0, 200, 0, 0], cut=[0, 0, 0, 0, 0, 0, 1, 1])
    eng.push(rows)
    eng.render(512)
    eng.pop_notices()
    eng.stats()
    compiled = sum(render_block.stats.cache_misses.values()) > misses0
    return {"seconds": time.perf_counter() - t0, "compiled": compiled}
