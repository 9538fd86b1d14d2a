"""The audience view in a real headless Chromium, driven over the DevTools protocol: a
session with two slots on the null backend, the page opened, watched and photographed.
The code is there, the lit atom walks through the pattern in step with the audio clock,
provenance cards appear for the samples that played, highlights reach the page within
50 ms of the sound's output time; with 16 busy slots the page keeps up (slow test).

LIVESAMP_STAGE_SCREENSHOT=docs/stage.png saves the screenshot (the README's picture)."""
from __future__ import annotations

import json
import os
import statistics
import time

import numpy as np
import pytest

from cdp import CHROMIUM, Chromium, process_cpu_s
from livesamp.live.evaluate import Evaluator
from livesamp.live.session import Session
from livesamp.live.stage import Stage, StageConfig
from pngread import read_png

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs chromium (apt-get install -y chromium)")

HIGHLIGHT = np.array([0xFF, 0xD2, 0x4A])     # --hl in stage.css


def _p95(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(0.95 * len(xs)))]


def _stage(lines, cps=1.0):
    session = Session(report=lambda m: None)
    session.setcps(cps)
    session.start(backend="null")
    ev = Evaluator(session, None, echo=lambda m: None)
    stage = Stage(session, StageConfig(port=0), evaluator=ev).start()
    for line in lines:
        ev.evaluate(line)
    return session, stage


def test_the_page_shows_the_code_lights_it_in_step_and_says_where_sounds_came_from(tmp_path):
    session, stage = _stage(['"<img src=x onerror=alert(1)>"',                # shown as text, never markup
                             'd1 << "thud tss tsk tss"', 'd2 << s("big_swoosh(3,8)").gain(0.9)',
                             'd3 << "thud [tss"'])     # a typo, shown calmly in the console
    try:
        with Chromium(1280, 720) as page:
            page.navigate(stage.url)
            page.wait_for("window.__stage && __stage.connected && __stage.lit.length > 2")
            code = page.evaluate("[...document.querySelectorAll('.slot')].map(r => "
                                 "[r.dataset.slot, r.querySelector('.code').textContent])")
            assert code == [["d1", '"thud tss tsk tss"'], ["d2", 's("big_swoosh(3,8)").gain(0.9)']]
            assert page.evaluate("[...document.querySelectorAll('.slot[data-slot=d1] .atom')]"
                                 ".map(a => a.textContent)") == ["thud", "tss", "tsk", "tss"]
            # which d1 atom is lit, sampled in the page every 20 ms for 2.6 s (~10 steps)
            samples = page.evaluate("""new Promise(done => {
                const out = [], t0 = Date.now();
                const atoms = [...document.querySelectorAll('.slot[data-slot=d1] .atom')];
                const tick = () => {
                    out.push([Date.now() / 1000, atoms.findIndex(a => a.classList.contains('on'))]);
                    if (Date.now() - t0 < 2600) setTimeout(tick, 20); else done(out);
                };
                tick();
            })""")
            seq = [i for k, (_, i) in enumerate(samples) if i >= 0 and (k == 0 or samples[k - 1][1] != i)]
            assert len(seq) >= 8
            assert all((b - a) % 4 == 1 for a, b in zip(seq, seq[1:])), seq   # walks the pattern
            stats = page.evaluate("JSON.stringify(__stage)")
            shot = page.screenshot()
            for _ in range(5):         # a picture with a lit atom in it
                img = read_png_bytes(shot, tmp_path)
                if (np.abs(img[:, :, :3].astype(int) - HIGHLIGHT).max(axis=2) < 12).sum() > 200:
                    break
                time.sleep(0.1)
                shot = page.screenshot()
            cards = page.evaluate("[...document.querySelectorAll('.card')].map(c => c.innerText)")
            console = page.evaluate("[...document.querySelectorAll('#console .line')].map(l => l.innerText)")
            assert page.evaluate("document.querySelectorAll('img').length") == 0
            assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(16, 18, 22)"
            page.navigate(stage.url + "?transparent=1")
            page.wait_for("window.__stage && __stage.connected")
            assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgba(0, 0, 0, 0)"
    finally:
        stage.stop()
        session.stop()
    stats = json.loads(stats)
    # in step: each lit atom is the step of the cycle its sound has, lit a quarter cycle (0.25 s
    # at 1 cps) after the one before, at the sound's output time
    lit_d1 = [(int(a), at, shown, cycle) for slot, _v, a, at, shown, cycle in stats["lit"] if slot == "d1"]
    assert len(lit_d1) >= 8
    assert all(atom == round(cycle * 4) % 4 for atom, _, _, cycle in lit_d1), lit_d1
    gaps = [b[2] - a[2] for a, b in zip(lit_d1, lit_d1[1:]) if round((b[3] - a[3]) * 4) == 1]
    assert len(gaps) >= 6 and abs(statistics.median(gaps) - 0.25) < 0.01, gaps
    # cards for what played, with its provenance
    played = {"thud", "tss", "tsk", "big_swoosh"}      # (the cards take turns: each stays 3 s)
    assert len(cards) >= 2 and all(c.split("\n")[0] in played for c in cards), cards
    assert len({name for _k, name, _t in stats["cardsShown"]} & played) >= 3
    assert all("synthesised by livesamp's default bank" in c and "CC0-1.0" in c for c in cards)
    assert console[-1].startswith('d3 << "thud [tss"') and "mini-notation" in console[-1]
    assert console[0] == '"<img src=x onerror=alert(1)>"'
    # latency: the animation frame that lights an atom is within 50 ms of the sound's output time
    # (it may be up to 8 ms early: the frame nearest the output time)
    # (a machine so starved that the output itself skipped more than twice has no steady output
    # time to measure against: then the numbers are only reported)
    lat = stats["lat"]
    xruns = session.engine.stats()["xruns"]
    assert len(lat) >= 10 and -0.01 < min(lat) and max(lat) < 0.25, (lat, xruns)
    if xruns <= 2:
        assert _p95(lat) < 0.05 and max(lat) < 0.1, (lat, xruns)
    print(f"\nhighlight frame {1000 * statistics.median(lat):+.1f} ms (median), {1000 * _p95(lat):+.1f} ms (p95), "
          f"{1000 * max(lat):+.1f} ms (max) from output time; hits received "
          f"{1000 * statistics.median(stats['arrive']):+.1f} ms (median) from output time; messages {stats['msgs']}; "
          f"xruns {xruns} (clock re-measured {stage.hub.clock_resets} times)")
    img = read_png_bytes(shot, tmp_path)
    assert img.shape[:2] == (720, 1280)
    assert (np.abs(img[:, :, :3].astype(int) - HIGHLIGHT).max(axis=2) < 12).sum() > 200   # a lit atom
    out = os.environ.get("LIVESAMP_STAGE_SCREENSHOT")
    if out:
        with open(out, "wb") as f:
            f.write(shot)


