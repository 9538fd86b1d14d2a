"""Syntax errors of the mini-notation."""

from __future__ import annotations


class MiniSyntaxError(ValueError):
    """A mini-notation string that Strudel's parser rejects.

    Attributes:
        source: the whole mini-notation string.
        column: 0-based offset into ``source`` of the offending character
            (``len(source)`` when the input ended too early).
        expected: what the parser expected there, in words.
        found: what it found there, in words (``"end of input"`` or a quoted
            character).
        hint: an optional extra remark (may be empty).

    ``str(err)`` is a one-line message, then the source line, then a line with
    a caret under the offending column.
    """

    def __init__(self, source: str, column: int, expected: str, found: str | None = None, hint: str = ""):
        self.source = source
        self.column = column
        self.expected = expected
        self.found = found if found is not None else describe_found(source, column)
        self.hint = hint
        super().__init__(self._format())

    @property
    def message(self) -> str:
        msg = f"mini-notation: expected {self.expected}, found {self.found}"
        if self.hint:
            msg += f" ({self.hint})"
        return msg

    def _format(self) -> str:
        # show only the line that holds the column, with the caret under it
        src = self.source
        col = max(0, min(self.column, len(src)))
        line_start = src.rfind("\n", 0, col) + 1
        line_end = src.find("\n", col)
        if line_end < 0:
            line_end = len(src)
        line = src[line_start:line_end]
        # tabs would shift the caret: show them as single spaces
        shown = "".join(" " if c in "\t\r" else c for c in line)
        caret = " " * (col - line_start) + "^"
        return f"{self.message}\n  {shown}\n  {caret}"

    def __reduce__(self):
        return (type(self), (self.source, self.column, self.expected, self.found, self.hint))


def describe_found(source: str, column: int) -> str:
    if column >= len(source):
        return "end of input"
    c = source[column]
    if c == "\n":
        return "a line break"
    if c == "\t":
        return "a tab"
    if c == " " or c == "\u00a0":
        return "a space"
    if c == "'":
        return '"\'"'
    return f"'{c}'"


__all__ = ["MiniSyntaxError", "describe_found"]
