"""Continuous signals and Strudel's seeded randomness (the legacy xorshift RNG), bit for bit.

Randomness is a pure function of cycle time: rand at time t is the same in every render.
"""
from __future__ import annotations

import math

from .core import Pattern, fastcat, pure, reify, sequence, signal, silence, stack
from .hap import Hap
from .registry import register
from .time import Fraction, to_fraction
from .values import js_rem

__all__ = [
    "saw", "saw2", "isaw", "isaw2", "sine", "sine2", "cosine", "cosine2", "square", "square2",
    "tri", "tri2", "itri", "itri2", "time", "rand", "rand2", "irand", "brand", "brand_by", "perlin",
    "choose", "choose_in", "choose_cycles", "randcat", "wchoose", "wchoose_cycles", "wrandcat",
    "run", "binary", "binary_n", "rand_at", "rands_at",
]

_TWO29 = 536870912


def _int32(x: int) -> int:
    x &= 0xFFFFFFFF
    return x - 0x100000000 if x & 0x80000000 else x


def _xorwise(x: int) -> int:
    a = _int32((x << 13) ^ x)
    b = _int32((a >> 17) ^ a)
    return _int32((b << 5) ^ b)


def _time_to_int_seed(t: float) -> int:
    x = t / 300
    frac = x - math.trunc(x)
    return _xorwise(_int32(math.trunc(frac * _TWO29)))


def _int_seed_to_rand(x: int) -> float:
    return js_rem(x, _TWO29) / _TWO29


def rand_at(t, seed=0) -> float:
    """Strudel's rand at cycle time t (a float in [0, 1))."""
    return abs(_int_seed_to_rand(_time_to_int_seed(float(t) + (seed or 0))))


def rands_at(t, n: int, seed=0) -> list[float]:
    """n values of the xorshift chain started at t (as shuffle uses them; no abs)."""
    s = _time_to_int_seed(float(t) + (seed or 0))
    if n == 1:
        return [abs(_int_seed_to_rand(s))]
    out = []
    for _ in range(n):
        out.append(_int_seed_to_rand(s))
        s = _xorwise(s)
    return out


def _t(t) -> float:
    return float(t)


saw = signal(lambda t, c: js_rem(_t(t), 1))
isaw = signal(lambda t, c: 1 - js_rem(_t(t), 1))
sine2 = signal(lambda t, c: math.sin(math.pi * 2 * _t(t)))
square = signal(lambda t, c: math.floor(js_rem(_t(t) * 2, 2)))
time = signal(lambda t, c: t)
rand = signal(lambda t, c: rand_at(t, c.get("rand_seed")))
perlin = None  # defined below, after the helpers it needs


def _to_bipolar(p):
    return p.fmap(lambda x: x * 2 - 1)


def _from_bipolar(p):
    return p.fmap(lambda x: (x + 1) / 2)


saw2 = _to_bipolar(saw)
isaw2 = _to_bipolar(isaw)
sine = _from_bipolar(sine2)
cosine = sine._early(Fraction(1, 4))
cosine2 = sine2._early(Fraction(1, 4))
square2 = _to_bipolar(square)
tri = fastcat(saw, isaw)
tri2 = fastcat(saw2, isaw2)
itri = fastcat(isaw, saw)
itri2 = fastcat(isaw2, saw2)
rand2 = _to_bipolar(rand)


def _perlin_at(t, seed=0) -> float:
    ta = math.floor(t)
    tb = ta + 1
    x = float(t) - ta
    smooth = 6.0 * x ** 5 - 15.0 * x ** 4 + 10.0 * x ** 3
    ra, rb = rand_at(ta, seed), rand_at(tb, seed)
    return ra + smooth * (rb - ra)


perlin = signal(lambda t, c: _perlin_at(t, c.get("rand_seed")))


def _brand_by(p):
    return rand.fmap(lambda x: x < p)


def brand_by(p):
    """Random booleans, true with probability p."""
    return reify(p).fmap(_brand_by).inner_join()


brand = _brand_by(0.5)


def _irand(n):
    return rand.fmap(lambda x: math.trunc(x * n))


def irand(n):
    """Random whole numbers 0 .. n-1."""
    return reify(n).fmap(_irand).inner_join()


def _choose_with(pat, xs):
    xs = [reify(x) for x in xs]
    if not xs:
        return silence
    n = len(xs)
    return pat._range(0, n).fmap(lambda i: xs[min(max(math.floor(i), 0), n - 1)])


def choose_with(pat, xs):
    return _choose_with(reify(pat), xs).outer_join()


def choose_in_with(pat, xs):
    return _choose_with(reify(pat), xs).inner_join()


def choose(*xs):
    """Pick one of xs at random for each event (structure from the pattern it is used in)."""
    return choose_with(rand, xs)


def choose_in(*xs):
    return choose_in_with(rand, xs)


def choose_cycles(*xs):
    """Pick one of xs at random each cycle, with its own structure."""
    return choose_in_with(rand.segment(1), xs)


randcat = choose_cycles


