"""Operators between patterns: add, sub, mul, div, set, keep ... with Strudel's `.in`/`.out`/
`.mix`/`.squeeze` forms (`pat.add(x)` is `pat.add.in_(x)`: structure from the left)."""
from __future__ import annotations

import math
from collections.abc import Mapping

from .cache import cycle_cached
from .core import Pattern, reify, sequence
from .values import js_mod, parse_numeral

__all__ = ["OPERATORS"]


def _numeral(fn):
    def numeric(a, b):
        ta, tb = type(a), type(b)
        if (ta is int or ta is float) and (tb is int or tb is float):
            return fn(a, b)  # (what parse_numeral gives for plain numbers)
        return fn(parse_numeral(a), parse_numeral(b))

    numeric.on_numbers = fn
    return numeric


def _div(a, b):
    if b == 0:
        return math.nan if a == 0 else math.copysign(math.inf, a) * (1 if not isinstance(b, float) or math.copysign(1, b) > 0 else -1)
    return a / b


def _pow(a, b):
    try:
        return a ** b
    except (OverflowError, ZeroDivisionError):
        return math.inf


def _int32(x) -> int:
    x = int(x) & 0xFFFFFFFF
    return x - (1 << 32) if x & 0x80000000 else x


OPERATORS = {
    "set": lambda a, b: b,
    "keep": lambda a, b: a,
    "keepif": lambda a, b: a if b else None,
    "add": _numeral(lambda a, b: a + b),
    "sub": _numeral(lambda a, b: a - b),
    "mul": _numeral(lambda a, b: a * b),
    "div": _numeral(_div),
    "mod": _numeral(js_mod),
    "pow": _numeral(_pow),
    "band": _numeral(lambda a, b: _int32(a) & _int32(b)),
    "bor": _numeral(lambda a, b: _int32(a) | _int32(b)),
    "bxor": _numeral(lambda a, b: _int32(a) ^ _int32(b)),
    "blshift": _numeral(lambda a, b: _int32(_int32(a) << (_int32(b) & 31))),
    "brshift": _numeral(lambda a, b: _int32(a) >> (_int32(b) & 31)),
    "lt": lambda a, b: a < b,
    "gt": lambda a, b: a > b,
    "lte": lambda a, b: a <= b,
    "gte": lambda a, b: a >= b,
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "and_": lambda a, b: a and b,
    "or_": lambda a, b: a or b,
    "func": lambda a, b: b(a),
}

HOWS = ("in_", "out", "mix", "squeeze", "squeezeout", "reset", "restart", "poly")


_PLAIN = frozenset({int, float, str, bool, type(None), list, tuple})


def _is_obj(x) -> bool:
    t = type(x)
    if t is dict:
        return True
    return t not in _PLAIN and isinstance(x, Mapping)  # (the ABC check is slow: plain types first)


def _union_with(a: Mapping, b: Mapping, op):
    if "value" in b and len(b) == 1:
        return a  # Strudel: "Can't do arithmetic on control pattern", left unchanged
    out = {**a, **b}
    for k in a:
        if k in b:
            out[k] = op(a[k], b[k])
    return out


def _compose(a, b, op):
    if type(a) is dict and type(b) is dict:
        return _union_with(a, b, op)
    if _is_obj(a) or _is_obj(b):
        if not _is_obj(a):
            a = {"value": a}
        if not _is_obj(b):
            b = {"value": b}
        return _union_with(a, b, op)
    return op(a, b)


def _combiner(op):
    """_compose(a, b, op), going straight to the arithmetic for two plain numbers."""
    on_numbers = getattr(op, "on_numbers", None)
    if on_numbers is None:
        return lambda a, b: _compose(a, b, op)

    def combine(a, b):
        ta, tb = type(a), type(b)
        if (ta is int or ta is float) and (tb is int or tb is float):
            return on_numbers(a, b)
        return _compose(a, b, op)

    return combine


def _set_values(a, b):
    """_compose(a, b, set): for two control dicts, b's values over a's (the common case)."""
    if type(a) is dict and type(b) is dict:
        if "value" in b and len(b) == 1:
            return a  # (as _union_with: a bare value sets no control)
        return {**a, **b}
    return _compose(a, b, OPERATORS["set"])


