"""Mini-notation AST -> Pattern, following Strudel 1.2.6's ``mini.mjs``.

Every construct is built from the same core operations Strudel uses, in the
same order, so that events (wholes, parts, fragments) and random choices come
out identical:

* a sequence is a ``stepcat`` (timecat) of its elements weighted by ``@``,
  ``_`` and ``!`` (Strudel always takes its weighted branch);
* ``<...>`` stacks its layers, each slowed by its total weight;
* ``{...}`` speeds each layer up by ``steps / weight`` (a patterned factor,
  inner-joined), ``steps`` defaulting to the first layer's weight;
* ``x*f`` / ``x/f``: a plain factor (a bare word) is applied directly, any
  other factor pattern is inner-joined, as Strudel's ``register`` does;
* ``x!n`` repeats cycles then speeds up; ``x?p`` and ``a | b`` read the legacy
  xorshift ``rand`` shifted by ``0.0003 * seed``;
* operator arguments (factors, euclid arguments, ``%steps``) add no source
  locations to the values they act on.

Strudel throws while querying in a few corner cases (a ``{}%0`` polymeter,
a patterned euclid with more pulses than steps, a word as a patterned factor);
its ``queryArc`` then returns no haps at all.  ``mini()`` reproduces that: the
pattern it returns answers such a query with an empty list.
"""

from __future__ import annotations

import math
import re

from ..core import _MISSING, Pattern, _same_period, _same_query, fastcat, pure, reify, silence, stack, stepcat
from ..core import _memo_by_value, early_prim, fast_prim, lcm_steps, query_errors, sequence
from ..euclid import _bjorklund_step
from ..registry import curry
from ..signal import rand, rand_at
from ..time import Fraction, TimeSpan, to_fraction
from . import ast as A

__all__ = ["compile_ast", "word_value", "js_fraction", "MiniQueryError"]

RAND_OFFSET = 0.0003


class MiniQueryError(ValueError):
    """Raised inside a query where Strudel's query throws; ``mini()`` turns it into no haps."""


# ------------------------------------------------------------------ values

_DECIMAL = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_RADIX = {"x": 16, "X": 16, "o": 8, "O": 8, "b": 2, "B": 2}
_RADIX_RE = re.compile(r"0([xXoObB])([0-9a-fA-F]+)")


def _num(x: float):
    if math.isfinite(x) and x == int(x):
        return int(x)
    return x


def word_value(word: str):
    """What Strudel's ``Number(word)`` makes of a word: a number, or the word itself."""
    if _DECIMAL.fullmatch(word):
        return _num(float(word))
    m = _RADIX_RE.fullmatch(word)
    if m:
        try:
            return int(m.group(2), _RADIX[m.group(1)])
        except ValueError:
            return word
    if word == "Infinity":
        return math.inf
    if word == "-Infinity":
        return -math.inf
    return word


def _is_number(x) -> bool:
    return isinstance(x, (int, float, Fraction)) and not isinstance(x, bool)


def _js_truthy(x) -> bool:
    if x is None or x is False:
        return False
    if _is_number(x):
        return x == x and x != 0
    if isinstance(x, str):
        return x != ""
    return True


_TOKENS = re.compile(r"\d+|.", re.S)


def _bigint(tok) -> int:
    """JavaScript's BigInt(x) for what fraction.js passes it (digit runs, single characters, numbers)."""
    if _is_number(tok):
        if isinstance(tok, float) and (not math.isfinite(tok) or tok != int(tok)):
            raise MiniQueryError(f"Invalid argument: {tok!r}")
        return int(tok)
    if isinstance(tok, str):
        t = tok.strip()
        if t == "":
            return 0
        if re.fullmatch(r"[0-9]+", t):
            return int(t)
    raise MiniQueryError(f"Invalid argument: {tok!r}")