def _wchoose_with(pat, *pairs):
    values = [reify(p[0]) for p in pairs]
    weights = []
    total = pure(0)
    for p in pairs:
        total = total.add(p[1])
        weights.append(total)
    weights_pat = _sequence_p(weights)

    def match(r):
        find_pat = total.mul(r)

        def pick(ws):
            def at(find):
                for i, w in enumerate(ws):
                    if w > find:
                        return values[i]
                return None

            return at

        return weights_pat.fmap(pick).app_left(find_pat)

    return reify(pat).bind(match)


def _sequence_p(pats):
    result = pure([])
    for p in pats:
        result = result.bind(lambda lst, p=p: p.fmap(lambda v: lst + [v]))
    return result


def wchoose(*pairs):
    """Weighted choice: wchoose([value, weight], ...)."""
    return _wchoose_with(rand, *pairs).outer_join()


def wchoose_cycles(*pairs):
    return _wchoose_with(rand.segment(1), *pairs).inner_join()


wrandcat = wchoose_cycles


def run(n):
    """0 .. n-1 as a sequence."""
    from .transform import range as _  # noqa: F401  (registers range/segment)

    return saw.range(0, n).round().segment(n)


def binary_n(n, bits=16):
    bits = reify(bits)
    bit_pos = run(bits).mul(-1).add(bits.sub(1))
    return reify(n).segment(bits).brshift(bit_pos).band(pure(1))


def binary(n):
    bits = reify(n).fmap(lambda v: math.log2(v) if v > 0 else -math.inf).floor().add(1)
    return binary_n(n, bits)


# -- randomness as pattern transformations ------------------------------------------------
def _degrade_by_with(with_pat, x, pat):
    x = float(x)
    return pat.fmap(lambda a: lambda _b: a).app_left(with_pat.filter_values(lambda v: v > x))


degrade_by_with = register("degrade_by_with", _degrade_by_with, True, True)
degrade_by = register("degrade_by", lambda x, pat: pat._degrade_by_with(rand, x), True, True)
degrade = register("degrade", lambda pat: pat._degrade_by(0.5), True, True)
undegrade_by = register("undegrade_by", lambda x, pat: pat._degrade_by_with(rand.fmap(lambda r: 1 - r), x),
                        True, True)
undegrade = register("undegrade", lambda pat: pat._undegrade_by(0.5), True, True)


def _check_fn(fn):
    if not callable(fn):
        raise TypeError(f"expected a function of a pattern, got {type(fn).__name__} {fn!r}")
    return fn


def _sometimes_by(x, fn, pat):
    """Apply fn to each event with probability x (chosen before fn runs)."""
    _check_fn(fn)
    return reify(x).fmap(lambda x: stack(pat._degrade_by(x), fn(pat._undegrade_by(1 - x)))).inner_join()


sometimes_by = register("sometimes_by", _sometimes_by)
sometimes = register("sometimes", lambda fn, pat: pat._sometimes_by(0.5, fn))


def _some_cycles_by(x, fn, pat):
    """Apply fn to whole cycles with probability x."""
    _check_fn(fn)
    return reify(x).fmap(lambda x: stack(
        pat._degrade_by_with(rand._segment(1), x),
        fn(pat._degrade_by_with(rand.fmap(lambda r: 1 - r)._segment(1), 1 - x)),
    )).inner_join()


some_cycles_by = register("some_cycles_by", _some_cycles_by)
some_cycles = register("some_cycles", lambda fn, pat: pat._some_cycles_by(0.5, fn))
often = register("often", lambda fn, pat: pat.sometimes_by(0.75, fn))
rarely = register("rarely", lambda fn, pat: pat.sometimes_by(0.25, fn))
almost_never = register("almost_never", lambda fn, pat: pat.sometimes_by(0.1, fn))
almost_always = register("almost_always", lambda fn, pat: pat.sometimes_by(0.9, fn))
never = register("never", lambda fn, pat: pat)
always = register("always", lambda fn, pat: _check_fn(fn)(pat))


def _with_seed(fn, pat):
    def q(state):
        controls = dict(state.controls)
        controls["rand_seed"] = fn(controls.get("rand_seed"))
        return pat.query(state.set_controls(controls))

    return Pattern(q, pat._steps)


seed = register("seed", lambda n, pat: _with_seed(lambda _s: n, pat))


def _randrun(n: int):
    def fn(t, c):
        rands = rands_at(math.floor(t) + 0.5, n, c.get("rand_seed"))
        order = [i for _, i in sorted(((r, i) for i, r in enumerate(rands)), key=lambda p: p[0])]
        i = math.floor((t - math.floor(t)) * n) % n
        return order[i]

    return signal(fn)._segment(n)


def _rearrange_with(ipat, n, pat):
    pats = [pat.zoom(Fraction(i, n), Fraction(i + 1, n)) for i in range(n)]
    return ipat.fmap(lambda i: pats[i].repeat_cycles(n)._fast(n)).inner_join()


shuffle = register("shuffle", lambda n, pat: _rearrange_with(_randrun(int(n)), int(n), pat))
scramble = register("scramble", lambda n, pat: _rearrange_with(_irand(int(n))._segment(int(n)), int(n), pat))
