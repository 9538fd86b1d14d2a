"""Outputs without a sound card: the null output, the PortAudio fallback message,
device listing, warm-up, and the kernel-cache guard."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import livesamp.io as lio
from livesamp.engine import Engine, trigger_rows
from livesamp.io import NullOutput, open_output
from livesamp.io import portaudio as pa


def test_null_output_keeps_real_time_and_taps_what_it_renders():
    eng = Engine(block=256)
    sid = eng.add_sample(np.sin(np.arange(20000) * 0.03).astype(np.float32) * 0.3)
    rows = trigger_rows(5, frame=2400 + np.arange(5) * 4000, sample=sid, cutoff=[0, 900] * 2 + [0])
    eng.push(rows)
    with NullOutput(eng, blocksize=256, tap_seconds=5) as out:
        t0 = time.monotonic()
        time.sleep(0.6)
        out.stop()
        dt = time.monotonic() - t0
        first, end = out.tap_span()
        live = out.read_tap(first, end - first)
    frames = eng.frame
    assert abs(frames / 48000 - dt) < 0.15, (frames, dt)
    off = Engine(block=256)
    off.add_sample(np.sin(np.arange(20000) * 0.03).astype(np.float32) * 0.3)
    off.push(rows)
    assert np.array_equal(live, off.render(end))
    s = eng.stats()
    assert s["callbacks"] == frames // 256 and 0 < s["callback_load"] < 1


def test_tap_refuses_frames_it_does_not_hold():
    eng = Engine()
    with NullOutput(eng, tap_seconds=0.1) as out:
        time.sleep(0.3)
        out.stop()
        with pytest.raises(lio.TapUnavailable, match="not in the tap"):
            out.read_tap(0, 10)
    no_tap = NullOutput(Engine())
    with pytest.raises(lio.TapUnavailable, match="tap_seconds"):
        no_tap.read_tap(0, 1)


def test_auto_falls_back_to_null_with_one_clear_paragraph(monkeypatch):
    def missing():
        raise pa.AudioUnavailable(f"PortAudio is not installed (library not found). "
                                  f"{pa.INSTALL_HINT}")
    monkeypatch.setattr(pa, "import_sounddevice", missing)
    said = []
    out = open_output(Engine(), "auto", on_message=said.append)
    assert isinstance(out, NullOutput)
    assert len(said) == 1 and "\n" not in said[0]
    assert "apt-get install libportaudio2" in said[0] and "brew install portaudio" in said[0]
    assert "Offline rendering" in said[0]
    with pytest.raises(pa.AudioUnavailable, match="libportaudio2"):
        open_output(Engine(), "portaudio")


def test_device_listing_never_raises(monkeypatch):
    from livesamp.io import devices
    text = devices.format_devices()
    assert isinstance(text, str) and text
    monkeypatch.setattr(devices, "import_sounddevice",
                        lambda: (_ for _ in ()).throw(pa.AudioUnavailable("no PortAudio")))
    assert "no PortAudio" in devices.format_devices()


def test_live_output_refuses_an_unprotected_engine():
    with pytest.raises(ValueError, match="limiter"):
        pa.LiveOutput(Engine(protect=False))


def test_import_has_no_side_effects():
    code = textwrap.dedent("""
        import sys
        import livesamp, livesamp.engine, livesamp.io
        assert "sounddevice" not in sys.modules, "sounddevice imported"
        assert "livesamp.io._callback" not in sys.modules, "cfunc compiled at import"
        import threading
        assert threading.active_count() == 1
        print("ok")
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.stdout.strip() == "ok", r.stderr


def test_warm_up_reports_warm_after_a_first_run():
    lio.warm_up()
    res = lio.warm_up()
    assert res["state"] == "warm" and res["total_s"] < 5


def test_cache_guard_clears_stale_kernels(tmp_path):
    from livesamp.engine import jitcache

    class FakeCache:
        _cache_path = str(tmp_path)

    class FakeDispatcher:
        _cache = FakeCache()

    (tmp_path / "render.render_block-1.py311.nbi").write_text("old")
    (tmp_path / "render.render_block-1.py311.1.nbc").write_text("old")
    jitcache.ensure_fresh(FakeDispatcher())
    assert not list(tmp_path.glob("*.nb?"))
    stamp = (tmp_path / "livesamp-kernels.stamp").read_text().strip()
    assert stamp == jitcache.kernel_digest()
    (tmp_path / "x.nbi").write_text("fresh")
    jitcache.ensure_fresh(FakeDispatcher())      # same sources: the cache stays
    assert (tmp_path / "x.nbi").exists()