def js_fraction(x) -> Fraction:
    """fraction.js 5's ``Fraction(x)``, as Strudel applies it to factors and step counts.

    Numbers convert as doubles do (:func:`to_fraction`); strings are read the way
    fraction.js reads them (``"2_"`` is 2, ``"3/4"`` is 3/4, ``"bd"`` is an error);
    a list ``[n, d]`` is n/d.  Errors raise :class:`MiniQueryError`.
    """
    if isinstance(x, Fraction):
        return x
    if x is None:
        return Fraction(0)
    if isinstance(x, bool):
        raise MiniQueryError(f"Invalid argument: {x!r}")
    if _is_number(x):
        if isinstance(x, float) and not math.isfinite(x):
            raise MiniQueryError(f"Invalid argument: {x!r}")
        return to_fraction(x)
    if isinstance(x, (list, tuple)):
        if not x:
            raise MiniQueryError("Invalid argument: []")
        n = _bigint(x[0])
        d = _bigint(x[1]) if len(x) > 1 else 1
        if d == 0:
            raise MiniQueryError("Division by Zero")
        return Fraction(n, d)
    if not isinstance(x, str):
        raise MiniQueryError(f"Invalid argument: {x!r}")
    m = _TOKENS.findall(x.replace("_", ""))
    if not m:
        raise MiniQueryError(f"Invalid argument: {x!r}")

    def tok(i):
        return m[i] if i < len(m) else None

    ndx = 0
    s = 1
    v = w = xx = 0
    y = z = 1
    if m[0] == "-":
        s = -1
        ndx += 1
    elif m[0] == "+":
        ndx += 1
    if len(m) == ndx + 1:
        w = _bigint(m[ndx]) * s
        ndx += 1
    elif tok(ndx + 1) == "." or tok(ndx) == ".":
        if tok(ndx) != ".":
            v = _bigint(m[ndx]) * s
            ndx += 1
        ndx += 1
        if (ndx + 1 == len(m) or (tok(ndx + 1) == "(" and tok(ndx + 3) == ")")
                or (tok(ndx + 1) == "'" and tok(ndx + 3) == "'")):
            w = _bigint(tok(ndx)) * s
            y = 10 ** len(tok(ndx))
            ndx += 1
        if (tok(ndx) == "(" and tok(ndx + 2) == ")") or (tok(ndx) == "'" and tok(ndx + 2) == "'"):
            xx = _bigint(tok(ndx + 1)) * s
            z = 10 ** len(tok(ndx + 1)) - 1
            ndx += 3
    elif tok(ndx + 1) in ("/", ":"):
        w = _bigint(tok(ndx)) * s
        y = _bigint(tok(ndx + 2))
        ndx += 3
    elif tok(ndx + 3) == "/" and tok(ndx + 1) == " ":
        v = _bigint(tok(ndx)) * s
        w = _bigint(tok(ndx + 2)) * s
        y = _bigint(tok(ndx + 4))
        ndx += 5
    if len(m) > ndx:
        raise MiniQueryError(f"Invalid argument: {x!r}")
    d = y * z
    n = xx + d * v + z * w
    if d == 0:
        raise MiniQueryError("Division by Zero")
    return Fraction(n, d)


# ------------------------------------------------------------------ helpers


def _patternify(func, args, pat, preserve_steps: bool = False):
    """Strudel's ``register`` for args that are patterns: plain values call ``func``
    directly, otherwise the args are combined (appLeft) and inner-joined."""
    if all(a._pure is not _MISSING for a in args):
        result = func(*[a._pure for a in args], pat)
    else:
        left, *right = args

        def apply(*vals):
            return func(*vals, pat)

        acc = left.fmap(curry(_memo_by_value(apply), len(args), "mini"))
        for p in right:
            acc = acc.app_left(p)
        result = acc.inner_join()
    if preserve_steps:
        if result is pat:
            result = _copy(result)
        result._steps = pat._steps
    return result


def _fast(factor, pat: Pattern) -> Pattern:
    """Strudel's fast: only the number 0 gives silence; anything else goes through Fraction()."""
    if _is_number(factor) and not isinstance(factor, Fraction) and factor == 0:
        return silence
    return _fast_by_fraction(pat, js_fraction(factor))


def _slow(factor, pat: Pattern) -> Pattern:
    if _is_number(factor) and not isinstance(factor, Fraction) and factor == 0:
        return silence
    f = js_fraction(factor)
    if f == 0:
        raise MiniQueryError("Division by Zero")
    return _fast_by_fraction(pat, 1 / f)


def _js_slice_index(i, n: int) -> int:
    if isinstance(i, float) and math.isnan(i):
        i = 0
    if i == math.inf:
        return n
    if i == -math.inf:
        return 0
    i = math.trunc(i)
    return max(n + i, 0) if i < 0 else min(i, n)


def _js_rotate(bits: list, n) -> list:
    """util.mjs rotate: ``arr.slice(n).concat(arr.slice(0, n))`` with JS slice indices."""
    size = len(bits)
    k = _js_slice_index(n, size)
    return bits[k:] + bits[:k]


def _array_length(x) -> int:
    """JavaScript's ``Array(x)``: x must be an integer in [0, 2**32)."""
    if not _is_number(x) or not (x == x) or x < 0 or x != int(x) or x >= 2**32:
        raise MiniQueryError(f"Invalid array length: {x!r}")
    return int(x)


def _bjorklund(ons, steps) -> list:
    """Strudel's bjorklund (euclid.mjs), with its errors for impossible arguments."""
    if not _is_number(ons) or not _is_number(steps):
        raise MiniQueryError("Invalid array length")
    inverted = ons < 0
    n_on = _array_length(abs(ons))
    n_off = _array_length(steps - abs(ons))
    xs, ys = _bjorklund_step((n_on, n_off), ([[1]] * n_on, [[0]] * n_off))
    bits = [b for g in xs for b in g] + [b for g in ys for b in g]
    return [1 - b for b in bits] if inverted else bits