def _apply_how(pat: Pattern, how: str, other: Pattern, fn2) -> Pattern:
    """fn2(a, b) combines a left value a with a right value b."""
    if how == "in_":  # (the app_* forms with a combiner are fmap then app_*, in one layer)
        return pat.app_left(other, fn2)
    if how == "out":
        return pat.app_right(other, fn2)
    if how == "mix":
        return pat.app_both(other, fn2)

    def fn(a):
        return lambda b: fn2(a, b)

    if how == "squeeze":
        return pat.fmap(lambda a: other.fmap(lambda b: fn(a)(b))).squeeze_join()
    if how == "squeezeout":
        return other.fmap(lambda a: pat.fmap(lambda b: fn(b)(a))).squeeze_join()
    if how == "reset":
        return other.fmap(lambda b: pat.fmap(lambda a: fn(a)(b))).reset_join()
    if how == "restart":
        return other.fmap(lambda b: pat.fmap(lambda a: fn(a)(b))).restart_join()
    if how == "poly":
        return pat.fmap(lambda b: other.fmap(lambda a: fn(a)(b))).poly_join()
    raise ValueError(f"unknown operator form {how!r}")


class BoundOperator:
    """`pat.add` : call it for the default form, or pick one (`.out`, `.mix`, `.squeeze` ...)."""

    __slots__ = ("_pat", "_name")

    def __init__(self, pat: Pattern, name: str):
        self._pat = pat
        self._name = name

    def _run(self, how: str, other) -> Pattern:
        op = OPERATORS[self._name]
        other = sequence(*other) if isinstance(other, tuple) else reify(other)
        if self._name == "keepif":
            return cycle_cached(_apply_how(self._pat, how, other, op).remove_nones())
        combine = _set_values if self._name == "set" else _combiner(op)
        return cycle_cached(_apply_how(self._pat, how, other, combine))

    def __call__(self, *other) -> Pattern:
        return self._run("in_", other)

    def in_(self, *other):
        """Structure from the left (the default).

        >>> show(sequence(1, 2).add.in_(sequence(10, 20, 30)))
        0 1/2 [0 1/3] | 11
        0 1/2 [1/3 1/2] | 21
        1/2 1 [1/2 2/3] | 22
        1/2 1 [2/3 1] | 32
        """
        return self._run("in_", other)

    def out(self, *other):
        """Structure from the right.

        >>> show(sequence(1, 2).add.out(sequence(10, 20, 30)))
        0 1/3 | 11
        1/3 2/3 [1/3 1/2] | 21
        1/3 2/3 [1/2 2/3] | 22
        2/3 1 | 32
        """
        return self._run("out", other)

    def mix(self, *other):
        """Structure from both sides: events where they overlap.

        >>> show(sequence(1, 2).add.mix(sequence(10, 20, 30)))
        0 1/3 | 11
        1/3 1/2 | 21
        1/2 2/3 | 22
        2/3 1 | 32
        """
        return self._run("mix", other)

    def squeeze(self, *other):
        """Squeeze a whole cycle of the right into each event of the left.

        >>> show(sequence(1, 2).add.squeeze(sequence(10, 20)))
        0 1/4 | 11
        1/4 1/2 | 21
        1/2 3/4 | 12
        3/4 1 | 22
        """
        return self._run("squeeze", other)

    squeezein = squeeze

    def squeezeout(self, *other):
        """Squeeze a whole cycle of the left into each event of the right.

        >>> show(sequence(1, 2).add.squeezeout(sequence(10, 20)))
        0 1/4 | 11
        1/4 1/2 | 12
        1/2 3/4 | 21
        3/4 1 | 22
        """
        return self._run("squeezeout", other)

    def reset(self, *other):
        """Structure from the right; the left restarts (from its cycle position) at each of its events.

        >>> show(sequence(1, 2, 3, 4).add.reset(sequence(10, 20)))
        0 1/4 | 11
        1/4 1/2 | 12
        1/2 3/4 | 21
        3/4 1 | 22
        """
        return self._run("reset", other)

    def restart(self, *other):
        """Structure from the right; the left restarts from cycle 0 at each of its events.

        >>> show(sequence(1, 2, 3, 4).add.restart(sequence(10, 20)))
        0 1/4 | 11
        1/4 1/2 | 12
        1/2 3/4 | 21
        3/4 1 | 22
        """
        return self._run("restart", other)

    def poly(self, *other):
        """Align both sides by steps (polymeter) first.

        >>> show(sequence(1, 2).add.poly(sequence(10, 20, 30)))
        0 1/2 | 11
        1/2 1 | 22
        """
        return self._run("poly", other)

    def __repr__(self) -> str:
        return f"<operator {self._name} of {self._pat!r}>"


