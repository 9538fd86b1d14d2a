"""The audio engine: sample table, rings, voice pool, render kernel.

It knows nothing of patterns: the scheduler packs Triggers (layout.py) and pushes
them. Importing this package compiles nothing and opens no device.
"""
from __future__ import annotations

from .engine import Engine, EngineBusy
from .layout import TRIGGER_WIDTH, NOTICE_WIDTH, default_trigger, trigger_rows
from .tables import SampleTableFull

__all__ = ["Engine", "EngineBusy", "SampleTableFull", "TRIGGER_WIDTH", "NOTICE_WIDTH",
           "default_trigger", "trigger_rows"]
