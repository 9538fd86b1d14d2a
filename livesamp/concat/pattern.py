"""``CorpusPattern``: a pattern whose haps are corpus units chosen by sound.

``corpus("default").target("<bright dark>*4")`` is a pattern like any other: its structure
comes from the target pattern (one unit per target hap; without a target, one unit per
cycle), and each hap's value is the unit, as the controls a sampler voice plays::

    {"s": "tss", "n": 2, "begin": 0.0, "end": 0.61, "attack": 0.005, "release": 0.005,
     "unit_id": 211, "unit_corpus": "default", "unit_target": "bright"}

so the scheduler packs it as any sample (no change there), and every played unit names
its source sample and where in it (``EventInfo.sample`` and ``.value``). ``begin`` is the
unit's start; ``end`` lies ``xfade`` seconds past the unit's end where its sample goes on,
so the unit plays whole and its release (``.xfade(s)``, default 5 ms, also the attack)
overlaps whatever follows it.

The choice is a pure function of the target, the hap's onset and the seed: the k nearest
units (``.k(n)``, default 4) within ``.radius(r)`` (scaled units; when none is that near,
the nearest plays), one picked by Strudel's ``rand`` at the onset (``.seed(n)`` changes
it), skipping units played at the previous ``.taboo(n)`` onsets. So a render is the same
every time, and any cycle can be queried first.

Taboo is counted within blocks of ``cycles`` cycles (``.taboo(8, cycles=2)``): at a block
start the memory is empty, which keeps every query bounded (one block's choices, kept in a
small memo) and pure. When every candidate is taboo, the one played longest ago plays.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import lru_cache

import numpy as np

from ..pattern.core import Pattern, State, pure, reify
from ..pattern.hap import Hap
from ..pattern.signal import rand_at
from ..pattern.time import TimeSpan
from .space import Query, split_words

__all__ = ["CorpusPattern", "SelectOptions", "ANY"]

ANY = "any"  # the word for "no target": a random unit
_MEMO_BLOCKS = 32


@dataclass(frozen=True)
class SelectOptions:
    """How a unit is chosen: see the module docstring."""

    k: int = 4
    radius: float | None = None
    taboo: int = 0
    taboo_cycles: Fraction = Fraction(1)
    weights: tuple = ()
    xfade_s: float = 0.005


@lru_cache(maxsize=1024)
def _words_key(value) -> tuple:
    return _target_key_of(value)


def _target_key(value):
    """A target hap value -> (words, numbers) hashable, or None for no hap."""
    if isinstance(value, str):
        return _words_key(value)
    if isinstance(value, list):
        return _words_key(tuple(value))
    return _target_key_of(value)


def _target_key_of(value):
    if value is None:
        return None
    if isinstance(value, dict):
        words = value.get("_words")
        numbers = tuple(sorted((str(k), float(v)) for k, v in value.items() if k != "_words" and v is not None))
    else:
        words, numbers = value, ()
    wl = tuple(w for w in split_words(words) if w != ANY) if words is not None else ()
    return wl, numbers


class CorpusPattern(Pattern):
    """Units of ``corpus`` chosen for the haps of ``targets`` (see the module docstring).

    The methods ``target``, ``k``, ``radius``, ``taboo``, ``weights`` and ``xfade`` return a
    new ``CorpusPattern``; any other pattern method (``fast``, ``gain``, ``every`` ...)
    returns a plain ``Pattern`` of the chosen units, so call these first.
    """

    __slots__ = ("corpus", "targets", "options", "_memo", "_queries", "_lock")

    def __init__(self, corpus, targets: Pattern | None = None, options: SelectOptions | None = None):
        super().__init__(self._query_units)
        self.corpus = corpus
        self.targets = targets if targets is not None else pure(ANY)
        self._steps = self.targets._steps
        self.options = options or SelectOptions()
        self._memo: OrderedDict = OrderedDict()
        self._queries: dict = {}
        self._lock = threading.Lock()

    # -- building -------------------------------------------------------------------------
    def _with(self, targets=None, **changes) -> CorpusPattern:
        return CorpusPattern(self.corpus, targets if targets is not None else self.targets,
                             replace(self.options, **changes) if changes else self.options)

    def target(self, words=None, *, weights: dict | None = None, **numbers) -> CorpusPattern:
        """Choose units near a target: ``words`` (mini-notation of WORDS: "bright",
        "<bright dark>", "bright:noisy" for both at once, "any" for no target) and/or
        descriptor values (``centroid=3000, loudness=-12``; each may be a pattern:
        ``centroid="<500 4000>"``). Structure comes from ``words``, else from the first
        keyword. ``weights``: {descriptor: weight} (default 1 for each one set)."""
        parts = []
        if words is not None:  # words alone stay plain values (their keys are memoised)
            parts.append(reify(words) if not numbers else reify(words).fmap(lambda v: {"_words": v}))
        for key, value in numbers.items():
            parts.append(reify(value).fmap(lambda v, key=key: {key: v}))
        if not parts:
            raise TypeError('target() needs words ("bright") or descriptor values (centroid=3000)')
        targets = parts[0]
        for p in parts[1:]:
            targets = targets.set(p)
        out = self._with(targets)
        if weights is not None:
            return out.weights(**weights)
        out._prepare()
        return out

    def _prepare(self) -> None:
        """Raise now (in the performer's line) for unknown words or descriptors (those of
        the first 16 cycles; a later one makes the scheduler keep the last good pattern),
        and build the corpus and the index trees those targets use now, on this thread,
        not in the middle of scheduling."""
        from .space import _expand, keyword_column

        keys = set()
        for h in self.targets.query_arc(0, 16):
            key = _target_key(h.value)
            if key is None or key in keys:
                continue
            keys.add(key)
            _expand(key[0])
            for name, _ in key[1]:
                keyword_column(name)
        data = self.corpus.data
        dims = {data.space.query(k[0], dict(k[1]), dict(self.options.weights)).dims for k in keys}
        for d in dims:
            if d and len(data) >= data.index.brute_below:
                data.index.tree(d)

    def k(self, n: int) -> CorpusPattern:
        """Pick among the ``n`` nearest units (1: always the nearest)."""
        if int(n) < 1:
            raise ValueError(f"k must be at least 1, got {n!r}")
        return self._with(k=int(n))

    def radius(self, r: float | None) -> CorpusPattern:
        """Only units within ``r`` (scaled units: 1 is about an interquartile range) of the
        target are candidates (the nearest plays when none is that near)."""
        if r is not None and not float(r) > 0:
            raise ValueError(f"radius must be positive, got {r!r}")
        return self._with(radius=None if r is None else float(r))

    def taboo(self, n: int, cycles=1) -> CorpusPattern:
        """Do not repeat a unit played at one of the previous ``n`` onsets (counted within
        blocks of ``cycles`` cycles)."""
        if int(n) < 0 or not Fraction(cycles) > 0:
            raise ValueError(f"taboo needs n >= 0 and cycles > 0, got {n!r}, {cycles!r}")
        return self._with(taboo=int(n), taboo_cycles=Fraction(cycles))

    def weights(self, **weights) -> CorpusPattern:
        """Weight of each descriptor in the distance (``centroid=2, loudness=0.5``)."""
        from .space import keyword_column

        for key, value in weights.items():
            keyword_column(key)
            if not float(value) >= 0:
                raise ValueError(f"weight of {key!r} must be >= 0, got {value!r}")
        merged = dict(self.options.weights)
        merged.update({k: float(v) for k, v in weights.items()})
        out = self._with(weights=tuple(sorted(merged.items())))
        out._prepare()
        return out

    def xfade(self, seconds: float) -> CorpusPattern:
        """Fade-in and fade-out of each unit (attack and release), seconds."""
        if not float(seconds) >= 0:
            raise ValueError(f"xfade must be >= 0 seconds, got {seconds!r}")
        return self._with(xfade_s=float(seconds))

    # -- choosing -------------------------------------------------------------------------
    def _prepared(self, data, key) -> Query:
        cache_key = (id(data), key)
        q = self._queries.get(cache_key)
        if q is None:
            q = data.space.query(key[0], dict(key[1]), dict(self.options.weights))
            if len(self._queries) > 256:
                self._queries.clear()
            self._queries[cache_key] = q
        return q

    def _candidates(self, data, query: Query) -> np.ndarray:
        opts = self.options
        if query.empty:
            return np.nonzero(data.index.alive)[0]
        max_d2 = math.inf if opts.radius is None else opts.radius ** 2
        ids, _ = data.index.query_qw(query.dims, query.qw, opts.k, max_d2)
        if ids.size == 0:
            ids, _ = data.index.query_qw(query.dims, query.qw, 1)
        return ids

    def _choose(self, data, key, onset, seed, history) -> int | None:
        query = self._prepared(data, key)
        r = rand_at(onset, seed)
        for _attempt in range(8):  # a revoked unit found here is taken out: choose again
            ids = self._candidates(data, query)
            if ids.size == 0:
                return None
            pick = int(ids[min(ids.size - 1, int(r * ids.size))])
            if history:
                recent = history[-self.options.taboo:]
                if pick in recent:
                    free = [int(i) for i in ids if int(i) not in recent] if ids.size <= 4096 else []
                    if free:
                        pick = free[min(len(free) - 1, int(r * len(free)))]
                    else:  # every candidate is taboo: the one played longest ago
                        last = {u: t for t, u in enumerate(history)}
                        pick = min((int(i) for i in ids), key=lambda u: last.get(u, -1))
            if self.corpus.check_unit(pick):
                return pick
        return None

    def _value(self, data, unit: int, key) -> dict:
        src = data.source_of(unit)
        frames = float(data.source_frames[data.unit_source[unit]])
        xf = self.options.xfade_s
        begin = float(data.starts[unit]) / frames
        end = min(1.0, (float(data.ends[unit]) + round(xf * data.sr)) / frames)  # the fade-out follows the unit
        value = {"s": src.name, "n": src.index, "begin": begin, "end": end, "attack": xf, "release": xf,
                 "unit_id": unit, "unit_corpus": self.corpus.name}
        label = ":".join(key[0]) + "".join(f" {k}={v:g}" for k, v in key[1])
        if label:
            value["unit_target"] = label.strip()
        return value

    # -- querying -------------------------------------------------------------------------
    def _query_units(self, state: State) -> list[Hap]:
        haps = self.targets.query(state)
        if not haps:
            return []
        data = self.corpus.data
        seed = state.controls.get("rand_seed") or 0
        taboo = self.options.taboo > 0
        out = []
        seen: dict = {}
        tables: dict = {}  # block -> its choices, for this query
        for h in haps:
            key = _target_key(h.value)
            if key is None:
                continue
            onset = h.whole.begin if h.whole is not None else h.part.begin
            if taboo:
                where = (onset, h.whole.end if h.whole is not None else None, key)
                occurrence = seen.get(where, 0)
                seen[where] = occurrence + 1
                block = math.floor(onset / self.options.taboo_cycles)
                table = tables.get(block)
                if table is None:
                    table = tables[block] = self._block(data, block, state, seed, haps)
                unit = table.get((*where, occurrence))
                if unit is None:
                    unit = self._choose(data, key, onset, seed, ())
            else:
                unit = self._choose(data, key, onset, seed, ())
            if unit is not None:
                out.append(Hap(h.whole, h.part, self._value(data, unit, key), h.context))
        return out

    def _block(self, data, block: int, state: State, seed, haps=()) -> dict:
        """The taboo-aware choices of every onset in block ``block`` (of ``taboo_cycles``).
        ``haps``: those of a query; if its span holds the whole block, they are the block's
        (no second query: a scheduler asking for whole cycles pays for one)."""
        size = self.options.taboo_cycles
        memo_key = (block, seed, id(data), self.corpus.revision)
        with self._lock:
            table = self._memo.get(memo_key)
            if table is not None:
                self._memo.move_to_end(memo_key)
                return table
        begin, end = block * size, (block + 1) * size
        if state.span.begin <= begin and state.span.end >= end:
            onsets = [h for h in haps if h.has_onset() and begin <= h.whole.begin < end]
        else:
            onsets = [h for h in self.targets.query(State(TimeSpan(Fraction(begin), Fraction(end)), state.controls))
                      if h.has_onset()]
        onsets.sort(key=lambda h: h.whole.begin)  # stable: stacked haps keep their order
        table, history, seen = {}, [], {}
        for h in onsets:
            key = _target_key(h.value)
            if key is None:
                continue
            where = (h.whole.begin, h.whole.end, key)
            occurrence = seen.get(where, 0)
            seen[where] = occurrence + 1
            unit = self._choose(data, key, h.whole.begin, seed, history)
            if unit is not None:
                history.append(unit)
                table[(*where, occurrence)] = unit
        with self._lock:
            self._memo[memo_key] = table
            while len(self._memo) > _MEMO_BLOCKS:
                self._memo.popitem(last=False)
        return table

    def __repr__(self) -> str:
        return f"<units of {self.corpus!r}>"
