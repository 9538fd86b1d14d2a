"""The performer's REPL: prompt_toolkit, one-line patterns, errors that never stop the music.

Enter evaluates a complete line (an unfinished Python block continues on the next line);
history persists; background messages print above the prompt; the bottom bar shows cycle,
tempo, active slots, voices, callback load, xruns and peak level.
"""
from __future__ import annotations

import codeop
import re
import sys
import traceback

from ..pattern.mini import MiniSyntaxError

__all__ = ["Evaluator", "run_repl", "describe_error"]


def describe_error(e: BaseException) -> str:
    """A short, precise message for a performer (no traceback for everyday mistakes)."""
    if isinstance(e, MiniSyntaxError):
        return str(e)
    from ..bank.errors import UnknownSampleError

    if isinstance(e, UnknownSampleError):
        return str(e)
    if isinstance(e, SyntaxError):
        where = f" (line {e.lineno}, column {e.offset})" if e.lineno else ""
        caret = ""
        if e.text and e.offset:
            caret = "\n  " + e.text.rstrip("\n") + "\n  " + " " * (e.offset - 1) + "^"
        return f"SyntaxError: {e.msg}{where}{caret}"
    return f"{type(e).__name__}: {e}"


class Evaluator:
    """Evaluates performer input in the session's namespace and logs each input."""

    def __init__(self, session, log=None, namespace: dict | None = None, echo=print):
        from .prelude import performer_namespace

        self.session = session
        self.log = log
        self.ns = namespace if namespace is not None else performer_namespace(session)
        self.echo = echo

    def is_complete(self, text: str) -> bool:
        if not text.strip():
            return True
        try:
            return codeop.compile_command(text, "<livesamp>", "single") is not None
        except (SyntaxError, ValueError, OverflowError):
            return True  # let evaluation report it

    def evaluate(self, text: str) -> bool:
        """Run one input; True if it ran without error. Never raises."""
        if not text.strip():
            return True
        before = [(s.pattern, s.source) for s in self.session.slots._slots]
        ok, error = True, None
        try:
            try:
                code = compile(text, "<livesamp>", "eval")
                is_expr = True
            except SyntaxError:
                code = compile(text, "<livesamp>", "exec")
                is_expr = False
            result = eval(code, self.ns)  # noqa: S307 - the performer's own code
            if is_expr and result is not None and not _is_slot_handle(result):
                self.echo(repr(result))
        except KeyboardInterrupt:
            ok, error = False, "interrupted"
            self.echo("interrupted")
        except BaseException as e:  # noqa: BLE001 - nothing the performer types may end the REPL
            if isinstance(e, SystemExit):
                raise
            ok, error = False, describe_error(e)
            self.echo(error)
        changes = {}
        for slot, (pat, _src) in zip(self.session.slots._slots, before):
            if slot.pattern is not pat:
                changes[slot.name] = "stopped" if slot.pattern is None else "set"
                if slot.pattern is not None:
                    slot.source = _slot_source(text, slot.name) or slot.source
        if self.log is not None:
            self.log.write(input=text, cycle=float(self.session.scheduler.cursor),
                           slots=changes, ok=ok, error=error, cps=self.session.clock.cps)
        return ok


def _is_slot_handle(x) -> bool:
    from .session import SlotHandle

    return isinstance(x, SlotHandle)


def _slot_source(text: str, name: str) -> str | None:
    m = re.search(rf"\b{name}\s*<<\s*(.+)$", text, re.S)
    return m.group(1).strip() if m else None


def _status(session) -> str:
    st = session.engine.stats() if session.engine is not None else {}
    cycle = float(session.clock.cycle_at(session.engine.frame))
    active = " ".join(session.slots.active()) or "-"
    return (f" cycle {cycle:7.2f} | {session.clock.cps:.3f} cps {session.clock.bpm:.0f} bpm | {active} | "
            f"voices {st.get('active_voices', 0)} | load {100 * st.get('callback_load', 0):.0f}% | "
            f"xruns {st.get('xruns', 0)} | peak {st.get('peak', 0):.2f}")


def run_repl(backend: str = "auto", device=None, banks=None, log_path=None) -> int:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import Completer, Completion
    from prompt_toolkit.history import FileHistory
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.patch_stdout import patch_stdout

    from ..bank.paths import data_dir
    from .log import SessionLog
    from .session import Session

    messages = []

    def report(msg: str) -> None:
        print(msg)  # patch_stdout puts it above the prompt

    session = Session(banks=banks, report=report)
    session.start(backend=backend, device=device)
    log = SessionLog(log_path)
    evaluator = Evaluator(session, log)
    names = sorted(evaluator.ns)
    sample_names = session.library.names()

    class _Completer(Completer):
        def get_completions(self, document, complete_event):
            before = document.text_before_cursor
            word = document.get_word_before_cursor(WORD=False)
            in_string = before.count('"') % 2 == 1 or before.count("'") % 2 == 1
            pool = sample_names if in_string else names
            for name in pool:
                if name.startswith(word) and word:
                    meta = ""
                    obj = evaluator.ns.get(name)
                    if obj is not None and callable(obj):
                        doc = (getattr(obj, "__doc__", "") or "").strip().splitlines()
                        meta = doc[0][:60] if doc else ""
                    yield Completion(name, start_position=-len(word), display_meta=meta)

    kb = KeyBindings()

    @kb.add("enter")
    def _(event):
        buf = event.current_buffer
        if evaluator.is_complete(buf.text) and not buf.text.endswith("\n"):
            buf.validate_and_handle()
        elif buf.text.endswith("\n") and buf.text.strip():
            buf.validate_and_handle()
        else:
            buf.insert_text("\n")

    history_path = data_dir() / "history"
    history_path.parent.mkdir(parents=True, exist_ok=True)
    prompt = PromptSession(history=FileHistory(str(history_path)), completer=_Completer(),
                           key_bindings=kb, multiline=True,
                           bottom_toolbar=lambda: _status(session), refresh_interval=0.25)
    print(f"livesamp: {len(sample_names)} sounds, audio on {session.output.describe()}. "
          f"d1 << \"thud*2 tss\" to start, hush() to stop, Ctrl-D to quit. Log: {log.path}")
    with patch_stdout(raw=True):
        while True:
            try:
                text = prompt.prompt("livesamp> ")
            except KeyboardInterrupt:
                continue
            except EOFError:
                break
            evaluator.evaluate(text)
    session.stop()
    log.close()
    return 0
