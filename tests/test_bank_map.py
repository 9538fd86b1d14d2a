"""The sound map: PCA layout, a self-contained page, and a real screenshot in headless Chromium."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from bank_fixtures import KINDS, make
from livesamp.bank import IndexedBank
from livesamp.bank.descriptors import describe
from livesamp.bank.importer import plan_import
from livesamp.bank.ingest import commit_import
from livesamp.bank.index import LibraryIndex
from livesamp.bank.soundmap import (
    DOT_RADIUS, HEIGHT, REVOKED_COLOUR, WIDTH, MapPoint, family_colour, layout, render_html,
)
from livesamp.cli import main
from pngread import read_png

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CIRCLE = re.compile(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="(\d+)" fill="(#[0-9a-f]{6})"><title>([^<]*)</title>')


def points(kinds, seeds):
    return [MapPoint(f"{KINDS[k][1]}:{s}", "test", describe(*make(k, s)), "recording", False)
            for k in kinds for s in seeds]


def test_layout_keeps_different_sounds_apart_and_stays_in_the_plot():
    pts = points(["bright_tone", "click_train"], range(6))
    dots = layout(pts)
    tones, clicks = [d.x for d in dots[:6]], [d.x for d in dots[6:]]
    assert max(tones) < min(clicks) or max(clicks) < min(tones)  # the first component splits them
    assert all(0 < d.x < WIDTH and 0 < d.y < HEIGHT for d in dots)
    assert dots[0].colour == family_colour("ping") and dots[-1].colour == family_colour("crackle")
    one = layout(pts[:1])
    assert one[0].x == pytest.approx(one[0].x) and np.isfinite([one[0].x, one[0].y]).all()
    same = layout([pts[0], pts[0]])
    assert same[0] == same[1] and np.isfinite([same[0].x, same[0].y]).all()
    assert layout([]) == []


def test_page_is_self_contained_and_escapes_what_it_shows():
    d = describe(make("thump", 0)[0], 48000)
    page = render_html([MapPoint("door:0", "b&b", d, "by <Ann> & Bo", True), MapPoint("thud:0", "x", d, "ok")])
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page and "by &lt;Ann&gt; &amp; Bo" in page and "b&amp;b" in page
    assert f'fill="{REVOKED_COLOUR}"' in page and "REVOKED: out of play" in page
    assert family_colour("rain") == family_colour("rain") and family_colour("rain").startswith("#")


@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium (apt-get install -y chromium)")
def test_map_opens_in_headless_chromium_and_draws_every_sound(tmp_path, monkeypatch):
    monkeypatch.setenv("LIVESAMP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LIVESAMP_CONFIG", str(tmp_path / "absent.toml"))
    src = tmp_path / "walk"
    src.mkdir()
    import soundfile as sf
    for kind in KINDS:
        for s in range(3):
            x, sr = make(kind, s)
            sf.write(src / f"{kind}{s}.wav", x, sr)
    bank_dir = tmp_path / "data" / "banks" / "walk"
    commit_import(plan_import(src, bank_dir, "walk"), author="Ann", index=LibraryIndex())
    bank = IndexedBank(bank_dir)
    bank.revoke(bank.names()[0], 0, "test")
    out = tmp_path / "map.html"
    assert main(["samples", "map", "-o", str(out), "--bank", "walk"]) == 0
    page = out.read_text()
    circles = [(float(x), float(y), int(r), fill, title) for x, y, r, fill, title in CIRCLE.findall(page)]
    assert len(circles) == 18 and sum(bank.count(n) for n in bank.names()) == 18
    assert all("recording" in c[4] and "by Ann" in c[4] for c in circles)
    assert sum(c[3] == REVOKED_COLOUR for c in circles) == 1
    shot = tmp_path / "map.png"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--hide-scrollbars", "--force-device-scale-factor=1", f"--user-data-dir={tmp_path / 'profile'}",
                    f"--window-size={WIDTH},{HEIGHT}", f"--screenshot={shot}", out.as_uri()],
                   check=True, capture_output=True, timeout=120)
    img = read_png(shot).astype(int)
    assert img.shape[:2] == (HEIGHT, WIDTH)
    seen = set()
    for x, y, r, _fill, _ in circles:
        top = [c for c in circles if (c[0] - x) ** 2 + (c[1] - y) ** 2 < (DOT_RADIUS - 1.5) ** 2][-1]
        want = np.array([int(top[3][i:i + 2], 16) for i in (1, 3, 5)])
        got = img[int(y), int(x), :3]
        assert np.abs(got - want).max() <= 8, (x, y, got, want)
        seen.add(top[3])
    assert len(seen - {REVOKED_COLOUR}) >= 6  # every family's colour is on screen
    white = (img[:, :, :3] == 255).all(axis=2).mean()
    assert 0.5 < white < 0.99  # a page, not a blank or a black screen
