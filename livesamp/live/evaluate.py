"""Evaluating what the performer types: one input at a time, never raising, every input
logged, its slot changes applied together at one cycle.

`Evaluator.evaluate(text)` runs `text` in the performer's namespace inside a
`Session.batch()`, so all slot and tempo changes of one input land between the same two
scheduler advances; the batch's cursor and frame go to the session log, which is what
makes `livesamp replay` exact. An error is described in a line or three (a caret under the
column for syntax errors, "did you mean ...?" for unknown names), and the slots keep what
they were playing.
"""
from __future__ import annotations

import codeop
import difflib
import re
import traceback
from pathlib import Path

from ..pattern.mini import MiniSyntaxError

__all__ = ["Evaluator", "describe_error", "is_complete", "FILENAME"]

FILENAME = "<livesamp>"


def is_complete(text: str) -> bool:
    """True when Enter should evaluate `text`: it compiles (or fails to compile for a reason
    more typing cannot fix) and it does not open an indented block still being written; a
    block ends with an empty line, as in Python's own REPL."""
    if not text.strip():
        return True
    lines = text.split("\n")
    if len(lines) > 1 and not lines[-1].strip():
        return True  # an empty line ends a block
    try:
        code = codeop.compile_command(text, FILENAME, "single")
    except (SyntaxError, ValueError, OverflowError):
        return True  # evaluating it reports the error
    if code is None:
        return False
    return not any(_code_part(line).rstrip().endswith(":") for line in lines)


def _code_part(line: str) -> str:
    return line.split("#", 1)[0] if '"' not in line and "'" not in line else line


def describe_error(e: BaseException, text: str = "", names=()) -> str:
    """A short, precise message for a performer (no traceback for everyday mistakes).

    `text` is the input that failed (a mini-notation caret is moved under the column of the
    input line); `names` are the namespace's names, for "did you mean" on a NameError.
    """
    from ..bank.errors import UnknownSampleError

    if isinstance(e, MiniSyntaxError):
        return _mini_in_input(e, text)
    if isinstance(e, UnknownSampleError):
        return str(e)
    if isinstance(e, SyntaxError):
        where = f" (line {e.lineno})" if e.lineno and "\n" in text.strip() else ""
        msg = f"SyntaxError: {e.msg}{where}"
        if e.text and e.offset:
            line = e.text.rstrip("\n")
            msg += f"\n  {line}\n  {' ' * max(0, e.offset - 1)}^"
        return msg
    head = "".join(traceback.format_exception_only(type(e), e)).strip().splitlines()
    msg = head[-1] if head else type(e).__name__
    if "Did you mean" not in msg:  # Python 3.12 says it by itself
        close = []
        if isinstance(e, NameError) and getattr(e, "name", None):
            close = difflib.get_close_matches(e.name, list(names), n=1, cutoff=0.7)
        elif isinstance(e, AttributeError) and getattr(e, "name", None) and getattr(e, "obj", None) is not None:
            public = [n for n in dir(e.obj) if not n.startswith("_")]
            close = difflib.get_close_matches(e.name, public, n=1, cutoff=0.7)
        if close:
            msg += f". Did you mean: {close[0]!r}?"
    where = _user_file_line(e)
    if where is not None:
        msg += f" ({where[0]}, line {where[1]})"
    else:
        line = _user_line(e)
        if line is not None and "\n" in text.strip():
            msg += f" (line {line})"
    return msg


def _mini_in_input(e: MiniSyntaxError, text: str) -> str:
    """The parser's message, with the caret under the column of the input line that holds
    the mini-notation (when the string appears there once)."""
    src = e.source
    if not src or text.count(src) != 1:
        return str(e)
    at = text.index(src) + max(0, min(e.column, len(src)))
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    line = text[start:end if end >= 0 else len(text)]
    shown = "".join(" " if c in "\t\r" else c for c in line)
    return f"{e.message}\n  {shown}\n  {' ' * (at - start)}^"


