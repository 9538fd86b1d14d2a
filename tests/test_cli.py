"""The command line as a newcomer uses it: render to a file, errors without tracebacks,
and `import livesamp` with no side effects."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np
import soundfile as sf


def _run(*args, env=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "livesamp", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def test_render_bare_mini_notation_to_wav(tmp_path):
    out = tmp_path / "set.wav"
    proc = _run("render", "thud*2 [tss tsk]", "--cycles", "2", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    audio, sr = sf.read(out, dtype="float32")
    assert sr == 48000 and audio.shape[1] == 2
    assert len(audio) == round(2 / 0.5625 * 48000) + round(0.5 * 48000)
    assert np.abs(audio).max() > 0.01
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".livesamp-")]


def test_render_python_expression(tmp_path):
    out = tmp_path / "x.flac"
    proc = _run("render", 's("plink*4").speed("<1 2>").every(2, rev)', "--cycles", "1", "-o", str(out),
                "--tail", "0")
    assert proc.returncode == 0, proc.stderr
    audio, sr = sf.read(out)
    assert len(audio) == round(1 / 0.5625 * 48000)


def test_bad_pattern_gives_one_clear_line(tmp_path):
    proc = _run("render", "thud [tss", "-o", str(tmp_path / "no.wav"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "^" in proc.stderr or "expected" in proc.stderr
    assert not (tmp_path / "no.wav").exists()
    proc = _run("render", "thud big_swosh", "-o", str(tmp_path / "no.wav"))
    assert proc.returncode == 2 and "big_swoosh" in proc.stderr and "Traceback" not in proc.stderr


def test_import_has_no_side_effects():
    code = ("import sys, threading; import livesamp; "
            "assert threading.active_count() == 1, threading.enumerate(); "
            "bad = [m for m in ('sounddevice', 'numba', 'soundfile') if m in sys.modules]; "
            "assert not bad, bad; print(len(livesamp.__all__))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "LIVESAMP_DATA_DIR": "/nonexistent/livesamp-test"})
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout) > 150
    assert not os.path.exists("/nonexistent/livesamp-test")


def test_a_first_run_says_it_compiles_and_how_long_it_takes(tmp_path, monkeypatch):
    import io

    from livesamp.engine.jitcache import engine_cached, first_run_notice

    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))       # an empty numba cache
    assert not engine_cached()
    out = io.StringIO()
    with first_run_notice(out, every=0.05):
        time.sleep(0.3)
    lines = out.getvalue().splitlines()
    assert "first run: compiling the audio engine" in lines[0]
    assert any("still compiling" in line for line in lines[1:-1])
    assert "engine compiled and cached" in lines[-1]
    cached = tmp_path / "engine_x" / "render.render_block-221.py311.nbi"
    cached.parent.mkdir()
    cached.write_bytes(b"")
    assert engine_cached()
    out = io.StringIO()
    with first_run_notice(out, every=0.05):
        time.sleep(0.1)
    assert out.getvalue() == ""