def _install() -> None:
    for name in OPERATORS:
        def prop(self, name=name):
            return BoundOperator(self, name)

        setattr(Pattern, name, property(prop))
        setattr(Pattern, "_" + name, lambda self, value, name=name: self.fmap(
            lambda x: OPERATORS[name](x, value)))
    setattr(Pattern, "in_", lambda self, *args: BoundOperator(self, "set").in_(*args))
    for how in HOWS[1:]:
        setattr(Pattern, how, lambda self, *args, how=how: BoundOperator(self, "set")._run(how, args))
    Pattern.struct = lambda self, *args: BoundOperator(self, "keepif").out(*args)
    Pattern.struct_all = lambda self, *args: BoundOperator(self, "keep").out(*args)
    Pattern.mask = lambda self, *args: BoundOperator(self, "keepif").in_(*args)
    Pattern.mask_all = lambda self, *args: BoundOperator(self, "keep").in_(*args)
    Pattern.reset = lambda self, *args: BoundOperator(self, "keepif").reset(*args)
    Pattern.restart = lambda self, *args: BoundOperator(self, "keepif").restart(*args)


_install()


def _curried_op(name: str, doc: str | None = None):
    def top(a, b=None, *rest):
        if b is None:
            return lambda pat: getattr(reify(pat), name)(a)
        return getattr(reify(b), name)(a)

    top.__name__ = name
    top.__doc__ = doc
    return top


set = _curried_op("set", """Take values from the other pattern (merging controls), structure from the left.

    >>> show(s(sequence("a", "b")).set(n(sequence(1, 2, 3))))
    0 1/2 [0 1/3] | s=a n=1
    0 1/2 [1/3 1/2] | s=a n=2
    1/2 1 [1/2 2/3] | s=b n=2
    1/2 1 [2/3 1] | s=b n=3
    """)  # noqa: A001 - Strudel's name
keep = _curried_op("keep", """Keep the left values (merging in the other's new controls), structure from the left.

    >>> show(n(sequence(1, 2)).keep(s("x").n(10)))
    0 1/2 | n=1 s=x
    1/2 1 | n=2 s=x
    """)
add = _curried_op("add", """Add, structure from the left (`.out`, `.mix`, `.squeeze` for the other forms).

    >>> show(sequence(1, 2).add(sequence(10, 20, 30)))
    0 1/2 [0 1/3] | 11
    0 1/2 [1/3 1/2] | 21
    1/2 1 [1/2 2/3] | 22
    1/2 1 [2/3 1] | 32
    """)
sub = _curried_op("sub", """Subtract, structure from the left.

    >>> show(sequence(10, 20).sub(1))
    0 1/2 | 9
    1/2 1 | 19
    """)
mul = _curried_op("mul", """Multiply, structure from the left.

    >>> show(n(sequence(1, 2)).mul(n(10)))
    0 1/2 | n=10
    1/2 1 | n=20
    """)
div = _curried_op("div", """Divide, structure from the left.

    >>> show(sequence(1, 2).div(4))
    0 1/2 | 0.25
    1/2 1 | 0.5
    """)
mod = _curried_op("mod", """Modulo, with the sign of the divisor.

    >>> show(sequence(5, -5).mod(3))
    0 1/2 | 2
    1/2 1 | 1
    """)
pow = _curried_op("pow", """Raise to a power.

    >>> show(sequence(2, 3).pow(2))
    0 1/2 | 4
    1/2 1 | 9
    """)  # noqa: A001
struct = _curried_op("struct", """Take the structure from a boolean pattern: events where it is true.

    >>> show(pure("a").struct(sequence(True, False, True, True)))
    0 1/4 | a
    1/2 3/4 | a
    3/4 1 | a
    """)
mask = _curried_op("mask", """Keep the parts of events where a boolean pattern is true.

    >>> show(sequence("a", "b", "c", "d").mask(sequence(True, False)))
    0 1/4 | a
    1/4 1/2 | b
    """)
