"""The performer's REPL: prompt_toolkit, one-line patterns, errors that never stop the music.

Enter evaluates a complete input (an unfinished Python block goes on to the next line and
ends with an empty line; Alt-Enter evaluates at once); history persists in the data
folder; background messages print above the prompt (patch_stdout); the bottom bar shows
cycle, tempo, active slots, voices, callback load, xruns and peak level. Ctrl-C clears the
line, Ctrl-D on an empty line quits.
"""
from __future__ import annotations

import math
import sys

from ..schedule.clock import LOOKAHEAD_S
from .evaluate import Evaluator, describe_error, is_complete

__all__ = ["Evaluator", "describe_error", "run_repl", "make_prompt", "repl_loop", "status_text", "BANNER"]

BANNER = ('type a pattern: d1 << "thud*2 [tss tsk]"   stop it: d1.stop()   everything: hush()\n'
          "Tab completes sample names inside quotes; Ctrl-D quits.")


def status_text(session) -> list[tuple[str, str]]:
    """The bottom bar: cycle | tempo | slots | voices | load | xruns | (late) | peak.

    `late` (shown once there are any) counts triggers that reached the engine after their
    frame had played: the scheduler was starved for longer than the lookahead
    (`livesamp --lookahead` gives it more room, at the cost of a slower response)."""
    engine = session.engine
    st = engine.stats(reset_peak=True)
    cycle = float(session.clock.cycle_at(engine.frame))
    slots = []
    solo = getattr(session.slots, "_solo", set())
    for s in session.slots:
        if s.pattern is None:
            continue
        mark = "(m)" if s.muted else ("(s)" if s.index in solo else "")
        slots.append(s.name + mark)
    peak = st.get("peak", 0.0)
    peak_db = f"{20 * math.log10(peak):5.1f} dB" if peak > 1e-6 else " -inf dB"
    load = 100 * st.get("callback_load", 0.0)
    xruns = st.get("xruns", 0)
    head = (f" cycle {cycle:8.2f} | {session.clock.cps:.4g} cps {session.clock.bpm:.1f} bpm | "
            f"{' '.join(slots) or 'silent'} | voices {st.get('active_voices', 0)} | ")
    late = st.get("late", 0)
    tail = f"load {load:3.0f}% | xruns {xruns} | " + (f"late {late} | " if late else "") + f"peak {peak_db}"
    warn = load > 80 or xruns > 0 or late > 0 or peak >= 0.99
    return [("class:bottom-toolbar", head), ("class:bottom-toolbar.warn" if warn else "class:bottom-toolbar", tail)]


def make_prompt(evaluator: Evaluator, history_path=None, input=None, output=None, refresh_s: float = 0.25):
    """A PromptSession with the performer's lexer, completer, key bindings and status bar."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
    from prompt_toolkit.history import FileHistory, InMemoryHistory
    from prompt_toolkit.key_binding import KeyBindings

    from .editing import STYLE, PerformerCompleter, PerformerLexer

    session = evaluator.session

    def sample_names():
        return session.library.names()

    kb = KeyBindings()

    @kb.add("enter")
    def _enter(event):
        buf = event.current_buffer
        if is_complete(buf.text):
            buf.validate_and_handle()
        else:
            buf.insert_text("\n" + _indent_after(buf.document.current_line_before_cursor))

    @kb.add("escape", "enter")
    def _force(event):
        event.current_buffer.validate_and_handle()

    if history_path is not None:
        history_path.parent.mkdir(parents=True, exist_ok=True)
        history = FileHistory(str(history_path))
    else:
        history = InMemoryHistory()
    return PromptSession(
        multiline=True, key_bindings=kb, history=history, lexer=PerformerLexer(sample_names),
        completer=PerformerCompleter(evaluator.ns, sample_names), complete_while_typing=True,
        auto_suggest=AutoSuggestFromHistory(), style=STYLE, include_default_pygments_style=True,
        bottom_toolbar=lambda: status_text(session), refresh_interval=refresh_s,
        prompt_continuation=lambda width, line, wrap: "." * (width - 1) + " ",
        input=input, output=output)


def _indent_after(line: str) -> str:
    indent = line[:len(line) - len(line.lstrip())]
    return indent + "    " if line.rstrip().endswith(":") else indent


def repl_loop(prompt, evaluator: Evaluator, message: str = "livesamp> ", confirm_s: float = 3.0) -> None:
    """Read, evaluate, repeat until Ctrl-D or exit(). Nothing typed ends it otherwise.

    Ctrl-D while slots still play asks for a second Ctrl-D (within `confirm_s`): a slip of
    the finger must not end a set."""
    import time

    asked = -1e9
    while True:
        try:
            text = prompt.prompt(message)
        except KeyboardInterrupt:
            continue
        except EOFError:
            playing = evaluator.session.slots.active()
            if playing and time.monotonic() - asked > confirm_s:
                asked = time.monotonic()
                evaluator.echo(f"{' '.join(playing)} still playing: Ctrl-D again to quit "
                               "(hush() stops them)")
                continue
            return
        try:
            evaluator.evaluate(text)
        except SystemExit:
            return


def run_repl(backend: str = "auto", device=None, banks=None, log_path=None, record=None,
             sr: int = 48000, cps=None, blocksize: int = 256, osc=None,
             lookahead_s: float = LOOKAHEAD_S, stage=None) -> int:
    """`livesamp` with no command: start the audio, load the banks, open the REPL."""
    from prompt_toolkit.patch_stdout import patch_stdout

    from ..bank.paths import data_dir
    from ..engine.jitcache import first_run_notice
    from ..schedule.clock import DEFAULT_CPS
    from .performance import Performance

    if banks and "default" not in banks:
        banks = [*banks, "default"]  # extra folders come first, the default bank stays
    print("livesamp: loading banks and starting audio ...", flush=True)
    with first_run_notice(sys.stdout):
        perf = Performance(backend=backend, device=device, banks=banks, log_path=log_path, sr=sr,
                           cps=cps if cps is not None else DEFAULT_CPS, blocksize=blocksize,
                           lookahead_s=lookahead_s)
    session = perf.session
    print(f"{perf.audio_note}\n"
          f"sounds: {len(session.library.names())} ({', '.join(b.name for b in session.library.banks)}); "
          f"samples() lists them\nsession log: {perf.log.path}")
    if record:
        try:
            perf.record(record)
        except Exception as e:  # noqa: BLE001 - asked to record and can't: say so, don't play on
            print(f"livesamp: cannot record to {record}: {type(e).__name__}: {e}")
            perf.close()
            return 2
    server = None
    if osc is not None:  # an OscConfig: also listen for OSC (livesamp --osc)
        from ..osc import OscServer
        from ..osc.cli import describe

        server = OscServer(session, osc).start()
        print(describe(server))
    if stage is not None:  # a StageConfig: serve the audience view (livesamp --stage)
        try:
            perf.open_stage(config=stage)
        except OSError as e:
            print(f"livesamp: no stage ({e}); the REPL starts without it; stage() tries again")
    print(BANNER, flush=True)
    prompt = make_prompt(perf.evaluator, history_path=data_dir() / "history")
    try:
        with patch_stdout(raw=True):
            repl_loop(prompt, perf.evaluator)
    finally:
        if server is not None:
            server.stop()
        perf.close()
    print(f"bye. The session log is {perf.log.path}; `livesamp replay {perf.log.path} -o set.wav` "
          "renders it again.")
    return 0
