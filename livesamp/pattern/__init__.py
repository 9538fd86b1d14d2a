"""The pure pattern core: Strudel/Tidal patterns, mini-notation and controls. No audio, no clock."""
from __future__ import annotations

from .core import Pattern, State, pure, reify, silence, stack
from .hap import Hap
from .time import Fraction, TimeSpan, to_fraction

__all__ = ["Pattern", "State", "Hap", "TimeSpan", "Fraction", "to_fraction", "pure", "reify", "silence",
           "stack"]