def _struct_bits(bits: list, pat: Pattern) -> Pattern:
    """``pat.struct(bits)``: keepif.out over the sequence of bits."""
    bool_pat = fastcat(*bits)
    return pat.app_right(bool_pat, lambda a, b: a if _js_truthy(b) else None).remove_nones()


def _euclid(pulse, steps, pat):
    return _struct_bits(_bjorklund(pulse, steps), pat)


def _euclid_rot(pulse, steps, rotation, pat):
    bits = _bjorklund(pulse, steps)
    if _js_truthy(rotation):
        neg = -rotation if _is_number(rotation) else math.nan
        bits = _js_rotate(bits, neg)
    return _struct_bits(bits, pat)


def _array_range(a, b) -> list:
    """mini.mjs arrayRange(a, b): a, a±1, ... (length |b-a| + 1, truncated)."""
    if not _is_number(a) or not _is_number(b):
        return []
    length = abs(b - a) + 1
    if not math.isfinite(length):
        raise MiniQueryError("Invalid array length")
    length = int(length)
    if a < b:
        return [a + i for i in range(length)]
    return [a - i for i in range(length)]


def _fast_by_fraction(pat: Pattern, factor: Fraction) -> Pattern:
    """Strudel's ``_fast`` called with a Fraction (as polymeter does): a zero factor
    makes the query divide by zero."""
    if factor != 0:
        return fast_prim(pat, factor)

    def q(state):
        span = state.span
        if pat.query(state.set_span(TimeSpan(span.begin * 0, span.end * 0))):
            raise MiniQueryError("Division by Zero")
        return []

    return Pattern(q, pat._steps)


def _rand_choice(children: list, seed: int) -> Pattern:
    """chooseInWith(rand.early(0.0003 * seed).segment(1), children)."""
    n = len(children)
    offset = to_fraction(RAND_OFFSET * seed)

    def q(state):
        out = []
        for span in state.span.span_cycles():
            cycle = Fraction(math.floor(span.begin))
            r = rand_at(cycle + offset)
            i = min(max(math.floor(r * n + 0), 0), n - 1)
            out.extend(children[i].query(state.set_span(span)))
        return out

    result = Pattern(q)
    result._locfn = lambda: all(c.is_local() for c in children)  # (a choice per cycle)
    return result


def _tail(a, b):
    if isinstance(a, (list, tuple)):
        return [*a, b]
    return [a, b]


def _copy(pat: Pattern) -> Pattern:
    out = _same_query(pat, pat._steps)
    out._weight = pat._weight
    out._steps_source = pat._steps_source
    return out


# ------------------------------------------------------------------ compiler


