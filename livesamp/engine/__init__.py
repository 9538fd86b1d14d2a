"""The audio engine: sample table, rings, voice pool, render kernel.

It knows nothing of patterns: the scheduler packs Triggers (layout.py) and pushes
them. Importing this package compiles nothing and opens no device.
"""
from __future__ import annotations

from .engine import Engine, EngineBusy
from .layout import TRIGGER_WIDTH, NOTICE_WIDTH, default_trigger, trigger_rows
from .tables import SampleTableFull
from . import jitcache as _jitcache
from .kernels.sampler import prepare_sampler as _prepare_sampler
from .render import render_block as _render_block

_jitcache.ensure_fresh(_render_block, _prepare_sampler)   # before anything is loaded

__all__ = ["Engine", "EngineBusy", "SampleTableFull", "TRIGGER_WIDTH", "NOTICE_WIDTH",
           "default_trigger", "trigger_rows"]
