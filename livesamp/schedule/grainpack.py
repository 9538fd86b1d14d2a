"""Packing grain events: the grain controls into trigger kind 1 (see
livesamp/engine/kernels/grains.py for what the engine does with them).

An event is a grain event when it has a grain size (``grain``, set by ``.grain(...)``) or
``voice="grain"`` (size 0.05 s). With ``density`` 0 it is one single grain; otherwise a
cloud lasting the event: its sustain is ``sustain`` or ``legato`` x the event as for
every voice, else the event's whole duration. The cloud's RNG seed is ``grainseed``, or
one derived from the event's onset (cycle, as an exact fraction) and slot, so a replay
of the same cycles draws the same grains.
"""
from __future__ import annotations

import math

from ..engine import layout as L

__all__ = ["GRAIN_ENVELOPES", "is_grain_event", "pack_grain"]

GRAIN_ENVELOPES = {"hann": 0, "tukey": 1, "expodec": 2, "rexpodec": 3}
DEFAULT_SIZE_S = 0.05
DEFAULT_DENSITY = 50.0
_SEED_MASK = (1 << 53) - 1        # seeds travel as float64: exact below 2**53
_COLUMNS = (("density", L.T_GRAIN_DENSITY), ("pos", L.T_GRAIN_POS),
            ("jitter", L.T_GRAIN_POSJIT), ("pitchjitter", L.T_GRAIN_RATEJIT),
            ("spread", L.T_GRAIN_SPREAD), ("reverse", L.T_GRAIN_REVERSE))


def is_grain_event(value: dict) -> bool:
    return value.get("grain") is not None or value.get("voice") == "grain"


def _num(value, name: str) -> float:
    if isinstance(value, (bool, int, float)) or hasattr(value, "numerator"):
        return float(value)
    raise ValueError(f"control {name!r} expects a number, got {value!r}")


def _envelope(value) -> float:
    if isinstance(value, str):
        key = value.strip().lower()
        if key not in GRAIN_ENVELOPES:
            raise ValueError(f"grainenv must be one of {', '.join(GRAIN_ENVELOPES)}, got {value!r}")
        return float(GRAIN_ENVELOPES[key])
    k = _num(value, "grainenv")
    if k not in (0, 1, 2, 3):
        raise ValueError(f"grainenv must be hann, tukey, expodec, rexpodec or 0..3, got {value!r}")
    return k


def event_seed(whole_begin, slot: int) -> int:
    """A seed from the event's onset (an exact fraction of cycles) and its slot."""
    num = getattr(whole_begin, "numerator", None)
    den = getattr(whole_begin, "denominator", None)
    if num is None or den is None:
        num, den = float(whole_begin).as_integer_ratio()
    h = (num * 0x9E3779B1 + den * 0x85EBCA77 + (slot + 1) * 0xC2B2AE3D) & _SEED_MASK
    return h


def pack_grain(row, value: dict, hap, slot: int, cps: float, sr: int) -> None:
    """Turn a packed sampler row into a grain trigger if ``value`` is a grain event."""
    if not is_grain_event(value):
        return
    size = value.get("grain")
    size = DEFAULT_SIZE_S if size is None else _num(size, "grain")
    if not (size > 0.0 and math.isfinite(size)):
        raise ValueError(f"grain size must be a positive number of seconds, got {size!r}")
    row[L.T_KIND] = L.KIND_GRAIN
    row[L.T_GRAIN_SIZE] = size
    row[L.T_GRAIN_DENSITY] = DEFAULT_DENSITY
    for name, column in _COLUMNS:
        if value.get(name) is not None:
            row[column] = _num(value[name], name)
    if value.get("sync") is not None:
        row[L.T_GRAIN_ASYNC] = 0.0 if _num(value["sync"], "sync") >= 0.5 else 1.0
    if value.get("grainenv") is not None:
        row[L.T_GRAIN_ENV] = _envelope(value["grainenv"])
    seed = value.get("grainseed")
    whole = hap.whole
    if seed is not None:
        row[L.T_GRAIN_SEED] = float(int(_num(seed, "grainseed")) & _SEED_MASK)
    else:
        begin = whole.begin if whole is not None else hap.part.begin
        row[L.T_GRAIN_SEED] = float(event_seed(begin, slot))
    # a cloud lasts its event unless sustain / legato said otherwise
    if row[L.T_SUSTAIN] < 0 and whole is not None and cps > 0:
        row[L.T_SUSTAIN] = float(whole.end - whole.begin) / cps * sr
