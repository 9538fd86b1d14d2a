"""The pattern book: every set in patterns/ loads, renders (non-silent, finite, under the
ceiling) and matches its snapshot of four cycles of haps.

Regenerate the snapshots after an intended change with
`LIVESAMP_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_pattern_book.py`.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from livesamp.live.prelude import load_file
from livesamp.live.session import Session

ROOT = Path(__file__).resolve().parents[1]
BOOK = sorted((ROOT / "patterns").glob("*.py"))
SNAPSHOTS = Path(__file__).parent / "snapshots" / "patterns.json"


def _haps(session) -> list:
    out = []
    for slot in session.slots._slots:
        if slot.pattern is None:
            continue
        for h in slot.pattern.query_arc(0, 4):
            if h.has_onset():
                value = {k: (round(v, 9) if isinstance(v, float) else v) for k, v in sorted(h.value.items())}
                out.append([slot.name, str(h.whole.begin), str(h.whole.end), value])
    return sorted(out, key=lambda r: (r[0], r[1], json.dumps(r[3], sort_keys=True)))


def test_book_has_ten_sets_with_prose_headers():
    assert len(BOOK) >= 10
    for path in BOOK:
        text = path.read_text()
        assert text.startswith('"""'), f"{path.name} needs a prose header"
        assert len(text.split('"""')[1].split()) >= 12, f"{path.name}: header too short"


@pytest.mark.parametrize("path", BOOK, ids=[p.stem for p in BOOK])
def test_set_renders_and_matches_snapshot(path):
    session = Session()
    load_file(session, path)
    audio = session.render(2)
    assert np.isfinite(audio).all()
    assert np.abs(audio).max() > 0.01, "the set is silent"
    assert np.abs(audio).max() <= 10 ** (-0.3 / 20) + 1e-6
    haps = _haps(session)
    snaps = json.loads(SNAPSHOTS.read_text()) if SNAPSHOTS.exists() else {}
    if os.environ.get("LIVESAMP_UPDATE_SNAPSHOTS"):
        snaps[path.stem] = haps
        SNAPSHOTS.write_text(json.dumps(snaps, indent=0, sort_keys=True))
    assert path.stem in snaps, "no snapshot: run with LIVESAMP_UPDATE_SNAPSHOTS=1"
    assert haps == snaps[path.stem]
