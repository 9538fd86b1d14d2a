"""Value helpers with Strudel's (JavaScript's) number semantics: numerals, notes, rounding."""
from __future__ import annotations

import math
import re
from fractions import Fraction

__all__ = ["js_number", "parse_numeral", "note_to_midi", "is_note", "js_round", "js_mod", "js_rem",
           "number_value"]

_NOTE = re.compile(r"^([a-gA-G])([#bsf]*)(-?[0-9]*)$")
_CHROMAS = {"c": 0, "d": 2, "e": 4, "f": 5, "g": 7, "a": 9, "b": 11}
_ACCS = {"#": 1, "b": -1, "s": 1, "f": -1}
_JS_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_JS_RADIX = re.compile(r"^0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)$")


def number_value(x):
    """An int for integral numbers, else a float (Fractions included)."""
    if isinstance(x, Fraction):
        return int(x) if x.denominator == 1 else float(x)
    return x


def js_number(x) -> float:
    """JavaScript's Number(x): NaN when x is not numeric."""
    if isinstance(x, bool):
        return 1 if x else 0
    if isinstance(x, (int, float)):
        return x
    if isinstance(x, Fraction):
        return number_value(x)
    if x is None:
        return math.nan
    if isinstance(x, str):
        s = x.strip()
        if s == "":
            return 0
        if _JS_DECIMAL.match(s):
            v = float(s)
            return int(v) if v.is_integer() and abs(v) < 2**53 and "." not in s and "e" not in s.lower() else v
        if _JS_RADIX.match(s):
            return int(s, 0)
        if s in ("Infinity", "+Infinity"):
            return math.inf
        if s == "-Infinity":
            return -math.inf
    return math.nan


def is_note(x) -> bool:
    return isinstance(x, str) and _NOTE.match(x) is not None


def note_to_midi(note: str, default_octave: int = 3) -> int:
    m = _NOTE.match(note) if isinstance(note, str) else None
    if not m:
        raise ValueError(f'not a note: "{note}"')
    pc, acc, octave = m.groups()
    octave = int(octave) if octave not in ("", "-") else default_octave
    return (octave + 1) * 12 + _CHROMAS[pc.lower()] + sum(_ACCS[c] for c in acc)


def parse_numeral(x):
    """A number from a number, numeric string or note name (c3 -> 48); else ValueError."""
    t = type(x)
    if t is int or t is float:
        return x
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return x
    v = js_number(x)
    if not (isinstance(v, float) and math.isnan(v)):
        return v
    if is_note(x):
        return note_to_midi(x)
    raise ValueError(f'cannot parse as numeral: "{x}"')


def js_round(x) -> int:
    """Math.round: halves round up (-1.5 -> -1)."""
    r = math.floor(x)
    return r + 1 if x - r >= 0.5 else r


def js_rem(a, b):
    """JavaScript's % (sign of the dividend)."""
    if isinstance(a, int) and isinstance(b, int) and b != 0:
        r = abs(a) % abs(b)
        return -r if a < 0 else r
    if b == 0:
        return math.nan
    return math.fmod(a, b)


def js_mod(n, m):
    """Strudel's _mod: ((n % m) + m) % m."""
    return js_rem(js_rem(n, m) + m, m)
