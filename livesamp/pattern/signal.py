"""Continuous signals and Strudel's seeded randomness (the legacy xorshift RNG), bit for bit.

Randomness is a pure function of cycle time: rand at time t is the same in every render.

>>> show(sine.segment(4))
0 1/4 | 0.5
1/4 1/2 | 1
1/2 3/4 | 0.5
3/4 1 | 0
"""
from __future__ import annotations

import math

from .core import Pattern, _query_shared, fastcat, pure, reify, sequence, signal, silence, stack
from .hap import Hap
from .registry import register
from .time import Fraction, Time, to_fraction
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


def _float(t) -> float:
    if type(t) is Time:  # Fraction.__float__ goes through the numbers ABCs
        return t._numerator / t._denominator
    return float(t)


def rand_at(t, seed=0) -> float:
    """Strudel's rand at cycle time t (a float in [0, 1)).

    abs(_int_seed_to_rand(_time_to_int_seed(t + seed))), written out in one function (it is
    sampled once per event per random layer).
    """
    x = ((t._numerator / t._denominator) if type(t) is Time else float(t)) + (seed or 0)
    x = x / 300
    x = math.trunc((x - math.trunc(x)) * _TWO29) & 0xFFFFFFFF
    if x & 0x80000000:
        x -= 0x100000000
    a = ((x << 13) ^ x) & 0xFFFFFFFF  # _xorwise, on int32 values
    if a & 0x80000000:
        a -= 0x100000000
    b = ((a >> 17) ^ a) & 0xFFFFFFFF
    if b & 0x80000000:
        b -= 0x100000000
    c = ((b << 5) ^ b) & 0xFFFFFFFF
    if c & 0x80000000:
        c -= 0x100000000
    return ((-c if c < 0 else c) % _TWO29) / _TWO29  # |js_rem(c, 2^29)| / 2^29


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


_t = _float


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
    """Random booleans, true with probability p.

    >>> show(brand_by(0.25).segment(4))
    0 1/4 | true
    1/4 1/2 | false
    1/2 3/4 | false
    3/4 1 | true
    """
    return reify(p).fmap(_brand_by).inner_join()


brand = _brand_by(0.5)


def _irand(n):
    return rand.fmap(lambda x: math.trunc(x * n))


def irand(n):
    """Random whole numbers 0 .. n-1.

    >>> show(irand(8).segment(4))
    0 1/4 | 0
    1/4 1/2 | 2
    1/2 3/4 | 2
    3/4 1 | 1
    """
    return reify(n).fmap(_irand).inner_join()


def _choose_with(pat, xs):
    xs = [reify(x) for x in xs]
    if not xs:
        return silence
    n = len(xs)
    return pat._range(0, n).fmap(lambda i: xs[min(max(math.floor(i), 0), n - 1)])


def choose_with(pat, xs):
    """Pick from xs by the value (0..1) of pat; the structure comes from where it is used.

    >>> show(choose_with(sequence(0, 0.5, 0.9), ["a", "b", "c"]))
    0 1/3 | a
    1/3 2/3 | b
    2/3 1 | c
    """
    return _choose_with(reify(pat), xs).outer_join()


def choose_in_with(pat, xs):
    """Like choose_with, the chosen pattern's own structure kept (inner join).

    >>> show(choose_in_with(sequence(0, 0.9), [sequence("a", "b"), "c"]))
    0 1/2 | a
    0 1 [1/2 1] | c
    """
    return _choose_with(reify(pat), xs).inner_join()


def choose(*xs):
    """Pick one of xs at random for each event (structure from the pattern it is used in).

    >>> show(sequence(1, 1, 1, 1).set(choose("a", "b", "c")))
    0 1/4 | a
    1/4 1/2 | b
    1/2 3/4 | a
    3/4 1 | a
    """
    return choose_with(rand, xs)


def choose_in(*xs):
    """Pick one of xs at random, keeping the chosen pattern's structure.

    >>> show(choose_in(sequence("a", "b"), "c").segment(1))
    0 1 [0 1/2] | a
    0 1 [1/2 1] | b
    """
    return choose_in_with(rand, xs)


def choose_cycles(*xs):
    """Pick one of xs at random each cycle, with its own structure.

    >>> show(choose_cycles("a", "b", "c").fast(4))
    0 1/4 | a
    1/4 1/2 | b
    1/2 3/4 | c
    3/4 1 | a
    """
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
    """Weighted choice: wchoose([value, weight], ...).

    >>> show(sequence(1, 1, 1, 1).set(wchoose(["a", 1], ["b", 3])))
    0 1/4 | a
    1/4 1/2 | b
    1/2 3/4 | b
    3/4 1 | a
    """
    return _wchoose_with(rand, *pairs).outer_join()


