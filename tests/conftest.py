"""Shared test setup: a private data folder so tests never touch the user's cache."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session", autouse=True)
def _private_data_dir(tmp_path_factory):
    """Tests use their own data folder (the default bank cache is generated there once)."""
    if "LIVESAMP_DATA_DIR" not in os.environ:
        os.environ["LIVESAMP_DATA_DIR"] = str(tmp_path_factory.mktemp("livesamp-data"))
    yield