def read_png_bytes(data: bytes, tmp_path) -> np.ndarray:
    path = tmp_path / "shot.png"
    path.write_bytes(data)
    return read_png(path)


@pytest.mark.slow
def test_sixteen_busy_slots_keep_the_page_responsive():
    names = ["thud", "tss", "tsk", "tick", "knock", "clap", "plink", "drip", "zap", "bloop",
             "boing", "ping", "pluck", "chirp", "klonk", "shaka"]
    lines = [f'd{k + 1} << s("{name}*8").gain(0.7)' if k % 2 else f'd{k + 1} << s("[{name} ~ {name}]*4")'
             for k, name in enumerate(names)]
    session, stage = _stage(lines)
    window_s = 10.0
    stage.hub.leads_ms.clear()
    try:
        with Chromium(1280, 720) as page:
            page.navigate(stage.url)
            page.wait_for("window.__stage && __stage.connected && __stage.lit.length > 16")
            assert page.evaluate("document.querySelectorAll('.slot').length") == 16
            before = page.evaluate("JSON.stringify({m: __stage.msgs, b: __stage.bytes, f: __stage.frames, "
                                   "n: __stage.lat.length})")
            cpu0, t0 = process_cpu_s(page.pids()), time.monotonic()
            rtts = []
            while time.monotonic() - t0 < window_s:
                a = time.perf_counter()
                page.evaluate("1")
                rtts.append(time.perf_counter() - a)
                time.sleep(0.2)
            wall = time.monotonic() - t0
            cpu = process_cpu_s(page.pids()) - cpu0
            after = json.loads(page.evaluate("JSON.stringify({m: __stage.msgs, b: __stage.bytes, "
                                             "f: __stage.frames, n: __stage.lat.length, lat: __stage.lat})"))
        xruns = session.engine.stats()["xruns"]
    finally:
        stage.stop()
        session.stop()
    before = json.loads(before)
    rate = {k: (after["m"][k] - before["m"].get(k, 0)) / wall for k in after["m"]}
    hits_per_s = (after["n"] - before["n"]) / wall
    fps = (after["f"] - before["f"]) / wall
    kbps = (after["b"] - before["b"]) / wall / 1000
    lat = after["lat"][-(after["n"] - before["n"]):]
    print(f"\n16 slots: {sum(rate.values()):.0f} messages/s ({', '.join(f'{k} {v:.1f}' for k, v in rate.items())}), "
          f"{hits_per_s:.0f} highlights/s, {kbps:.1f} kB/s; page {fps:.0f} frames/s, browser CPU "
          f"{100 * cpu / wall:.0f}% of one core; DevTools round trip median {1000 * statistics.median(rtts):.1f} ms, "
          f"max {1000 * max(rtts):.1f} ms; highlight after output time p95 {1000 * _p95(lat):.1f} ms, "
          f"max {1000 * max(lat):.1f} ms (median {1000 * statistics.median(lat):.1f} ms); hits left the server "
          f"{statistics.median(stage.hub.leads_ms):.0f} ms before output time (median), "
          f"{-min(stage.hub.leads_ms):.0f} ms after at worst; stage dropped {stage.hub.dropped_clients} pages, "
          f"{stage.hub.dropped_hits} hits; xruns {xruns}")
    assert hits_per_s > 100 and (_p95(lat) < 0.05 or xruns > 2)
    assert statistics.median(rtts) < 0.1 and fps > 20
    assert stage.hub.dropped_clients == 0
