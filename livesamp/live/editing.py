"""What the REPL's input line knows: highlighting (Python by pygments, mini-notation inside
strings, unknown sample names marked) and completion (sample names inside strings; names,
controls and pattern methods outside, each with its signature or meaning).

Both read the session's library on every keystroke, so a sound recorded with rec() is
highlighted and completed as soon as it exists.
"""
from __future__ import annotations

import inspect
import re

from prompt_toolkit.completion import Completer, Completion
from prompt_toolkit.lexers import Lexer
from prompt_toolkit.styles import Style

__all__ = ["PerformerLexer", "PerformerCompleter", "STYLE", "mini_fragments", "describe_name"]

STYLE = Style.from_dict({
    "mini.sample": "#5fd7ff bold",
    "mini.unknown": "#ff5f5f underline",
    "mini.number": "#d7af5f",
    "mini.rest": "#808080",
    "mini.bracket": "#af87ff",
    "mini.op": "#ffaf00",
    "mini.quote": "#87af87",
    "mini.text": "#87af87",
    "bottom-toolbar": "noreverse bg:#262626 #d0d0d0",
    "bottom-toolbar.warn": "noreverse bg:#262626 #ff5f5f bold",
})

_MINI = re.compile(r"(?P<number>-?\d+(?:\.\d+)?)|(?P<word>[A-Za-z_][\w#\-]*(?:\.[A-Za-z_][\w#\-]*)*)"
                   r"|(?P<rest>~)|(?P<bracket>[\[\]<>{}()])|(?P<op>[*/!@?:|,.%_^\-])|(?P<space>\s+)|(?P<other>.)")
_SAMPLE_CONTEXT = re.compile(r"(<<|\b(?:s|sound)\s*\()\s*$")


def mini_fragments(text: str, known=None, check: bool = False) -> list[tuple[str, str]]:
    """Style fragments for the inside of a mini-notation string. With `check`, words that
    are not in `known` (a container of sample names) are marked unknown."""
    out = []
    for m in _MINI.finditer(text):
        kind = m.lastgroup
        value = m.group()
        if kind == "word":
            style = "class:mini.sample"
            if check and known is not None and value not in known:
                style = "class:mini.unknown"
        elif kind in ("number", "rest", "bracket", "op"):
            style = f"class:mini.{kind}"
        else:
            style = "class:mini.text"
        out.append((style, value))
    return out


class PerformerLexer(Lexer):
    """Python (pygments) with mini-notation inside string literals."""

    def __init__(self, sample_names=lambda: ()):
        from pygments.lexers.python import PythonLexer

        self._python = PythonLexer(stripnl=False, ensurenl=False)
        self._sample_names = sample_names

    def lex_document(self, document):
        from pygments.token import String

        known = set(self._sample_names())
        text = document.text
        fragments: list[tuple[str, str]] = []
        pos = 0
        for ttype, value in self._python.get_tokens(text):
            if ttype in String and value not in ('"', "'", '"""', "'''") and ttype not in String.Escape:
                check = bool(_SAMPLE_CONTEXT.search(_before_string(text, pos)))
                fragments.extend(mini_fragments(value, known, check))
            elif ttype in String:
                fragments.append(("class:mini.quote", value))
            else:
                fragments.append(("class:" + _pygments_class(ttype), value))
            pos += len(value)
        lines: list[list[tuple[str, str]]] = [[]]
        for style, value in fragments:
            parts = value.split("\n")
            for k, part in enumerate(parts):
                if k:
                    lines.append([])
                if part:
                    lines[-1].append((style, part))

        def get_line(lineno: int):
            return lines[lineno] if 0 <= lineno < len(lines) else []

        return get_line


def _before_string(text: str, pos: int) -> str:
    """The text before the string literal whose content starts at `pos`."""
    start = pos
    while start > 0 and text[start - 1] in "\"'":
        start -= 1
    while start > 0 and text[start - 1].lower() in "rbfu":
        start -= 1
    return text[max(0, start - 40):start]


def _pygments_class(ttype) -> str:
    # prompt_toolkit's default pygments style uses these class names
    return "pygments." + ".".join(ttype).lower() if ttype else "pygments"


def describe_name(name: str, obj, controls: dict | None = None) -> str:
    """One line: a control's meaning and unit, or a function's signature."""
    if controls is None:
        from ..pattern.controls import controls_by_name

        controls = controls_by_name()
    ctl = controls.get(name)
    if ctl is not None:
        unit = f" [{ctl.unit}]" if ctl.unit else ""
        return f"control: {ctl.doc}{unit}"
    if callable(obj):
        try:
            sig = str(inspect.signature(obj))
        except (TypeError, ValueError):
            sig = "(...)"
        doc = (inspect.getdoc(obj) or "").strip().splitlines()
        first = doc[0] if doc else ""
        return f"{name}{sig}" + (f"  {first}" if first and len(sig) < 40 else "")
    return type(obj).__name__


class PerformerCompleter(Completer):
    """Sample names inside strings; namespace names, controls and Pattern methods outside."""

    def __init__(self, namespace: dict, sample_names=lambda: ()):
        self.ns = namespace
        self._sample_names = sample_names

    def get_completions(self, document, complete_event):
        before = document.text_before_cursor
        line = before.rsplit("\n", 1)[-1]
        if _inside_string(line):
            word = re.search(r"[\w#\-]*$", line).group()
            if not word and not complete_event.completion_requested:
                return
            from ..neural.hints import inside_voice_call, voice_names

            if inside_voice_call(line):  # voice("...: the neural voices, with what they were trained on
                for name, summary in voice_names():
                    if name.startswith(word):
                        yield Completion(name, start_position=-len(word), display_meta=summary[:70])
                return
            for name in self._sample_names():
                if name.startswith(word):
                    yield Completion(name, start_position=-len(word), display_meta="sample")
            return
        m = re.search(r"(\.)?([A-Za-z_]\w*)?$", line)
        dot, word = m.group(1), m.group(2) or ""
        if not word and not complete_event.completion_requested:
            return
        if dot:
            from ..pattern.core import Pattern

            pool = {n: getattr(Pattern, n) for n in dir(Pattern) if not n.startswith("_")}
        else:
            pool = {n: v for n, v in self.ns.items() if not n.startswith("_")}
        from ..pattern.controls import controls_by_name

        controls = controls_by_name()
        for name in sorted(pool):
            if name.startswith(word) and name != word:
                meta = None
                if dot and name in ("z0", "z1", "z2", "z3"):  # what this latent does in the line's voice
                    from ..neural.hints import latent_hint, voice_in

                    meta = latent_hint(voice_in(before), int(name[1]))
                yield Completion(name, start_position=-len(word),
                                 display_meta=(meta or describe_name(name, pool[name], controls))[:70])


def _inside_string(line: str) -> bool:
    quote = None
    i = 0
    while i < len(line):
        c = line[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == "#":
            return False
        i += 1
    return quote is not None
