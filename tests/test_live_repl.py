"""The performer's REPL driven through a real prompt_toolkit Application fed by a pipe:
typing patterns, typos, unknown names, completion, solo, mute, hush; the audio is tapped
(the offline engine renders between inputs, as the stream would) to prove that the last
good pattern played on through every error."""
from __future__ import annotations

import json
import threading
import time

import numpy as np
import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from livesamp.live.editing import PerformerCompleter, PerformerLexer
from livesamp.live.evaluate import Evaluator, describe_error, is_complete
from livesamp.live.log import SessionLog, read_log
from livesamp.live.prelude import performer_namespace
from livesamp.live.repl import make_prompt, repl_loop, status_text
from livesamp.live.replay import bank_specs, replay
from livesamp.live.session import Session

SEGMENT = 24000  # frames rendered after each input (0.5 s at 48 kHz)


def _peak(x: np.ndarray) -> float:
    return float(np.abs(x).max()) if len(x) else 0.0


def _perform(tmp_path, keys: str):
    """Type `keys` into a real PromptSession over a pipe; after each evaluated input the
    engine renders SEGMENT frames. Returns (records, segments, echoed, session, log path)."""
    session = Session()
    log = SessionLog(tmp_path / "session.jsonl")
    log.write("start", sr=session.sr, cps="9/16", blocksize=session.blocksize,
              lookahead_s=session.lookahead_s, banks=bank_specs(session.library), scheduler_frame=None)
    segments, echoed = [], []
    lead_in = session.render_frames(SEGMENT)  # the stream runs before the first input

    def tap(record):
        segments.append(session.render_frames(SEGMENT))

    evaluator = Evaluator(session, log, echo=echoed.append, listeners=[tap])
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        prompt = make_prompt(evaluator, input=pipe, output=DummyOutput(), refresh_s=None)
        chunks = [keys] if isinstance(keys, str) else list(keys)

        def typist():  # a performer: types a chunk once the previous input was evaluated
            sent = 0
            for chunk in chunks:
                deadline = time.monotonic() + 20
                while evaluator.count < sent and time.monotonic() < deadline:
                    time.sleep(0.01)
                time.sleep(0.1)
                pipe.send_text(chunk)
                sent += chunk.endswith("\r")

        feeder = threading.Thread(target=typist, daemon=True)
        feeder.start()
        repl_loop(prompt, evaluator)
        feeder.join()
    log.write("stop", frame=session.engine.frame)
    log.close()
    records = [r for r in read_log(log.path) if r["kind"] == "input"]
    return records, [lead_in, *segments], echoed, session, log.path


def test_typing_through_errors_keeps_the_last_good_pattern(tmp_path):
    keys = [
        'd1 << "[thud tss]*4"\r',
        'd1 << "thud [tss"\r',                  # mini-notation syntax error
        'd1 << "thud big_swosh"\r',             # unknown sample
        'd1 << s("thud").sepeed(2)\r',          # unknown method
        'd1 << s("thud").speed("fast")\r',      # wrong argument
        'd1 <<\r',                              # Python syntax error
        'd1 << bogus\r',                        # unknown name
        'd2 << "plink*8"\r',
        'solo(d2)\r',
        'unsolo()\r',
        'mute(1)\r',
        'd3 << "big_sw', '\t', '"\r',           # Tab completes the sample name
        'hush()\r',
        '\x04',                                 # Ctrl-D: quit
    ]
    records, segments, echoed, session, log_path = _perform(tmp_path, keys)
    texts = [r["text"] for r in records]
    assert texts == ['d1 << "[thud tss]*4"', 'd1 << "thud [tss"', 'd1 << "thud big_swosh"',
                     'd1 << s("thud").sepeed(2)', 'd1 << s("thud").speed("fast")', "d1 <<",
                     "d1 << bogus", 'd2 << "plink*8"', "solo(d2)", "unsolo()", "mute(1)",
                     'd3 << "big_swoosh"', "hush()"]
    assert [r["ok"] for r in records] == [True] + [False] * 6 + [True] * 6
    out = "\n".join(echoed)
    # each error says what and where, briefly
    assert "expected ']'" in out and '  d1 << "thud [tss"\n                  ^' in out
    assert "unknown sample 'big_swosh' (did you mean big_swoosh?)" in out
    assert "no attribute 'sepeed'. Did you mean: 'speed'?" in out
    assert "control 'speed' expects a number, got 'fast'" in out
    assert "SyntaxError: invalid syntax" in out
    assert "name 'bogus' is not defined" in out
    assert "Traceback" not in out
    assert [r["changes"] for r in records] == [
        ["d1 set"], [], [], [], [], [], [], ["d2 set"], ["d2 solo"], ["unsolo"], ["d1 mute"],
        ["d3 set"], ["hush"]]

    # the audio: silence before the first input, then d1 through every error
    assert _peak(segments[0]) == 0.0
    for k in range(1, 8):
        assert _peak(segments[k]) > 0.05, (k, texts[k - 1])
    # an error changes nothing: the performance without the failed inputs sounds the same
    good = tmp_path / "good.jsonl"
    good.write_text("".join(line for line in log_path.read_text().splitlines(keepends=True)
                            if '"ok": false' not in line))
    live = np.concatenate(segments)
    again = replay(good).audio
    assert again.shape == live.shape
    assert np.array_equal(again, live)
    # hush: no new sound, the tails fade (big_swoosh is long)
    assert _peak(segments[-1][-2400:]) < 1e-3
    assert session.slots.active() == []