def wchoose_cycles(*pairs):
    """Weighted choice of a whole pattern each cycle: wchoose_cycles([pat, weight], ...).

    >>> show(wchoose_cycles(["a", 1], ["b", 3]).fast(4))
    0 1/4 | a
    1/4 1/2 | b
    1/2 3/4 | b
    3/4 1 | a
    """
    return _wchoose_with(rand.segment(1), *pairs).inner_join()


wrandcat = wchoose_cycles


def run(n):
    """0 .. n-1 as a sequence.

    >>> show(run(4))
    0 1/4 | 0
    1/4 1/2 | 1
    1/2 3/4 | 2
    3/4 1 | 3
    """
    from .transform import range as _  # noqa: F401  (registers range/segment)

    return saw.range(0, n).round().segment(n)


def binary_n(n, bits=16):
    """The `bits` lowest bits of n, highest first.

    >>> show(binary_n(5, 4))
    0 1/4 | 0
    1/4 1/2 | 1
    1/2 3/4 | 0
    3/4 1 | 1
    """
    bits = reify(bits)
    bit_pos = run(bits).mul(-1).add(bits.sub(1))
    return reify(n).segment(bits).brshift(bit_pos).band(pure(1))


def binary(n):
    """The bits of n, highest first.

    >>> show(binary(5))
    0 1/3 | 1
    1/3 2/3 | 0
    2/3 1 | 1
    """
    bits = reify(n).fmap(lambda v: math.log2(v) if v > 0 else -math.inf).floor().add(1)
    return binary_n(n, bits)


# -- randomness as pattern transformations ------------------------------------------------
def _degrade_by_with(with_pat, x, pat):
    """Keep the events where with_pat is above x (use the plain form, `_degrade_by_with`, as in Strudel).

    >>> show(sequence(0, 1, 2, 3)._degrade_by_with(sequence(0.2, 0.8), 0.5))
    1/2 3/4 | 2
    3/4 1 | 3
    """
    x = float(x)
    return pat.app_left(with_pat.filter_values(lambda v: v > x), _keep_left)


def _keep_left(a, _b):
    return a


degrade_by_with = register("degrade_by_with", _degrade_by_with, True, True)


def _degrade_by(x, pat):
    """Drop each event at random with probability x.

    >>> show(sequence(0, 1, 2, 3, 4, 5, 6, 7).degrade_by(0.5))
    1/8 1/4 | 1
    """
    return pat._degrade_by_with(rand, x)


degrade_by = register("degrade_by", _degrade_by, True, True)


def _degrade(pat):
    """Drop half of the events at random: degrade_by(0.5).

    >>> show(sequence(0, 1, 2, 3, 4, 5, 6, 7).degrade())
    1/8 1/4 | 1
    """
    return pat._degrade_by(0.5)


degrade = register("degrade", _degrade, True, True)


def _undegrade_by(x, pat):
    """Keep exactly the events degrade_by(1 - x) would drop.

    >>> show(sequence(0, 1, 2, 3, 4, 5, 6, 7).undegrade_by(0.5))
    0 1/8 | 0
    1/4 3/8 | 2
    3/8 1/2 | 3
    1/2 5/8 | 4
    5/8 3/4 | 5
    3/4 7/8 | 6
    7/8 1 | 7
    """
    return pat._degrade_by_with(rand.fmap(lambda r: 1 - r), x)


undegrade_by = register("undegrade_by", _undegrade_by,
                        True, True)


def _undegrade(pat):
    """undegrade_by(0.5): the events degrade drops.

    >>> show(sequence(0, 1, 2, 3, 4, 5, 6, 7).undegrade())
    0 1/8 | 0
    1/4 3/8 | 2
    3/8 1/2 | 3
    1/2 5/8 | 4
    5/8 3/4 | 5
    3/4 7/8 | 6
    7/8 1 | 7
    """
    return pat._undegrade_by(0.5)


undegrade = register("undegrade", _undegrade, True, True)


def _check_fn(fn):
    if not callable(fn):
        raise TypeError(f"expected a function of a pattern, got {type(fn).__name__} {fn!r}")
    return fn


def _sometimes_by(x, fn, pat):
    """Apply fn to each event with probability x (chosen before fn runs).

    >>> show(sequence(0, 1, 2, 3).sometimes_by(0.5, add(10)))
    0 1/4 | 10
    1/4 1/2 | 11
    1/2 3/4 | 12
    3/4 1 | 13
    """
    _check_fn(fn)

    def both(x):
        shared, scope = _query_shared(pat)  # both sides read pat at the same spans
        return scope(stack(shared._degrade_by(x), fn(shared._undegrade_by(1 - x))))

    return reify(x).fmap(both).inner_join()


sometimes_by = register("sometimes_by", _sometimes_by)


