"""Euclidean rhythms (Bjorklund), with Strudel's rotation direction."""
from __future__ import annotations

from .core import silence, stepcat
from .registry import register
from .time import Fraction, to_fraction

__all__ = ["bjorklund", "euclid", "euclid_rot", "euclid_legato", "euclid_legato_rot"]


def _bjorklund_step(counts, groups):
    ons, offs = counts
    xs, ys = groups
    while min(ons, offs) > 1:
        if ons > offs:  # "left": pair the first `offs` ons with the offs
            head, rest = xs[:offs], xs[offs:]
            xs, ys = [a + b for a, b in zip(head, ys)], rest
            ons, offs = offs, ons - offs
        else:  # "right"
            head, rest = ys[:ons], ys[ons:]
            xs, ys = [a + b for a, b in zip(xs, head)], rest
            ons, offs = ons, offs - ons
    return xs, ys


def bjorklund(ons: int, steps: int) -> list[int]:
    """Spread `ons` onsets over `steps` steps as evenly as possible; negative ons inverts."""
    inverted = ons < 0
    n_on = abs(ons)
    n_off = steps - n_on
    if n_off < 0:
        raise ValueError(f"euclid: {n_on} pulses do not fit in {steps} steps")
    xs, ys = _bjorklund_step((n_on, n_off), ([[1]] * n_on, [[0]] * n_off))
    bits = [b for g in xs for b in g] + [b for g in ys for b in g]
    return [1 - b for b in bits] if inverted else bits


def euclid_bits(pulses, steps, rotation=0) -> list[int]:
    pulses, steps, rotation = int(pulses), int(steps), int(rotation)
    bits = bjorklund(pulses, steps)
    if rotation and bits:
        # util.mjs rotate(bits, -rotation): JS slice clamps as Python's does; positive rotates right
        bits = bits[-rotation:] + bits[:-rotation]
    return bits


def _struct_bits(bits, pat):
    if not bits:
        return silence
    return pat.struct(bits)


def _euclid(p, s, pat):
    """Play the pattern on a euclidean rhythm of `p` pulses over `s` steps.

    >>> show(pure("x").euclid(3, 8))
    0 1/8 | x
    3/8 1/2 | x
    3/4 7/8 | x
    """
    return _struct_bits(euclid_bits(p, s), pat)


euclid = register("euclid", _euclid)


def _euclid_rot(p, s, r, pat):
    """euclid, the rhythm rotated right by r steps (as Strudel; the mini form is `x(3,8,2)`).

    >>> show(pure("x").euclid_rot(3, 8, 2))
    0 1/8 | x
    1/4 3/8 | x
    5/8 3/4 | x
    """
    return _struct_bits(euclid_bits(p, s, r), pat)


euclid_rot = register(["euclid_rot", "euclidrot"], _euclid_rot)


def _bjork(euc, pat):
    """euclid from one list: [pulses, steps, rotation].

    >>> show(pure("x").bjork([3, 8, 2]))
    0 1/8 | x
    1/4 3/8 | x
    5/8 3/4 | x
    """
    if not isinstance(euc, (list, tuple)):
        euc = [euc]
    pulses = euc[0]
    steps = euc[1] if len(euc) > 1 else pulses
    rot = euc[2] if len(euc) > 2 else 0
    return _struct_bits(euclid_bits(pulses, steps, rot), pat)


bjork = register("bjork", _bjork)


def _euclid_legato(pulses, steps, rotation, pat):
    """euclid_legato, shifted later by `rotation` steps.

    >>> show(pure("x").euclid_legato_rot(3, 8, 1))
    -1/8 1/8 [0 1/8] | x
    1/8 1/2 | x
    1/2 7/8 | x
    7/8 9/8 [7/8 1] | x
    """
    pulses, steps = int(pulses), int(steps)
    if pulses < 1:
        return silence
    bits = "".join(str(b) for b in euclid_bits(pulses, steps))
    gapless = [[len(s) + 1, True] for s in bits.split("1")[1:]]
    return pat.struct(stepcat(*gapless)).late(to_fraction(rotation) / steps)


def _euclid_legato_plain(p, s, pat):
    """euclid, each pulse held until the next.

    >>> show(pure("x").euclid_legato(3, 8))
    0 3/8 | x
    3/8 3/4 | x
    3/4 1 | x
    """
    return _euclid_legato(p, s, 0, pat)


euclid_legato = register("euclid_legato", _euclid_legato_plain)


euclid_legato_rot = register("euclid_legato_rot", _euclid_legato)