def test_solo_and_mute_select_what_sounds(tmp_path):
    """solo(d2) sounds as stopping d1 would, from the same cycle; unsolo() as starting d1
    again; mute/unmute likewise: the live audio equals a replay of the log with those
    inputs rewritten so."""
    keys = 'd1 << "thud*4"\rd2 << "tss*8"\rsolo(d2)\runsolo()\rmute(d2)\runmute()\rhush()\r\x04'
    records, segments, _, _, log_path = _perform(tmp_path, keys)
    assert all(r["ok"] for r in records)
    live = np.concatenate(segments)
    for k in (1, 2, 3, 4, 5, 6):
        assert _peak(segments[k]) > 0.05
    rewrite = {"solo(d2)": "d1.stop()", "unsolo()": 'd1 << "thud*4"', "mute(d2)": "d2.stop()",
               "unmute()": 'd2 << "tss*8"'}
    text = log_path.read_text()
    for old, new in rewrite.items():
        text = text.replace(f'"text": "{old}"', '"text": ' + json.dumps(new))
    same = tmp_path / "same.jsonl"
    same.write_text(text)
    assert np.array_equal(replay(same).audio, live)
    # and the rewrite is not vacuous: without the solo, d1 would have sounded on
    without = tmp_path / "without.jsonl"
    without.write_text(text.replace('"text": "d1.stop()"', '"text": "None"'))
    assert not np.array_equal(replay(without).audio, live)


def test_multiline_block_and_exit(tmp_path):
    keys = ["for k in range(2):\r" + "print(k)\r" + "\r", 'd2 << "tss"\r', "d2 << silence\r",
            'd1 << "thud"\r', "\x04", 'd3 << "tss"\r', "exit()\r", 'd2 << "tss"\r']
    records, segments, echoed, session, _ = _perform(tmp_path, keys)
    assert records[0]["text"].startswith("for k in range(2):\n    print(k)")
    assert records[0]["ok"]
    assert [r["text"] for r in records][1:] == ['d2 << "tss"', "d2 << silence", 'd1 << "thud"',
                                                'd3 << "tss"', "exit()"]
    assert records[2]["changes"] == ["d2 stopped"]
    # a lone Ctrl-D while slots play only asks; exit() ends the loop
    assert "d1 still playing: Ctrl-D again to quit (hush() stops them)" in echoed
    assert session.slots[1].pattern is None and session.slots.active() == ["d1", "d3"]


def test_is_complete():
    assert is_complete('d1 << "thud"')
    assert not is_complete("for i in range(3):")
    assert not is_complete("for i in range(3):\n    d1 << 'thud'")
    assert is_complete("for i in range(3):\n    d1 << 'thud'\n")
    assert not is_complete("x = (1,")
    assert is_complete('d1 << "thud [')  # a broken string: evaluate, say why


def test_describe_error_moves_the_caret_into_the_input():
    from livesamp.pattern.mini import MiniSyntaxError, mini

    with pytest.raises(MiniSyntaxError) as e:
        mini("thud*2 [tss")
    msg = describe_error(e.value, 'd1 << s("thud*2 [tss").fast(2)')
    lines = msg.splitlines()
    assert lines[1] == '  d1 << s("thud*2 [tss").fast(2)'
    assert lines[2].index("^") == lines[1].index('").fast')


