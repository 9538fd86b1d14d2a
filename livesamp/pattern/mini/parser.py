"""Recursive-descent parser of Strudel's mini-notation.

The parser follows Strudel 1.2.6's PEG grammar (``krill.pegjs``) rule by rule,
with the same ordered choices, greedy repetitions and backtracking, so that it
accepts exactly the strings Strudel accepts and builds the same tree.  Like
Strudel, it parses the text wrapped in double quotes (``"text"``): a quote
character inside the text ends the mini-notation there.

Seeds for ``?``, ``|`` and ``.`` come from one counter per parse, starting at
0, taken when the parser finishes the construct (a group finishes after its
members).

Error reporting is our own: the parser remembers the furthest position where
something it needed was missing, and what that was, and raises
:class:`MiniSyntaxError` with a message and a caret there.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from .ast import (
    Atom,
    Degrade,
    Element,
    Euclid,
    Group,
    Polymeter,
    Range,
    Replicate,
    Sequence,
    SlowSeq,
    Stretch,
    Tail,
)
from .errors import MiniSyntaxError, describe_found

WS = frozenset(" \n\r\t\u00a0")
_STEP_PUNCT = frozenset("0123456789~-#.^_")
_LETTER_CATS = frozenset(("Lu", "Ll", "Lt", "Lm", "Lo", "Nl"))
_DIGITS = frozenset("0123456789")

STEP = "a step"
END = "end of input"

_OPENERS = {"[": "]", "{": "}", "<": ">", "(": ")"}


@lru_cache(maxsize=4096)
def _is_letter(c: str) -> bool:
    # Strudel's grammar works on UTF-16 code units; characters outside the
    # BMP are surrogate pairs there, which are no letters.
    if ord(c) > 0xFFFF:
        return False
    return unicodedata.category(c) in _LETTER_CATS


def is_step_char(c: str) -> bool:
    return c in _STEP_PUNCT or _is_letter(c)


def _to_number(text: str):
    """parseFloat of a grammar ``number``: int when integral, else float."""
    x = float(text)
    if x == x and x not in (float("inf"), float("-inf")) and x == int(x):
        return int(x)
    return x


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.code = '"' + text + '"'
        self.n = len(self.code)
        self.pos = 0
        self.seed = 0
        self.fail_pos = -1
        self.fail_expected: list[str] = []
        self.hints: dict[int, str] = {}
        self.open: list[tuple[str, int]] = []  # brackets open at the current position
        self.fail_open: list[tuple[str, int]] = []

    # ------------------------------------------------------------ helpers

    def expect(self, pos: int, what: str) -> None:
        if pos > self.fail_pos:
            self.fail_pos = pos
            self.fail_expected = [what]
            self.fail_open = list(self.open)
        elif pos == self.fail_pos and what not in self.fail_expected:
            self.fail_expected.append(what)

    def hint(self, pos: int, text: str) -> None:
        self.hints.setdefault(pos, text)

    def peek(self) -> str:
        return self.code[self.pos] if self.pos < self.n else ""

    def ws(self) -> None:
        code, n, p = self.code, self.n, self.pos
        while p < n and code[p] in WS:
            p += 1
        self.pos = p

    def lit(self, s: str) -> bool:
        if self.code.startswith(s, self.pos):
            self.pos += len(s)
            return True
        return False

    def col(self, pos: int) -> int:
        """Code offset -> offset in the user's text."""
        return max(0, min(pos - 1, len(self.text)))

    # ------------------------------------------------------------ numbers

    def number(self):
        """``number = "-"? int frac? exp?`` -> value, or None (pos unchanged)."""
        code, n = self.code, self.n
        start = p = self.pos
        if p < n and code[p] == "-":
            p += 1
        if p < n and code[p] == "0":
            p += 1
        elif p < n and code[p] in "123456789":
            p += 1
            while p < n and code[p] in _DIGITS:
                p += 1
        else:
            return None
        if p + 1 < n and code[p] == "." and code[p + 1] in _DIGITS:
            p += 2
            while p < n and code[p] in _DIGITS:
                p += 1
        if p < n and code[p] in "eE":
            q = p + 1
            if q < n and code[q] in "+-":
                q += 1
            if q < n and code[q] in _DIGITS:
                while q < n and code[q] in _DIGITS:
                    q += 1
                p = q
        self.pos = p
        return _to_number(code[start:p])

    # ------------------------------------------------------------ slices

    def step(self):
        start = self.pos
        self.ws()
        cstart = self.pos
        code, n, p = self.code, self.n, self.pos
        while p < n and is_step_char(code[p]):
            p += 1
        if p == cstart:
            self.pos = start
            return None
        chars = code[cstart:p]
        self.pos = p
        self.ws()
        if chars == "." or chars == "_":
            self.pos = start
            return None
        return Atom(chars, (cstart - 1, p - 1))

    def bracketed(self, opener: str, inner):
        """ws opener ws inner ws closer -> inner's result (no trailing ws)."""
        start = self.pos
        self.ws()
        if self.peek() != opener:
            self.pos = start
            return None
        open_pos = self.pos
        self.pos += 1
        self.ws()
        self.open.append((opener, open_pos))
        try:
            result = inner()
            if result is None:
                self.pos = start
                return None
            self.ws()
        finally:
            self.open.pop()
        closer = _OPENERS[opener]
        if self.peek() != closer:
            self.expect(self.pos, f"'{closer}' to close '{opener}' opened at column {self.col(open_pos)}")
            c = self.peek()
            if opener in "<{" and c in "|.":
                what = "random choice '|'" if c == "|" else "feet '.'"
                self.hint(self.pos, f"{what} is not allowed directly inside '{opener}...{closer}': wrap it in '[...]'")
            self.pos = start
            return None
        self.pos += 1
        return result

    def sub_cycle(self):
        start = self.pos
        r = self.bracketed("[", self.stack_or_choose)
        if r is None:
            self.pos = start
            return None
        self.ws()
        return r

    def polymeter(self):
        start = self.pos
        stack = self.bracketed("{", self.polymeter_stack)
        if stack is None:
            self.pos = start
            return None
        steps = None
        save = self.pos
        if self.lit("%"):
            steps = self.slice("after '%'")
            if steps is None:
                self.pos = save
        self.ws()
        return Polymeter(stack, steps)

    def slow_sequence(self):
        start = self.pos
        stack = self.bracketed("<", self.polymeter_stack)
        if stack is None:
            self.pos = start
            return None
        self.ws()
        return SlowSeq(stack)

    def slice(self, context: str = ""):
        start = self.pos
        for rule in (self.step, self.sub_cycle, self.polymeter, self.slow_sequence):
            r = rule()
            if r is not None:
                return r
            self.pos = start
        self.ws()
        self.expect(self.pos, STEP + (" " + context if context else ""))
        self.pos = start
        return None

    # ------------------------------------------------------------ operators

    def slice_with_ops(self, context: str = ""):
        start = self.pos
        s = self.slice(context)
        if s is None:
            return None
        ops: list = []
        weight = 1
        reps = 1
        code = self.code
        while True:
            save = self.pos
            # the operators that allow whitespace before them: "@", "_", "!"
            self.ws()
            c = self.peek()
            if c == "@" or c == "_":  # op_weight = ws ("@" / "_") number?
                self.pos += 1
                a = self.number()
                weight = weight + (2 if a is None else a) - 1
                continue
            if c == "!":  # op_replicate = ws "!" number?
                self.pos += 1
                a = self.number()
                reps = reps + (2 if a is None else a) - 1
                ops = [op for op in ops if not isinstance(op, Replicate)]
                ops.append(Replicate(reps))
                weight = reps
                continue
            self.pos = save
            c = self.peek()
            if c == "(":
                op = self.euclid_args()
            elif c == "/" or c == "*":
                self.pos += 1
                a = self.slice(f"after '{c}'")
                op = None if a is None else Stretch("slow" if c == "/" else "fast", a)
            elif c == "?":
                self.pos += 1
                a = self.number()
                op = Degrade(a, self.seed)
                self.seed += 1
            elif c == ":":
                self.pos += 1
                a = self.slice("after ':'")
                op = None if a is None else Tail(a)
            elif code.startswith("..", self.pos):
                self.pos += 2
                a = self.slice("after '..'")
                op = None if a is None else Range(a)
            else:
                op = None
            if op is None:
                self.pos = save
                break
            ops.append(op)
        # the element's span: from the slice's first character to the end of its last operator
        b = start
        while b < self.n and code[b] in WS:
            b += 1
        e = self.pos
        while e > b and code[e - 1] in WS:
            e -= 1
        return Element(s, tuple(ops), weight, reps, (self.col(b), self.col(e)))

    def euclid_args(self):
        start = self.pos
        open_col = self.col(self.pos)
        self.open.append(("(", self.pos))
        try:
            return self._euclid_args(start, open_col)
        finally:
            self.open.pop()

    def _euclid_args(self, start: int, open_col: int):
        self.pos += 1  # "("
        self.ws()
        p = self.slice_with_ops("as the euclid pulse count")
        if p is None:
            self.pos = start
            return None
        self.ws()
        if not self.comma():
            self.expect(self.pos, "',' and the number of euclid steps")
            self.pos = start
            return None
        self.ws()
        s = self.slice_with_ops("as the number of euclid steps")
        if s is None:
            self.pos = start
            return None
        self.ws()
        self.comma()
        self.ws()
        r = self.slice_with_ops()
        self.ws()
        if self.peek() != ")":
            self.expect(self.pos, f"')' to close '(' opened at column {open_col}")
            self.pos = start
            return None
        self.pos += 1
        return Euclid(p, s, r)

    # ------------------------------------------------------------ delimiters

    def sep(self, ch: str) -> bool:
        start = self.pos
        self.ws()
        if self.peek() == ch:
            self.pos += 1
            self.ws()
            return True
        self.pos = start
        return False

    def comma(self) -> bool:
        return self.sep(",")

    # ------------------------------------------------------------ sequences

    def sequence(self, context: str = ""):
        start = self.pos
        marker = False
        if self.peek() == "^":
            self.pos += 1
            marker = True
        elements = []
        while True:
            e = self.slice_with_ops("" if elements else context)
            if e is None:
                break
            elements.append(e)
        if not elements:
            self.pos = start
            return None
        return Sequence(tuple(elements), marker)

    def tail(self, ch: str):
        """``(sep sequence)+`` -> list of sequences (may be empty)."""
        out = []
        while True:
            save = self.pos
            if not self.sep(ch):
                break
            s = self.sequence(f"after '{ch}'")
            if s is None:
                self.pos = save
                break
            out.append(s)
        return out

    def _mixing_hint(self, kind: str) -> None:
        save = self.pos
        self.ws()
        c = self.peek()
        names = {",": "',' (stack)", "|": "'|' (random choice)", ".": "'.' (feet)"}
        if c in names and c != kind and not self.code.startswith("..", self.pos):
            self.hint(self.pos, f"{names[kind]} and {names[c]} can't be mixed in one group: wrap one part in '[...]'")
        self.pos = save

    def stack_or_choose(self):
        head = self.sequence()
        if head is None:
            return None
        for ch, alignment in ((",", "stack"), ("|", "rand"), (".", "feet")):
            lst = self.tail(ch)
            if lst:
                seed = None
                if alignment != "stack":
                    seed = self.seed
                    self.seed += 1
                self._mixing_hint(ch)
                return Group(alignment, (head, *lst), seed)
        return head

    def polymeter_stack(self):
        head = self.sequence()
        if head is None:
            return None
        lst = self.tail(",")
        if lst:
            self._mixing_hint(",")
        return (head, *lst)

    # ------------------------------------------------------------ top level

    def parse(self):
        # mini = ws quote ws stack_or_choose ws quote ; then ws comment* EOF
        self.pos = 1
        self.ws()
        tree = self.stack_or_choose()
        if tree is not None:
            self.ws()
            if self.peek() in ('"', "'"):
                self.pos += 1
                self.ws()
                while self.lit("//"):
                    while self.pos < self.n and self.code[self.pos] != "\n":
                        self.pos += 1
                if self.pos == self.n:
                    return tree
            self.expect(self.pos, END)
        self.raise_error()

    def raise_error(self):
        text = self.text
        pos = self.fail_pos if self.fail_pos >= 0 else self.pos
        col = self.col(pos)
        if pos >= self.n - 1:
            col = len(text)
        expected = self.fail_expected or [STEP]
        closers = [e for e in expected if " to close " in e]
        what = closers[0] if closers else _join_or(expected)
        found = describe_found(text, col)
        c = text[col] if col < len(text) else ""
        hint = self.hints.get(pos, "")
        if not hint and not text.strip():
            hint = "the mini-notation is empty"
        if not hint and c and c in ")]}>":
            opener = {")": "(", "]": "[", "}": "{", ">": "<"}[c]
            if all(o != opener for o, _ in self.fail_open):
                hint = f"'{c}' has no matching '{opener}'"
        if not hint and c and c in "*/?:(" and col > 0 and text[col - 1] in WS:
            hint = f"'{c}' must follow what it modifies without a space here"
        if END in expected:
            q = max(text.rfind('"', 0, col + 1), text.rfind("'", 0, col + 1))
            if q >= 0:
                col, what, found = q, "no quote character", describe_found(text, q)
                hint = "a quote ends the mini-notation"
        line = text.count("\n", 0, col)
        if line:
            hint = (hint + "; " if hint else "") + f"line {line + 1}, column {col - text.rfind(chr(10), 0, col) - 1}"
        raise MiniSyntaxError(text, col, what, found, hint)


def _join_or(items: list) -> str:
    items = list(dict.fromkeys(items))
    # "a step ..." variants with the same prefix: keep them all, they differ in context
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]


@lru_cache(maxsize=1024)
def parse(text: str):
    """Parse mini-notation ``text`` into an AST (a Sequence or a Group).

    Raises :class:`MiniSyntaxError` if Strudel would reject the string.
    """
    if not isinstance(text, str):
        raise TypeError(f"mini-notation must be a str, not {type(text).__name__}")
    return _Parser(text).parse()


__all__ = ["parse", "is_step_char", "MiniSyntaxError"]
