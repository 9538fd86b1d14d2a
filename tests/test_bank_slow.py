"""The performance figures of the issue, as slow tests: 10,000-sample warm start, descriptors for an hour."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))


@pytest.mark.slow
def test_warm_start_of_10000_samples_under_a_second(tmp_path):
    import bank_warm_start

    bank_warm_start.build(tmp_path / "bench", names=1000, variants=10)
    (tmp_path / "data").mkdir()
    r = bank_warm_start.measure(tmp_path / "bench", tmp_path / "data", runs=3)
    print(f"\n10k samples: cold {r['cold_s']:.2f} s, warm {r['warm_s']:.2f} s (+ {r['import_s']:.2f} s import)")
    assert r["samples"] == 10000
    assert r["warm_s"] < 1.0


@pytest.mark.slow
def test_descriptors_for_an_hour_of_audio_under_a_minute(capsys):
    import time

    import bank_descriptors
    from livesamp.bank.descriptors import describe

    batch = list(bank_descriptors.sounds(3600.0))
    describe(batch[0][0], batch[0][1])
    t0 = time.perf_counter()
    for x, sr in batch:
        describe(x, sr)
    took = time.perf_counter() - t0
    print(f"\ndescriptors for 60 min of audio: {took:.1f} s")
    assert took < 60.0