def _user_file_line(e: BaseException) -> tuple[str, int] | None:
    """Where in a pattern file the performer load()ed the error happened (None: not there)."""
    import os

    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    found = None
    for frame, lineno in traceback.walk_tb(e.__traceback__):
        name = frame.f_code.co_filename
        if name != FILENAME and not name.startswith("<") and not os.path.abspath(name).startswith(package):
            found = (os.path.relpath(name) if not os.path.relpath(name).startswith("..") else name, lineno)
    return found


def _user_line(e: BaseException) -> int | None:
    line = None
    for frame, lineno in traceback.walk_tb(e.__traceback__):
        if frame.f_code.co_filename == FILENAME:
            line = lineno
    return line


def _describe_slot(text: str, name: str, last: bool = False) -> str | None:
    found = re.findall(rf"\b{name}\s*<<\s*(.+?)\s*(?:#.*)?$", text, re.M)
    return (found[-1] if last else found[0]) if found else None


class Evaluator:
    """Evaluates performer input in a namespace and logs each input.

    `listeners` are called with each input's log record after it was written (the audience
    view, tests). `echo` prints results and errors (the REPL's print, above the prompt).
    """

    def __init__(self, session, log=None, namespace: dict | None = None, echo=print, listeners=()):
        from .prelude import performer_namespace

        self.session = session
        self.log = log
        self.ns = namespace if namespace is not None else performer_namespace(session)
        self.echo = echo
        self.listeners = list(listeners)
        self.count = 0
        self._files: dict[str, str] = {}
        self._wrap_load()

    def _wrap_load(self) -> None:
        """load(path) runs a pattern file; its text goes to the log with the input."""
        from .prelude import load_file

        def load(path):
            """load("patterns/breakbeat.py"): run a pattern file in this namespace."""
            text = Path(path).read_text(encoding="utf-8")
            self._files[str(path)] = text
            load_file(self.session, path, self.ns, text=text)

        self.ns["load"] = load

    is_complete = staticmethod(is_complete)

    def evaluate(self, text: str) -> dict | None:
        """Run one input; returns its log record (None for blank input). Never raises,
        except SystemExit (exit() ends the REPL)."""
        if not text.strip():
            return None
        self._files = {}
        ok, error, exiting = True, None, None
        with self.session.batch() as batch:
            try:
                self._run(text)
            except SystemExit as e:
                exiting = e
            except KeyboardInterrupt:
                ok, error = False, "interrupted"
            except BaseException as e:  # noqa: BLE001 - nothing the performer types may end the REPL
                ok, error = False, describe_error(e, text, self.ns)
        for slot in self.session.slots:
            if f"{slot.name} set" in batch.changes and slot.pattern is not None:
                in_files = (_describe_slot(t, slot.name, last=True) for t in self._files.values())
                slot.source = (_describe_slot(text, slot.name) or next(filter(None, in_files), None)
                               or text.strip())
        if error is not None:
            self.echo(error)
        self.count += 1
        record = {"n": self.count, "text": text, "cycle": float(batch.cursor),
                  "cursor": str(batch.cursor), "frame": batch.frame, "changes": batch.changes,
                  "ok": ok, "error": error}
        if self._files:
            record["files"] = dict(self._files)
        if self.log is not None:
            try:
                self.log.write("input", **record)
            except OSError as e:  # a full disk must not end the performance
                self.echo(f"session log: cannot write {self.log.path} ({e}); the music goes on")
        for listener in self.listeners:
            try:
                listener(record)
            except Exception as e:  # noqa: BLE001 - a listener must not end the REPL
                self.echo(f"{listener!r} failed: {type(e).__name__}: {e}")
        if exiting is not None:
            raise exiting
        return record

    def _run(self, text: str) -> None:
        try:
            code = compile(text, FILENAME, "eval")
        except SyntaxError:
            exec(compile(text, FILENAME, "exec"), self.ns)  # noqa: S102 - the performer's own code
            return
        result = eval(code, self.ns)  # noqa: S307 - the performer's own code
        if result is not None and not _quiet(result):
            self.echo(repr(result))


def _quiet(x) -> bool:
    """Results not worth echoing: the slot handle `d1 << ...` returns."""
    from .session import SlotHandle

    return isinstance(x, SlotHandle)
