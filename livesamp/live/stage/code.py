"""The code on stage: where a hap's source locations are in the line the audience reads.

A hap's `context["locations"]` are (start, end) spans into the mini-notation *string*
that made the atom, not into the code line: `s("thud*2 [tss tsk]").fast(2)` gives
`tss` the span (8, 11). `CodeView(code)` finds the string literals of the code line
(Python's quoting rules, no evaluation), parses each as mini-notation and lists every
atom's span in the code: `atoms`, in order. `atoms_for(locations, value)` maps a hap's
locations to indices into `atoms`:

>>> view = CodeView('s("thud*2 [tss tsk]").fast(2)')
>>> [view.code[a:b] for a, b in view.atoms]
['thud', '2', 'tss', 'tsk']
>>> view.atoms_for([(8, 11)], {"s": "tss"})
[2]

A location is an atom span of some literal; when several literals have an atom at that
span (`s("a b").n("0 1")`: `a` and `0` are both (0, 1)), the ones whose text is one of the
hap's values win (`a` for {"s": "a"}); both when both match (the hap came from both).
A code line with no literals that is itself mini-notation (`livesamp play 'thud*2 tss'`)
is one literal.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, fields, is_dataclass
from functools import lru_cache

__all__ = ["CodeView", "string_literals"]

_NAMEISH = re.compile(r"[A-Za-z0-9_]")


def string_literals(code: str) -> list[tuple[int, str]]:
    """(offset of the first character inside the quotes, text) of each plain string literal
    in `code` whose text is written without escapes (so offsets map one to one). f-strings
    and bytes are skipped; so are comments. An unclosed quote ends the scan."""
    out = []
    i, n = 0, len(code)
    while i < n:
        c = code[i]
        if c == "#":
            nl = code.find("\n", i)
            i = n if nl < 0 else nl + 1
            continue
        if c not in "'\"":
            i += 1
            continue
        j = i - 1
        while j >= 0 and _NAMEISH.match(code[j]):
            j -= 1
        prefix = code[j + 1:i].lower()
        q = code[i:i + 3] if code[i:i + 3] in ("'''", '"""') else c
        body_start = i + len(q)
        k = body_start
        while k < n and not code.startswith(q, k):
            if len(q) == 1 and code[k] == "\n":
                return out      # an unclosed one-line string
            k += 2 if code[k] == "\\" else 1
        if k >= n:
            return out
        body = code[body_start:k]
        i = k + len(q)
        if prefix not in ("", "r", "u"):
            continue            # f"...", b"...", or a name glued to a quote
        if "\\" in body and prefix != "r":
            try:
                if ast.literal_eval(code[body_start - len(q):i]) != body:
                    continue    # escapes: spans inside it would not map one to one
            except (ValueError, SyntaxError):
                continue
        out.append((body_start, body))
    return out


@lru_cache(maxsize=512)
def _atom_spans(text: str) -> tuple[tuple[int, int], ...]:
    """The (start, end) of every non-rest atom of mini-notation `text` (empty if it does
    not parse)."""
    from ...pattern.mini import MiniSyntaxError, parse
    from ...pattern.mini.ast import Atom

    try:
        tree = parse(text)
    except (MiniSyntaxError, ValueError, RecursionError):
        return ()
    spans: set[tuple[int, int]] = set()

    def walk(node, depth=0):
        if depth > 200:
            return
        if isinstance(node, Atom):
            if not node.is_rest:
                spans.add(tuple(node.span))
            return
        if isinstance(node, (list, tuple)):
            for x in node:
                walk(x, depth + 1)
        elif is_dataclass(node):
            for f in fields(node):
                walk(getattr(node, f.name), depth + 1)

    walk(tree)
    return tuple(sorted(spans))


@dataclass(frozen=True)
class _Literal:
    offset: int                      # where its text starts in the code
    text: str
    spans: frozenset                 # atom spans, relative to the text


class CodeView:
    """One slot's code line, with the atoms that can light up."""

    def __init__(self, code: str):
        self.code = code
        literals = string_literals(code)
        if not literals and code.strip() and _atom_spans(code):
            literals = [(0, code)]   # bare mini-notation
        self._literals = [_Literal(off, text, frozenset(_atom_spans(text))) for off, text in literals]
        atoms = sorted({(lit.offset + a, lit.offset + b) for lit in self._literals for a, b in lit.spans})
        self.atoms: list[tuple[int, int]] = atoms
        self._index = {span: i for i, span in enumerate(atoms)}

    def atoms_for(self, locations, value=None) -> list[int]:
        """Indices into `atoms` of the hap's `locations` (see the module docstring)."""
        if not locations or not self._literals:
            return []
        words = _value_words(value)
        found: list[int] = []
        for loc in locations:
            try:
                a, b = int(loc[0]), int(loc[1])
            except (TypeError, ValueError, IndexError):
                continue
            cands = [lit for lit in self._literals if (a, b) in lit.spans]
            if len(cands) > 1 and words:
                matching = [lit for lit in cands if lit.text[a:b] in words]
                cands = matching or cands
            for lit in cands:
                i = self._index.get((lit.offset + a, lit.offset + b))
                if i is not None and i not in found:
                    found.append(i)
        return sorted(found)


def _value_words(value) -> set[str]:
    """The hap's values as they may be written in mini-notation: 'thud', '3', '0.5', 'bd:3'."""
    if value is None:
        return set()
    items = value.values() if isinstance(value, dict) else [value]
    words = set()
    for v in items:
        if isinstance(v, bool):
            continue
        if isinstance(v, float) and v.is_integer():
            words.update({str(int(v)), str(v)})
        elif isinstance(v, (str, int, float)):
            words.add(str(v))
        elif isinstance(v, (list, tuple)):
            words.add(":".join(str(x) for x in v))
            words.update(str(x) for x in v)
        elif hasattr(v, "numerator"):
            words.add(str(float(v)) if v.denominator != 1 else str(v.numerator))
    if isinstance(value, dict) and "s" in value and "n" in value:
        words.add(f"{value['s']}:{value['n']}")
    return words