def _sometimes(fn, pat):
    """Apply fn to half of the events, at random.

    >>> show(sequence(0, 1, 2, 3, 4, 5, 6, 7).sometimes(add(10)))
    0 1/8 | 10
    1/8 1/4 | 1
    1/4 3/8 | 12
    3/8 1/2 | 13
    1/2 5/8 | 14
    5/8 3/4 | 15
    3/4 7/8 | 16
    7/8 1 | 17
    """
    return pat._sometimes_by(0.5, fn)


sometimes = register("sometimes", _sometimes)


def _some_cycles_by(x, fn, pat):
    """Apply fn to whole cycles with probability x.

    >>> show(sequence(0, 1).some_cycles_by(0.5, add(10)), begin=1)
    1 3/2 | 0
    3/2 2 | 1
    """
    _check_fn(fn)

    def both(x):
        shared, scope = _query_shared(pat)  # both sides read pat at the same spans
        return scope(stack(
            shared._degrade_by_with(rand._segment(1), x),
            fn(shared._degrade_by_with(rand.fmap(lambda r: 1 - r)._segment(1), 1 - x)),
        ))

    return reify(x).fmap(both).inner_join()


some_cycles_by = register("some_cycles_by", _some_cycles_by)


def _some_cycles(fn, pat):
    """Apply fn to half of the cycles, at random.

    >>> show(sequence(0, 1).some_cycles(add(10)), begin=1)
    1 3/2 | 0
    3/2 2 | 1
    """
    return pat._some_cycles_by(0.5, fn)


some_cycles = register("some_cycles", _some_cycles)


def _often(fn, pat):
    """sometimes_by(0.75, fn).

    >>> show(sequence(0, 1, 2, 3).often(add(10)))
    0 1/4 | 10
    1/4 1/2 | 11
    1/2 3/4 | 12
    3/4 1 | 13
    """
    return pat.sometimes_by(0.75, fn)


often = register("often", _often)


def _rarely(fn, pat):
    """sometimes_by(0.25, fn).

    >>> show(sequence(0, 1, 2, 3).rarely(add(10)))
    0 1/4 | 10
    1/4 1/2 | 1
    1/2 3/4 | 2
    3/4 1 | 13
    """
    return pat.sometimes_by(0.25, fn)


rarely = register("rarely", _rarely)


def _almost_never(fn, pat):
    """sometimes_by(0.1, fn).

    >>> show(sequence(0, 1, 2, 3).almost_never(add(10)))
    0 1/4 | 10
    1/4 1/2 | 1
    1/2 3/4 | 2
    3/4 1 | 3
    """
    return pat.sometimes_by(0.1, fn)


almost_never = register("almost_never", _almost_never)


def _almost_always(fn, pat):
    """sometimes_by(0.9, fn).

    >>> show(sequence(0, 1, 2, 3).almost_always(add(10)))
    0 1/4 | 10
    1/4 1/2 | 11
    1/2 3/4 | 12
    3/4 1 | 13
    """
    return pat.sometimes_by(0.9, fn)


almost_always = register("almost_always", _almost_always)


def _never(fn, pat):
    """Never apply fn.

    >>> show(sequence(0, 1).never(add(10)))
    0 1/2 | 0
    1/2 1 | 1
    """
    return pat


never = register("never", _never)


def _always(fn, pat):
    """Always apply fn.

    >>> show(sequence(0, 1).always(add(10)))
    0 1/2 | 10
    1/2 1 | 11
    """
    return _check_fn(fn)(pat)


always = register("always", _always)


def _with_seed(fn, pat):
    def q(state):
        controls = dict(state.controls)
        controls["rand_seed"] = fn(controls.get("rand_seed"))
        return pat.query(state.set_controls(controls))

    return Pattern(q, pat._steps)


def _seed(n, pat):
    """Offset the random numbers of the pattern by n (a different but repeatable randomness).

    >>> show(rand.segment(2).seed(1))
    0 1/2 | 0.519542
    1/2 1 | 0.608408
    """
    return _with_seed(lambda _s: n, pat)


seed = register("seed", _seed)


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


def _shuffle(n, pat):
    """Play the n parts of each cycle in a random order, each part once.

    >>> show(sequence("a", "b", "c", "d").shuffle(4))
    0 1/4 | c
    1/4 1/2 | b
    1/2 3/4 | d
    3/4 1 | a
    """
    return _rearrange_with(_randrun(int(n)), int(n), pat)


shuffle = register("shuffle", _shuffle)


def _scramble(n, pat):
    """Play n random parts of each cycle (parts may repeat).

    >>> show(sequence("a", "b", "c", "d").scramble(4))
    0 1/4 | a
    1/4 1/2 | b
    1/2 3/4 | b
    3/4 1 | a
    """
    return _rearrange_with(_irand(int(n))._segment(int(n)), int(n), pat)


scramble = register("scramble", _scramble)
