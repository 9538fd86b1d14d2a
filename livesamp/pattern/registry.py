"""Registering pattern functions: patternified arguments, methods and curried top-level functions.

As in Strudel, `register("fast", fn)` with `fn(factor, pat)` gives:
- `Pattern.fast(factor)`: the argument may be a value, a mini-notation string or a pattern;
  plain values call `fn` directly, patterns are combined with an inner join;
- `Pattern._fast(factor)`: `fn` with a plain value;
- `fast(factor, pat)` and the curried `fast(factor)` (a function of a pattern).
"""
from __future__ import annotations

import inspect

from .cache import cycle_cached
from .core import _MISSING, Pattern, _memo_by_value, reify, sequence

__all__ = ["register", "curry", "registered"]

registered: dict[str, object] = {}


def curry(fn, arity: int, name: str = "function"):
    """Call fn once `arity` arguments have arrived; fewer return a partial application."""

    def curried(*args):
        if len(args) >= arity:
            return fn(*args)

        def partial(*more):
            return curried(*args, *more)

        partial.__name__ = f"{name}(partial)"
        partial.__qualname__ = partial.__name__
        return partial

    curried.__name__ = name
    curried.__qualname__ = name
    curried.__doc__ = getattr(fn, "__doc__", None)
    return curried


def _inner_join(p: Pattern) -> Pattern:
    return p.inner_join()


def register(names, func, patternify: bool = True, preserve_steps: bool = False, join=_inner_join,
             method: bool = True):
    """Register `func(*args, pat)` under one or more names; returns the curried top-level function."""
    if isinstance(names, str):
        names = [names]
    arity = len(inspect.signature(func).parameters)
    main = names[0]

    if patternify:
        def pfunc(*args):
            args = [reify(a) for a in args]
            pat = args[-1]
            if arity == 1:
                result = func(pat)
            else:
                first = args[:-1]
                if all(a._pure is not _MISSING for a in first):
                    result = func(*[a._pure for a in first], pat)
                    locs = [a._pure_loc for a in first if a._pure_loc is not None]
                    if locs:
                        def add(context, locs=locs):
                            return {**context, "locations": list(context.get("locations", ())) + locs}

                        result = result.with_context(add)
                else:
                    left, *right = first

                    def map_fn(*vals):
                        return func(*vals, pat)

                    acc = left.fmap(curry(_memo_by_value(map_fn), arity - 1, main))
                    for p in right:
                        acc = acc.app_left(p)
                    result = join(acc)
            if preserve_steps:
                result._steps = pat._steps
            return cycle_cached(result)
    else:
        def pfunc(*args):
            args = [reify(a) for a in args]
            result = func(*args)
            if preserve_steps:
                result._steps = args[-1]._steps
            return cycle_cached(result)

    def as_method(self, *args):
        if arity == 2 and len(args) != 1:
            if not args:
                raise TypeError(f".{main}() expects 1 input but got 0")
            args = (sequence(*args),)
        elif arity != len(args) + 1:
            raise TypeError(f".{main}() expects {arity - 1} inputs but got {len(args)}")
        return pfunc(*args, self)

    def as_plain_method(self, *args):
        result = func(*args, self)
        if preserve_steps:
            result._steps = self._steps
        return result

    as_method.__doc__ = func.__doc__
    pfunc.__doc__ = func.__doc__  # so help(fast) shows it too
    curried = curry(pfunc, arity, main)
    for name in names:
        if method:
            as_method.__name__ = name
            setattr(Pattern, name, as_method)
            if arity > 1:
                setattr(Pattern, "_" + name, as_plain_method)
        registered[name] = curried
    return curried
