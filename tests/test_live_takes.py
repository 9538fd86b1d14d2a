"""Live sampling and recording: resample() from the master output, rec() from an input
device (the JACK dummy server's capture ports, fed by a JACK metronome), the crash-safe
recorder's files."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from livesamp.bank import Provenance
from livesamp.live.recorder import Recorder
from livesamp.live.session import Session
from livesamp.live.takes import Takes
from livesamp.live.tap import TapHub

ROOT = Path(__file__).resolve().parents[1]


def _offline(tmp_path):
    session = Session()
    hub = TapHub()
    session.taps.append(hub.feed)
    takes = Takes(session, hub, folder=tmp_path / "mine", report=lambda msg: None)
    return session, hub, takes


def test_resample_captures_the_next_cycles_and_plays_by_name(tmp_path):
    session, hub, takes = _offline(tmp_path)
    session.play(0, "thud*4 tss")
    session.render_frames(1000)  # mid-cycle: the capture starts at the next cycle
    t0 = time.perf_counter()
    take = takes.resample("loop_a", cycles=1)
    assert time.perf_counter() - t0 < 0.1 and not take.done.is_set()  # did not wait
    live = session.render(2.5)
    assert take.wait(10), take
    assert take.error is None and take.label == "loop_a"
    f0, f1 = session.clock.frame_at(1), session.clock.frame_at(2)
    audio, sr = sf.read(take.path, dtype="float32")
    assert sr == session.sr and len(audio) == f1 - f0
    assert np.abs(audio - live[f0 - 1000:f1 - 1000]).max() <= 2.0 ** -23  # 24-bit FLAC
    side = json.loads(Path(str(take.path) + ".json").read_text())
    prov = Provenance.from_dict(side)
    assert "master output" in prov.source and prov.recorded_at and prov.device
    assert "d1: " in prov.notes
    # playable by name at once, from the performer's bank
    session.play(1, "loop_a")
    assert session.library.get("loop_a").bank == "mine"
    assert np.abs(session.render(1)).max() > 0.05
    # a second take is variant 1; the first stays as it was
    again = takes.resample("loop_a", cycles=1)
    session.render(2.2)
    assert again.wait(10) and again.label == "loop_a:1"
    assert sorted(p.name[:2] for p in (tmp_path / "mine" / "loop_a").glob("*.flac")) == ["00", "01"]


def test_take_names_are_checked(tmp_path):
    session, hub, takes = _offline(tmp_path)
    with pytest.raises(ValueError, match="already a sound of the 'default' bank"):
        takes.resample("thud", cycles=1)
    with pytest.raises(ValueError, match="a word of letters"):
        takes.resample("two words", cycles=1)
    no_tap = Takes(session, None, folder=tmp_path / "mine2")
    with pytest.raises(RuntimeError, match="master output tap"):
        no_tap.resample("loop_b")


def test_rec_without_an_input_device_says_so(tmp_path):
    code = textwrap.dedent(f"""
        import sounddevice as sd
        from livesamp.live.session import Session
        from livesamp.live.takes import Takes
        try:
            sd.query_devices(kind="input")
            print("HAS-INPUT")
        except Exception:
            pass
        takes = Takes(Session(), None, folder={str(tmp_path / 'mine')!r})
        try:
            takes.rec("kettle_hiss", seconds=1)
        except RuntimeError as e:
            print("ERROR:", e)
    """)
    env = {**os.environ, "JACK_DEFAULT_SERVER": "livesamp-no-such-server", "JACK_NO_START_SERVER": "1"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    if "HAS-INPUT" in proc.stdout:
        pytest.skip("this machine has a real input device")
    assert "ERROR: rec() found no audio input device" in proc.stdout, proc.stdout + proc.stderr
    assert "livesamp devices" in proc.stdout and "Traceback" not in proc.stdout


@pytest.fixture(scope="module")
def jack_server():
    """A running JACK server with the dummy driver (started here if none runs; stopped after)."""
    if shutil.which("jackd") is None or shutil.which("jack_metro") is None:
        pytest.skip("needs jackd2 (jackd, jack_metro)")
    if subprocess.run(["jack_lsp"], capture_output=True, timeout=10).returncode == 0:
        yield None
        return
    started = None
    for flags in (["-R"], ["--no-realtime"]):
        started = subprocess.Popen(["jackd", *flags, "-d", "dummy", "-r", "48000", "-p", "256"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.5)
        if started.poll() is None and subprocess.run(["jack_lsp"], capture_output=True).returncode == 0:
            break
        started = None
    if started is None:
        pytest.skip("jackd did not start")
    yield started
    started.terminate()
    started.wait(10)


@pytest.mark.jack
def test_rec_from_jack_capture_ports_plays_by_name(tmp_path, jack_server):
    """rec() records from the JACK dummy server's input, which a JACK metronome feeds (its
    clicks reach our capture port through jack_connect); the take then plays by name."""
    metro = subprocess.Popen(["jack_metro", "-b", "480", "-f", "880", "-D", "20", "-n", "ls_metro"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        code = textwrap.dedent(f"""
            import json, subprocess, time
            import numpy as np
            from livesamp.live.session import Session
            from livesamp.live.takes import Takes
            session = Session()
            takes = Takes(session, None, folder={str(tmp_path / 'mine')!r}, place="the test bench")
            t0 = time.perf_counter()
            take = takes.rec("kettle_hiss", seconds=1.5)
            returned_s = time.perf_counter() - t0
            ours = []
            deadline = time.monotonic() + 5
            while not ours and time.monotonic() < deadline:
                ports = subprocess.run(["jack_lsp"], capture_output=True, text=True).stdout.split()
                ours = [p for p in ports if p.startswith("PortAudio") and ":in" in p]
                time.sleep(0.02)
            for p in ours:
                subprocess.run(["jack_connect", "ls_metro:480_bpm", p])
            assert take.wait(15), take
            session.play(0, "kettle_hiss")
            peak = float(np.abs(session.render(1)).max())
            print(json.dumps({{"returned_s": returned_s, "error": take.error, "path": str(take.path),
                              "label": take.label, "ports": ours, "peak": peak}}))
        """)
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=90)
    finally:
        metro.terminate()
        metro.wait(10)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got["error"] is None and got["label"] == "kettle_hiss" and got["ports"]
    assert got["returned_s"] < 0.5  # rec() does not block the REPL
    audio, sr = sf.read(got["path"], dtype="float32")
    assert sr == 48000 and abs(len(audio) - 1.5 * sr) <= 1
    assert np.abs(audio).max() > 0.05  # the metronome's clicks came through
    prov = Provenance.from_dict(json.loads(Path(got["path"] + ".json").read_text()))
    assert "JACK" in prov.device and prov.place == "the test bench" and prov.recorded_at
    assert got["peak"] > 0.01  # it plays by name


@pytest.mark.parametrize("ext", [".flac", ".wav"])
def test_recorder_file_is_readable_while_it_is_written(tmp_path, ext):
    """What a crash would leave: read the file while the recorder still holds it open."""
    path = tmp_path / f"set{ext}"
    rng = np.random.default_rng(3)
    blocks = [rng.uniform(-0.5, 0.5, (256, 2)).astype(np.float32) for _ in range(400)]
    rec = Recorder(path, 48000, flush_every_s=0.1, start_frame=1000)
    for k, b in enumerate(blocks[:200]):
        rec.feed(1000 + 256 * k, b)
    time.sleep(0.4)
    durable = rec.frames_durable
    assert durable > 0
    audio, sr = sf.read(path, dtype="float32")
    assert len(audio) >= durable and len(audio) <= 200 * 256
    expect = np.concatenate(blocks[:200])[:len(audio)]
    assert np.abs(audio - expect).max() <= (2.0 ** -23 if ext == ".flac" else 0.0)
    # a gap (a tap overrun) is filled with silence so the file keeps the stream's time
    for k, b in enumerate(blocks[210:], start=210):
        rec.feed(1000 + 256 * k, b)
    rec.close()
    audio, _ = sf.read(path, dtype="float32")
    assert len(audio) == 400 * 256 and rec.gaps_frames == 10 * 256
    assert not audio[200 * 256:210 * 256].any()
    assert rec.max_flush_gap_s < 0.5


def test_live_performance_records_and_resamples_from_the_output_tap(tmp_path):
    """The live path: the null output's tap ring, read on our side, feeds the recorder
    (flushed at least every second) and resample()."""
    from livesamp.live.performance import Performance

    said = []
    perf = Performance(backend="null", log_path=tmp_path / "s.jsonl", record=tmp_path / "live.wav",
                       report=said.append, takes_folder=tmp_path / "mine")
    try:
        perf.evaluator.evaluate('d1 << "thud*4 tss"')
        take = perf.namespace["resample"]("loop_live", cycles=0.5)
        assert take.wait(15), take
        time.sleep(0.5)
        rec = perf.recorder
        assert rec.flushes >= 3 and rec.max_flush_gap_s < 1.0
    finally:
        perf.close()
    assert take.error is None, take.error
    audio, _ = sf.read(take.path, dtype="float32")
    assert abs(len(audio) - perf.session.clock.frame_at(0.5)) <= 1 and np.abs(audio).max() > 0.05
    # the take holds the very frames the recording holds, from a cycle's start
    from livesamp.live.log import read_log

    records = read_log(tmp_path / "s.jsonl")
    start = next(r for r in records if r["kind"] == "record")["frame"]
    first, end = take.frames
    cycle = float(perf.session.clock.cycle_at(first))
    assert end - first == len(audio) and abs(cycle - round(cycle)) < 1e-4
    recorded, _ = sf.read(tmp_path / "live.wav", dtype="float32")
    seg = recorded[first - start:first - start + len(audio)]
    assert len(seg) == len(audio) and np.abs(seg - audio).max() <= 2.0 ** -23
    assert any("loop_live is ready" in m for m in said)



@pytest.mark.jack
def test_live_portaudio_tap_equals_the_replay(tmp_path, jack_server):
    """The real callback path: a performance on the JACK dummy server through PortAudio's
    GIL-free callback, recorded from its tap (32-bit float WAV); `replay` of its log gives
    the same frames (bit-identical in our runs; the test allows float rounding, as the
    live kernel runs inside the callback's compiled block function and offline alone)."""
    code = textwrap.dedent(f"""
        import json, time
        from livesamp.live.performance import Performance
        perf = Performance(backend="portaudio", log_path={str(tmp_path / 's.jsonl')!r},
                           record={str(tmp_path / 'live.wav')!r}, report=lambda m: None, lookahead_s=0.3)
        note = perf.audio_note
        for text in ['d1 << "thud*2 [tss tsk]"', 'd2 << s("plink*4").speed("<1 2>")', 'd1 << "thud [tss"',
                     'setcps(0.7)', 'd3 << "big_swoosh"', 'hush()']:
            time.sleep(0.5)
            perf.evaluator.evaluate(text)
        time.sleep(0.8)
        stats = perf.session.engine.stats()
        perf.close()
        print(json.dumps({{"note": note, "late": stats["late"]}}))
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "JACK" in got["note"], got["note"]
    from livesamp.live.log import read_log
    from livesamp.live.replay import replay

    live, _ = sf.read(tmp_path / "live.wav", dtype="float32")
    start = next(r for r in read_log(tmp_path / "s.jsonl") if r["kind"] == "record")["frame"]
    again = replay(tmp_path / "s.jsonl").audio[start:start + len(live)]
    assert len(again) == len(live) and np.abs(live).max() > 0.1
    if got["late"] == 0:  # a starved scheduler would have played notes late, live only
        assert np.abs(again - live).max() <= 1e-6