class _Compiler:
    def __init__(self, with_locations: bool = True):
        self.with_locations = with_locations
        self._plain = None

    def plain(self) -> "_Compiler":
        """A compiler for operator arguments: no source locations."""
        if not self.with_locations:
            return self
        if self._plain is None:
            self._plain = _Compiler(False)
        return self._plain

    # enter(node) in mini.mjs
    def enter(self, node) -> Pattern:
        if isinstance(node, A.Atom):
            return self.atom(node)
        if isinstance(node, A.Element):
            # an element met outside a sequence (euclid argument): its operators are ignored
            return self.enter(node.slice)
        if isinstance(node, A.Sequence):
            return self.sequence(node)
        if isinstance(node, A.Group):
            return self.group(node)
        if isinstance(node, A.Polymeter):
            return self.polymeter(node)
        if isinstance(node, A.SlowSeq):
            return self.slowseq(node)
        raise TypeError(f"not a mini-notation node: {node!r}")

    def atom(self, node: A.Atom) -> Pattern:
        if node.is_rest:
            return silence
        pat = pure(word_value(node.source))
        if self.with_locations:
            pat = pat.with_loc(*node.span)
        return pat

    # -- operators (applyOptions) ----------------------------------------
    def element(self, el: A.Element) -> Pattern:
        pat = self.enter(el.slice)
        steps_source = pat._steps_source
        for op in el.ops:
            if isinstance(op, A.Stretch):
                amount = self.plain().enter(op.amount)
                if op.kind == "fast":
                    pat = _patternify(_fast, [amount], reify(pat), preserve_steps=True)
                else:
                    pat = _patternify(_slow, [amount], reify(pat))
            elif isinstance(op, A.Replicate):
                pat = reify(pat)._repeat_cycles(op.amount)._fast(op.amount)
            elif isinstance(op, A.Euclid):
                plain = self.plain()
                if op.rotation is not None:
                    args = [plain.enter(op.pulse), plain.enter(op.steps), plain.enter(op.rotation)]
                    pat = _patternify(_euclid_rot, args, pat)
                else:
                    args = [plain.enter(op.pulse), plain.enter(op.steps)]
                    pat = _patternify(_euclid, args, pat)
            elif isinstance(op, A.Degrade):
                amount = 0.5 if op.amount is None else op.amount
                with_pat = early_prim(rand, to_fraction(RAND_OFFSET * op.seed))
                pat = reify(pat)._degrade_by_with(with_pat, amount)
            elif isinstance(op, A.Tail):
                friend = self.enter(op.element)
                pat = pat.app_left(friend, _tail)
            elif isinstance(op, A.Range):
                friend = self.enter(op.element)
                pat = reify(pat).squeeze_bind(
                    lambda a, friend=friend: friend.bind(lambda b, a=a: fastcat(*_array_range(a, b)))
                )
            else:  # pragma: no cover - the parser makes no other operators
                raise TypeError(f"unknown operator {op!r}")
        if steps_source and not pat._steps_source:
            pat = _copy(pat)
            pat._steps_source = True
        return pat

    # -- structures ----------------------------------------------------------
    def sequence(self, node: A.Sequence) -> Pattern:
        children = [self.element(el) for el in node.elements]
        with_steps = [c for c in children if c._steps_source]
        weights = [el.weight for el in node.elements]
        if any(_js_truthy(w) for w in weights):
            fw = [to_fraction(w) if _js_truthy(w) else Fraction(1) for w in weights]
            total = sum(fw, Fraction(0))
            pat = stepcat(*[(w, c) for w, c in zip(fw, children)])
            if pat is children[0]:  # never mutate a child
                pat = _copy(pat)
            pat._weight = total
            steps = total
            if with_steps:
                inner = lcm_steps(*[c._steps for c in with_steps])
                if inner is not None:
                    steps = steps * inner
            pat._steps = steps
        else:
            pat = _copy(sequence(*children))
            pat._steps = Fraction(len(children))
        if node.steps_marker or with_steps:
            pat._steps_source = True
        return pat

    def group(self, node: A.Group) -> Pattern:
        children = [self.sequence(c) for c in node.children]
        with_steps = [c for c in children if c._steps_source]
        if node.alignment == "stack":
            pat = stack(*children)
        elif node.alignment == "rand":
            pat = _rand_choice(children, node.seed)
        elif node.alignment == "feet":
            pat = _copy(fastcat(*children))
        else:  # pragma: no cover
            raise ValueError(f"unknown alignment {node.alignment!r}")
        if with_steps and node.alignment != "feet":
            pat._steps = lcm_steps(*[c._steps for c in with_steps])
        if with_steps:
            pat._steps_source = True
        return pat

    def polymeter(self, node: A.Polymeter) -> Pattern:
        children = [self.sequence(c) for c in node.children]
        with_steps = [c for c in children if c._steps_source]
        if node.steps_per_cycle is not None:
            spc = self.plain().enter(node.steps_per_cycle).fmap(js_fraction)
        else:
            first = children[0]._weight if children else Fraction(1)
            spc = pure(first)
        aligned = []
        for child in children:
            weight = child._weight

            def make(x, child=child, weight=weight):
                if weight is None or weight == 0:
                    raise MiniQueryError("Division by Zero")
                return _fast_by_fraction(child, x / weight)

            al = spc.fmap(make).inner_join()
            al._steps = child._steps
            aligned.append(al)
        pat = stack(*aligned)
        if with_steps:
            pat._steps_source = True
        return pat

    def slowseq(self, node: A.SlowSeq) -> Pattern:
        children = [self.sequence(c) for c in node.children]
        with_steps = [c for c in children if c._steps_source]
        slowed = []
        for child in children:
            w = child._weight
            if w is None:
                raise ValueError("mini-notation: '<...>' layer without weight")
            slowed.append(child._slow(w))
        pat = stack(*slowed)
        if with_steps:
            pat._steps = lcm_steps(*[c._steps for c in with_steps])
            pat._steps_source = True
        return pat


def compile_ast(tree, with_locations: bool = True) -> Pattern:
    """Build the Pattern for a parsed mini-notation tree."""
    return _Compiler(with_locations).enter(tree)


def catch_query_errors(pat: Pattern) -> Pattern:
    """Answer queries that would throw in Strudel with no haps, as its queryArc does."""
    query = pat.query

    def q(state):
        try:
            return query(state)
        except MiniQueryError:
            query_errors[0] += 1  # (a cut of the whole cycle's haps would not be this query's)
            return []

    out = _same_period(Pattern(q, pat._steps), pat)
    out._weight = pat._weight
    out._steps_source = pat._steps_source
    out._const = pat._const  # a constant's query never raises
    return out
