"""Cutting samples into pieces from patterns: chop, striate, slice, splice, loop_at, fit."""
from __future__ import annotations

from .core import Pattern, _memo_by_value, pure, reify, sequence, slowcat
from .registry import register
from .time import to_fraction

__all__ = ["chop", "striate", "slice", "splice", "loop_at", "fit"]


def _require_controls(v, what):
    if not isinstance(v, dict):
        raise TypeError(f"{what} works on control patterns (like s(...)), got plain value {v!r}")
    return v


def _chop(n, pat):
    """Cut each event into n parts, each playing the next part of the sample (begin/end).

    >>> show(s("bev").chop(2))
    0 1/2 | s=bev begin=0 end=0.5
    1/2 1 | s=bev begin=0.5 end=1
    """
    n = int(n)
    slices = [{"begin": i / n, "end": (i + 1) / n} for i in range(n)]

    def merge(a, b):
        _require_controls(a, "chop")
        if a.get("begin") is not None and a.get("end") is not None and "begin" in a and "end" in a:
            d = a["end"] - a["begin"]
            b = {"begin": a["begin"] + b["begin"] * d, "end": a["begin"] + b["end"] * d}
        return {**a, **b}

    result = pat.squeeze_bind(lambda o: sequence(*[pure(merge(o, s)) for s in slices]))
    return result.set_steps(None if pat._steps is None else pat._steps * n)


chop = register("chop", _chop)


def _striate(n, pat):
    """Play the whole cycle n times, the k-th time with the k-th slice of each sample.

    >>> show(s(sequence("a", "b")).striate(2))
    0 1/4 | s=a begin=0 end=0.5
    1/4 1/2 | s=b begin=0 end=0.5
    1/2 3/4 | s=a begin=0.5 end=1
    3/4 1 | s=b begin=0.5 end=1
    """
    n = int(n)
    slice_pat = slowcat(*[pure({"begin": i / n, "end": (i + 1) / n}) for i in range(n)])
    return pat.set(slice_pat)._fast(n).set_steps(None if pat._steps is None else pat._steps * n)


striate = register("striate", _striate)


def _slice(npat, ipat, opat):
    """Play slice i of n equal slices (or of a list of breakpoints), structure from ipat.

    >>> show(s("bev").slice(4, sequence(0, 2)))
    0 1/2 | begin=0 end=0.25 _slices=4 s=bev
    1/2 1 | begin=0.5 end=0.75 _slices=4 s=bev
    """

    def by_n(n):
        def by_i(i):
            def by_o(o):
                o = o if isinstance(o, dict) else {"s": o}
                if isinstance(n, (list, tuple)):
                    begin, end = n[int(i)], n[int(i) + 1]
                else:
                    begin, end = i / n, (i + 1) / n
                return pure({"begin": begin, "end": end, "_slices": n, **o})

            return opat.outer_bind(by_o)

        return ipat.outer_bind(_memo_by_value(by_i))  # (the same few slice numbers every cycle)

    return npat.inner_bind(_memo_by_value(by_n)).set_steps(ipat._steps)


slice = register("slice", _slice, False)  # noqa: A001


def _splice(npat, ipat, opat):
    """Like slice, with the speed set so each slice fills its event (unit 'c').

    >>> show(s("bev").splice(4, sequence(0, 2)))
    0 1/2 | speed=0.5 unit=c begin=0 end=0.25 _slices=4 s=bev
    1/2 1 | speed=0.5 unit=c begin=0.5 end=0.75 _slices=4 s=bev
    """
    sliced = _slice(npat, ipat, opat)

    def q(state):
        cps = state.controls.get("_cps") or 1
        out = []
        for h in sliced.query(state):
            v = h.value
            new = {"speed": (cps / v["_slices"] / float(h.whole.duration)) * (v.get("speed") or 1), "unit": "c"}
            out.append(h.with_value(lambda v, new=new: {**new, **v}))
        return out

    return Pattern(q, ipat._steps)


splice = register("splice", _splice, False)


def _loop_at_with(factor, pat, cps=0.5):
    return pat.speed((1 / factor) * cps).unit("c").slow(factor)


def _loop_at(factor, pat):
    """Fit the sample to `factor` cycles (speed from the tempo, unit 'c').

    >>> show(s("bev").loop_at(2))
    0 2 [0 1] | s=bev speed=0.25 unit=c
    """
    steps = None if pat._steps is None else pat._steps / to_fraction(factor)

    def q(state):
        return _loop_at_with(factor, pat, state.controls.get("_cps") or 0.5).query(state)

    return Pattern(q, steps)


loop_at = register(["loop_at", "loopat"], _loop_at)
def _loop_at_cps(factor, cps, pat):
    """loop_at for a given tempo in cycles per second.

    >>> show(s("bev").loop_at_cps(2, 1))
    0 2 [0 1] | s=bev speed=0.5 unit=c
    """
    return _loop_at_with(factor, pat, cps)


loop_at_cps = register(["loop_at_cps", "loopatcps"], _loop_at_cps)


def _fit(pat):
    """Set the speed so each event's sample slice fills the event.

    >>> show(s(sequence("a", "b")).begin(0.5).fit())
    0 1/2 | s=a begin=0.5 speed=1 unit=c
    1/2 1 | s=b begin=0.5 speed=1 unit=c
    """

    def fn(haps, state):
        cps = state.controls.get("_cps") or 1
        out = []
        for h in haps:
            v = _require_controls(h.value, "fit")
            slicedur = v.get("end", 1) - v.get("begin", 0)
            out.append(h.with_value(lambda v, h=h: {**v, "speed": (cps / float(h.whole.duration)) * slicedur,
                                                     "unit": "c"}))
        return out

    return pat.with_haps(fn)


fit = register("fit", _fit)