def test_highlighting_marks_unknown_samples_only_where_they_are_sample_names():
    lexer = PerformerLexer(lambda: ["thud", "tss"])
    line = lexer.lex_document(Document('d1 << "thud*2 [tss tzz] ~"'))(0)
    styles = {text: style for style, text in line}
    assert styles["thud"] == "class:mini.sample" and styles["tzz"] == "class:mini.unknown"
    assert styles["*"] == "class:mini.op" and styles["2"] == "class:mini.number"
    assert styles["~"] == "class:mini.rest" and styles["["] == "class:mini.bracket"
    assert styles["d1"].startswith("class:pygments")
    other = lexer.lex_document(Document('load("patterns/x.py")'))(0)
    assert "class:mini.unknown" not in [s for s, _ in other]


def test_completion_names_signatures_and_samples():
    session = Session()
    ns = performer_namespace(session)
    completer = PerformerCompleter(ns, session.library.names)

    def complete(text):
        from prompt_toolkit.completion import CompleteEvent

        return {c.text: c.display_meta_text for c in
                completer.get_completions(Document(text), CompleteEvent(completion_requested=True))}

    got = complete('d1 << "big_')
    assert "big_swoosh" in got and all(name.startswith("big_") for name in got)
    got = complete("d1 << s('thud').spe")
    assert "speed" in got
    got = complete("d1 << s('thud').every(3, fa")
    assert "fast" in got and "(" in got["fast"]
    got = complete("hu")
    assert "hush" in got and "Stop every slot" in got["hush"]
    got = complete("d1 << s('thud').cuto")
    assert "cutoff" in got
    assert "control" in complete("cuto")["cutoff"] and "Hz" in complete("cuto")["cutoff"]


def test_status_bar_reports_the_engine():
    session = Session()
    session.play(0, "thud*4")
    session.render_frames(48000)
    text = "".join(t for _, t in status_text(session))
    assert "cycle" in text and "0.5625 cps" in text and "135.0 bpm" in text
    assert "d1" in text and "voices" in text and "xruns 0" in text and "peak" in text


FLAKY = """def flaky_after(cycle):
    def query(state):
        if state.span.begin >= cycle:
            raise ZeroDivisionError("flaky")
        return s("tss*8").query(state)
    return Pattern(query)
"""


def test_a_pattern_failing_later_goes_back_to_what_it_replaced(tmp_path):
    """It passes the check at evaluation, plays, then raises while being scheduled: that
    slot alone goes back to its previous pattern, the performer is told once, the others
    play on."""
    session = Session()
    reports = []
    session.report = reports.append
    evaluator = Evaluator(session, echo=reports.append)
    evaluator.evaluate('d1 << "thud*4"')
    evaluator.evaluate('d2 << "[plink klonk]*2"')
    before = session.slots[1].pattern
    session.render(1)
    evaluator.evaluate(FLAKY)
    evaluator.evaluate("d2 << flaky_after(session.scheduler.cursor + 1)")
    assert session.slots[1].pattern is not None and not reports
    for _ in range(6):
        audio = session.render(0.5)
        assert np.abs(audio).max() > 0.05
    assert reports.count("d2: back to the pattern it replaced") == 1, reports
    assert sum("ZeroDivisionError: flaky" in r for r in reports) == 1
    assert session.slots[1].pattern is before and session.slots[0].pattern is not None
    assert session.slots.active() == ["d1", "d2"]


def test_every_pattern_book_set_loads_in_the_repl(tmp_path):
    """load("patterns/NAME.py") at the prompt: it runs, sets slots, and the log keeps the
    file's text (so a replay plays what was loaded)."""
    from pathlib import Path

    book = sorted((Path(__file__).resolve().parents[1] / "patterns").glob("*.py"))
    assert len(book) >= 10
    session = Session()
    log = SessionLog(tmp_path / "book.jsonl")
    evaluator = Evaluator(session, log, echo=lambda msg: None)
    for path in book:
        evaluator.evaluate("hush()")
        record = evaluator.evaluate(f"load({str(path)!r})")
        assert record["ok"], (path.name, record["error"])
        assert any(c.endswith(" set") for c in record["changes"]), path.name
        assert read_log(log.path)[-1]["files"] == {str(path): path.read_text()}


def test_an_error_in_a_loaded_file_names_the_file_and_line(tmp_path):
    bad = tmp_path / "bad_set.py"
    bad.write_text('"""a set with a mistake"""\nd1 << "thud*2"\nd2 << s("tss").speeed(2)\n')
    session = Session()
    said = []
    record = Evaluator(session, echo=said.append).evaluate(f"load({str(bad)!r})")
    assert not record["ok"] and record["changes"] == ["d1 set"]  # what ran before stands
    assert said == [f"AttributeError: 'Pattern' object has no attribute 'speeed'. Did you mean: "
                    f"'speed'? ({bad}, line 3)"]
