"""Packing haps into engine Triggers: names to sample ids, controls to fixed columns.

This is the one place where the pattern world (dicts of controls, cycles) meets the engine
world (float64 rows, frames). SuperDirt semantics: amp = amp * gain^4 (amp 0.4 by default),
sustain = delta * legato when legato is given, `note` names count from c5 = 0 as in Tidal.
Orbit parameters (size, dry, delaytime, delayfeedback, lock) are packed only when the event
carries them (NaN otherwise: the orbit keeps its value); vowel names a e i o u become 1..5.
"""
from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from ..bank.errors import RevokedSampleError
from ..engine import layout as L
from ..pattern.values import is_note, note_to_midi
from .grainpack import pack_grain

__all__ = ["TriggerPacker", "EventInfo", "SampleIds"]

_UNITS = {"r": L.UNIT_RATE, "rate": L.UNIT_RATE, "c": L.UNIT_CYCLES, "s": L.UNIT_SECONDS}
_DEFAULT_AMP = 0.4
# controls copied as plain numbers into their trigger column (names from the control table)
_NUMERIC_COLUMNS = (
    ("pan", L.T_PAN), ("speed", L.T_SPEED), ("begin", L.T_BEGIN), ("end", L.T_END),
    ("cut", L.T_CUT), ("accelerate", L.T_ACCEL), ("cutoff", L.T_CUTOFF),
    ("resonance", L.T_RESONANCE), ("hcutoff", L.T_HCUTOFF), ("hresonance", L.T_HRESONANCE),
    ("orbit", L.T_ORBIT), ("attack", L.T_ATTACK), ("release", L.T_RELEASE),
    # per-voice effects and sends
    ("bandf", L.T_BANDF), ("bandq", L.T_BANDQ), ("shape", L.T_SHAPE), ("crush", L.T_CRUSH),
    ("coarse", L.T_COARSE), ("room", L.T_ROOM), ("delay", L.T_DELAY),
    # orbit parameters: only when the event carries them (else NaN: the orbit keeps its value)
    ("size", L.T_SIZE), ("dry", L.T_DRY), ("delaytime", L.T_DELAYTIME),
    ("delayfeedback", L.T_DELAYFB), ("lock", L.T_LOCK),
)
# vowel names -> T_VOWEL (SuperDirt ignores other vowels: 0, off)
_VOWELS = {"a": 1.0, "e": 2.0, "i": 3.0, "o": 4.0, "u": 5.0}


@dataclass(frozen=True)
class EventInfo:
    """What a trigger was: kept by event id so played-event notices can be explained."""

    event: int
    slot: int
    name: str
    index: int
    cycle: float
    locations: tuple
    sample: object  # bank Sample (name, index, bank, provenance)
    value: dict
    duration_s: float = 0.0  # the hap's whole, in seconds at the tempo it was packed (0: unknown)


class SampleIds:
    """Engine sample ids for bank samples, loading audio into the engine on first use."""

    def __init__(self, library, engine):
        self.library = library
        self.engine = engine
        self._ids: dict[tuple, int] = {}
        self._lock = threading.Lock()

    def resolve(self, name: str, n: int):
        """(sample, engine id) for name:n; raises the library's UnknownSampleError."""
        sample = self.library.get(name, n)
        key = (sample.bank, sample.name, sample.index)
        sid = self._ids.get(key)
        if sid is None:
            with self._lock:
                sid = self._ids.get(key)
                if sid is None:
                    sid = self.engine.add_sample(sample.audio())
                    self._ids[key] = sid
        return sample, sid


def _num(value, name: str) -> float:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if hasattr(value, "numerator"):
        return float(value)
    raise ValueError(f"control {name!r} expects a number, got {value!r}")


def _note_semitones(value) -> float:
    if isinstance(value, str):
        if not is_note(value):
            raise ValueError(f"note {value!r} is neither a number nor a note name like c5 or eb4")
        return float(note_to_midi(value, default_octave=5) - 72)
    return _num(value, "note")


