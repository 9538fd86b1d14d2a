"""Strudel conformance: the shared mini-notation and function corpora, every case."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import SHARED

CHECKS = [("check_mini.py", "mini_public.jsonl"), ("check_fn.py", "fn_public.jsonl")]


@pytest.mark.parametrize("checker,corpus", CHECKS)
def test_strudel_conformance(checker, corpus):
    folder = SHARED / "conformance"
    if not (folder / checker).exists():
        pytest.skip(f"shared conformance corpus not found at {folder}")
    proc = subprocess.run([sys.executable, str(folder / checker), str(folder / corpus)],
                          capture_output=True, text=True, timeout=300)
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr
    assert proc.returncode == 0, f"{corpus}: {last}\n{proc.stdout[-4000:]}"
    assert " 0 failed" in last
