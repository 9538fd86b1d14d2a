"""`livesamp replay`: a logged performance renders again to the same samples.

The "live" run here schedules with a jittery horizon, as the scheduler thread does against
a running stream (it wakes every ~20 ms and looks a lookahead ahead of wherever the audio
is), and inputs arrive between arbitrary blocks; the replay knows none of that, only the
log, and must still give identical frames."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from livesamp.cli import main
from livesamp.live.evaluate import Evaluator
from livesamp.live.log import SessionLog, read_log
from livesamp.live.replay import bank_specs, replay
from livesamp.live.session import Session

PATTERN_FILE = '''"""two slots from a file"""
d5 << s("drip*4").speed("<1 1.5>")
d6 << s("~ klonk").gain(0.9)
'''


def _jittery_live(tmp_path, inputs, seed=1):
    session = Session()
    log = SessionLog(tmp_path / "live.jsonl")
    log.write("start", sr=session.sr, cps="9/16", blocksize=session.blocksize,
              lookahead_s=session.lookahead_s, banks=bank_specs(session.library), scheduler_frame=0)
    evaluator = Evaluator(session, log, echo=lambda msg: None)
    rng = np.random.default_rng(seed)
    lookahead = int(session.lookahead_s * session.sr)
    out = []

    def play_for(blocks):
        for _ in range(blocks):
            session.advance(session.engine.frame + int(rng.integers(256, lookahead)))
            out.append(session.engine.render(256))

    for text in inputs:
        play_for(int(rng.integers(10, 120)))
        if callable(text):
            text()
        else:
            evaluator.evaluate(text)
    play_for(150)
    log.write("stop", frame=session.engine.frame)
    log.close()
    return np.concatenate(out), log.path


def test_replay_is_bit_identical_to_the_live_frames(tmp_path):
    pattern_file = tmp_path / "two.py"
    pattern_file.write_text(PATTERN_FILE)
    inputs = [
        'd1 << "thud*2 [tss tsk] <klonk plink>"',
        'd2 << s("plink*4").speed("<1 2>").pan(sine)',
        'd1 << "thud [tss"',                                  # errors change nothing
        'd3 << s("big_swoosh").degrade_by(0.5).sometimes(lambda p: p.speed(2))',
        "setcps(0.7)",
        f"load({str(pattern_file)!r})",
        lambda: pattern_file.write_text('d5 << "thud*16"\n'),  # edited after it was loaded
        "solo(d1, d5)",
        'd1 << s("thud(3,8)").room(0.3); d2.stop()',
        "setbpm(120)",
        "unsolo(); mute(3)",
        "hush()",
        'd4 << n("0 .. 3").s("plink").every(2, rev)',
    ]
    live, log_path = _jittery_live(tmp_path, inputs)
    records = [r for r in read_log(log_path) if r["kind"] == "input"]
    assert len(records) == 12 and records[5]["files"] == {str(pattern_file): PATTERN_FILE}
    assert records[5]["changes"] == ["d5 set", "d6 set"]
    result = replay(log_path)
    assert result.mismatches == []
    assert result.audio.shape == live.shape
    assert np.array_equal(result.audio, live)  # bit-identical
    assert np.abs(live).max() > 0.1


def test_replay_command_writes_the_file(tmp_path, capsys):
    live, log_path = _jittery_live(tmp_path, ['d1 << "thud*4"', 'd2 << "tss*8"', "hush()"], seed=2)
    out = tmp_path / "set.wav"
    assert main(["replay", str(log_path), "-o", str(out)]) == 0
    assert "3 inputs replayed" in capsys.readouterr().out
    audio, sr = sf.read(out, dtype="float32")
    assert sr == 48000 and np.array_equal(audio, live)  # 32-bit float WAV: exact


def test_a_torn_last_line_is_skipped(tmp_path):
    path = tmp_path / "torn.jsonl"
    log = SessionLog(path)
    log.write("input", n=1, text='d1 << "thud"', frame=0, cursor="0", ok=True)
    log.close()
    with open(path, "a") as f:
        f.write('{"kind": "input", "n": 2, "te')
    assert [r["n"] for r in read_log(path)] == [1]
    assert Path(path).read_text().count("\n") == 1


def test_a_log_holding_several_sessions_replays_the_last(tmp_path):
    first, log_path = _jittery_live(tmp_path, ['d1 << "thud*4"'], seed=3)
    text = log_path.read_text()
    second, _ = _jittery_live(tmp_path, ['d2 << "tss*8"', "hush()"], seed=4)  # appends
    assert log_path.read_text().startswith(text)
    said = []
    assert np.array_equal(replay(log_path, report=said.append).audio, second)
    assert said == [f"replay: {log_path} holds 2 sessions; replaying the last"]