class TriggerPacker:
    """Turns (slot, hap, cps) into trigger rows and remembers what each event was."""

    def __init__(self, sample_ids: SampleIds, sr: int, max_events: int = 4096, warn=None):
        self.sample_ids = sample_ids
        self.sr = sr
        self.warn = warn or (lambda msg: None)  # told once per revoked sample
        self._revoked_told: set[str] = set()
        self._next_event = 0
        self._events_lock = threading.Lock()  # the scheduler and the OSC thread both pack
        self.events: OrderedDict[int, EventInfo] = OrderedDict()
        self.max_events = max_events
        self.unknown_controls: set[str] = set()
        self.neural_slots: set[int] = set()  # slots that played a neural voice: prefetched

    def prefetch(self, slot: int, pattern, cycle, controls: dict, haps=()) -> None:
        """The scheduler entered a new cycle of ``slot`` (its onsets ``haps``): a slot playing
        neural voices has the next cycle's renders made ahead on a background thread
        (neural/play.py)."""
        if slot in self.neural_slots or any(isinstance(h.value, dict) and h.value.get("voice") is not None
                                            for h in haps):
            from ..neural.play import prefetch

            prefetch(self, slot, pattern, cycle, controls, haps)

    def pack(self, slot: int, hap, frame: int, cps: float, cycle) -> np.ndarray | None:
        """One trigger row for an onset hap, or None for a rest-like value (no sound name)."""
        value = hap.value
        if not isinstance(value, dict):
            value = {"s": value}
        name = value.get("s")
        if name is None:
            return None
        if isinstance(name, (list, tuple)):  # "bd:3" given as a plain list value
            name, value = name[0], {**value, "n": name[1] if len(name) > 1 else 0}
        if not isinstance(name, str):
            raise ValueError(f"sample name must be a word, got {name!r}")
        n = value.get("n", 0)
        n = 0 if n is None else int(math.floor(_num(n, "n")))
        try:
            sample, sid = self.sample_ids.resolve(name, n)
        except RevokedSampleError as e:  # consent withdrawn: silence and one warning, never a crash
            if e.label not in self._revoked_told:
                self._revoked_told.add(e.label)
                self.warn(str(e))
            return None
        if value.get("voice") is not None:  # a neural voice: rendered ahead into a sample (neural/play.py)
            from ..neural.play import resynthesise

            got = resynthesise(self, sample, sid, value)
            if got is None:  # stale voice or render budget spent: silence, told once
                return None
            sample, sid, value = got
            self.neural_slots.add(slot)

        row = L.default_trigger()
        row[L.T_FRAME] = frame
        row[L.T_SAMPLE] = sid
        row[L.T_SLOT] = slot
        row[L.T_CPS] = cps
        gain = _num(value.get("gain", 1.0), "gain") * _num(value.get("velocity", 1.0), "velocity")
        amp = _num(value.get("amp", _DEFAULT_AMP), "amp")
        row[L.T_AMP] = amp * gain ** 4 if gain > 0 else 0.0
        for name, column in _NUMERIC_COLUMNS:
            if name in value:
                row[column] = _num(value[name], name)
        if "unit" in value:
            unit = value["unit"]
            if unit not in _UNITS:
                raise ValueError(f"unit must be 'r', 'c' or 's', got {unit!r}")
            row[L.T_UNIT] = _UNITS[unit]
        if "loop" in value:
            row[L.T_LOOP] = max(1.0, _num(value["loop"], "loop"))
        if "note" in value:
            row[L.T_NOTE] = _note_semitones(value["note"])
        if value.get("interp") == "linear":
            row[L.T_INTERP] = L.INTERP_LINEAR
        vowel = value.get("vowel")
        if vowel is not None:
            row[L.T_VOWEL] = _VOWELS.get(str(vowel).strip().lower(), 0.0)
            if "resonance" not in value:
                row[L.T_RESONANCE] = np.nan   # dirt_vowel's own default strength (0.5)
        # duration: sustain (s) wins, else legato/clip x the event's length, else natural
        if value.get("sustain") is not None:
            row[L.T_SUSTAIN] = max(0.0, _num(value["sustain"], "sustain")) * self.sr
        elif value.get("clip") is not None and hap.whole is not None:
            delta_s = float(hap.whole.end - hap.whole.begin) / cps
            row[L.T_SUSTAIN] = max(0.0, _num(value["clip"], "legato") * delta_s) * self.sr
        pack_grain(row, value, hap, slot, cps, self.sr)   # grain events: kind 1 (grainpack.py)

        locations = tuple(hap.context.get("locations", ()))
        with self._events_lock:
            event = self._next_event
            self._next_event += 1
            whole = hap.whole
            duration_s = float(whole.end - whole.begin) / cps if whole is not None and cps > 0 else 0.0
            self.events[event] = EventInfo(event, slot, sample.name, sample.index, float(cycle),
                                           locations, sample, value, duration_s)
            if len(self.events) > self.max_events:
                self.events.popitem(last=False)
        row[L.T_EVENT] = event
        return row
