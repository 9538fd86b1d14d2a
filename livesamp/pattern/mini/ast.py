"""AST of Strudel's mini-notation.

The shapes follow Strudel's krill grammar (``packages/mini/krill.pegjs``):

* :class:`Atom` - one word (``bd``, ``3``, ``~``) with its character span;
* :class:`Element` - a slice plus the operators written after it
  (``bd*2?``), its weight (``@``/``_``/``!``) and replication count;
* :class:`Sequence` - slices side by side (``a b c``), Strudel's ``fastcat``
  alignment;
* :class:`Group` - sequences joined by ``,`` (stack), ``|`` (random choice)
  or ``.`` (feet);
* :class:`Polymeter` - ``{...}`` with an optional ``%steps`` slice;
* :class:`SlowSeq` - ``<...>``, one step per cycle.

Spans are ``(start, end)`` character offsets into the mini-notation string
(end exclusive).  Nodes are immutable once the parser has built them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple, Union

Span = Tuple[int, int]
Number = Union[int, float]


@dataclass(frozen=True)
class Atom:
    """A single word.  ``source`` is the word as written."""

    source: str
    span: Span

    @property
    def is_rest(self) -> bool:
        return self.source in ("~", "-")


# ----------------------------------------------------------------- operators


@dataclass(frozen=True)
class Stretch:
    """``*slice`` (kind ``"fast"``) or ``/slice`` (kind ``"slow"``)."""

    kind: str
    amount: "Slice"


@dataclass(frozen=True)
class Replicate:
    """``!`` / ``!n``: the element repeated ``amount`` times."""

    amount: Number


@dataclass(frozen=True)
class Euclid:
    """``(pulse, steps[, rotation])``; each argument is an :class:`Element`."""

    pulse: "Element"
    steps: "Element"
    rotation: Optional["Element"]


@dataclass(frozen=True)
class Degrade:
    """``?`` / ``?p``; ``seed`` is the parse-wide seed counter value."""

    amount: Optional[Number]
    seed: int


@dataclass(frozen=True)
class Tail:
    """``:slice`` - appends the slice's value (``bd:3``)."""

    element: "Slice"


@dataclass(frozen=True)
class Range:
    """``.. slice`` - a numeric range (``0 .. 3``)."""

    element: "Slice"


Op = Union[Stretch, Replicate, Euclid, Degrade, Tail, Range]


# ----------------------------------------------------------------- structure


@dataclass(frozen=True)
class Element:
    """A slice with its operators, in the order they apply."""

    slice: "Slice"
    ops: Tuple[Op, ...] = ()
    weight: Number = 1
    reps: Number = 1
    span: Span = (0, 0)


@dataclass(frozen=True)
class Sequence:
    """Elements played one after the other within a cycle."""

    elements: Tuple[Element, ...]
    steps_marker: bool = False  # a leading '^'


@dataclass(frozen=True)
class Group:
    """Sequences joined by ``,`` (``"stack"``), ``|`` (``"rand"``) or ``.`` (``"feet"``)."""

    alignment: str
    children: Tuple[Sequence, ...]
    seed: Optional[int] = None


@dataclass(frozen=True)
class Polymeter:
    """``{a b, c d e}`` with an optional ``%steps`` slice."""

    children: Tuple[Sequence, ...]
    steps_per_cycle: Optional["Slice"] = None


@dataclass(frozen=True)
class SlowSeq:
    """``<a b, c d e>``: each layer plays one step per cycle."""

    children: Tuple[Sequence, ...]


Slice = Union[Atom, Sequence, Group, Polymeter, SlowSeq]
Node = Union[Slice, Element]


def atoms(node) -> list:
    """All atoms below ``node`` (operator arguments included), in source order."""
    out: list = []

    def walk(n):
        if n is None:
            return
        if isinstance(n, Atom):
            out.append(n)
        elif isinstance(n, Element):
            walk(n.slice)
            for op in n.ops:
                if isinstance(op, Stretch):
                    walk(op.amount)
                elif isinstance(op, Euclid):
                    walk(op.pulse)
                    walk(op.steps)
                    walk(op.rotation)
                elif isinstance(op, (Tail, Range)):
                    walk(op.element)
        elif isinstance(n, Sequence):
            for e in n.elements:
                walk(e)
        elif isinstance(n, (Group, SlowSeq)):
            for c in n.children:
                walk(c)
        elif isinstance(n, Polymeter):
            for c in n.children:
                walk(c)
            walk(n.steps_per_cycle)

    walk(node)
    out.sort(key=lambda a: a.span)
    return out


__all__ = [
    "Atom", "Element", "Sequence", "Group", "Polymeter", "SlowSeq",
    "Stretch", "Replicate", "Euclid", "Degrade", "Tail", "Range",
    "Slice", "Node", "Op", "Span", "atoms",
]
