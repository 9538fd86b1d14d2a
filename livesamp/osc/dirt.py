"""SuperDirt's side of the protocol: `/dirt/play` key/value events and the handshake.

Semantics follow SuperDirt (`DirtEvent.sc`) as described in
../shared/reference/superdirt-protocol.md:

- keys and values alternate (`s "bd" n 3.0 ...`); the last of a repeated key wins;
  `"bd:3"` is split into `s "bd"` and `n 3`;
- `s` is required; `n` picks the variant (floor, modulo the count, as SuperDirt);
- `cps` is the event's tempo (for `unit "c"`); `cycle` is where it lies in Tidal's
  cycles (kept for the played-event notices); `delta` is its whole length in seconds;
- duration: `sustain` (s) if given, else `delta * legato` if `legato` is given, else
  the sample's own length at its speed;
- `orbit` defaults to 0 (it groups `cut`); `nudge` is already in the timetag, never
  added again;
- a value `"c<k>"` for a number parameter reads control bus k (`/c_set`), when known;
- every parameter the engine implements is honoured (ENGINE_PARAMS); the others are
  ignored with one warning per name.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..pattern.controls import canonical_name, controls_by_name
from . import wire

__all__ = ["OSC_SLOT", "ENGINE_PARAMS", "PROTOCOL_KEYS", "DirtEvent", "BadEvent", "parse_play",
           "handshake_reply", "OnceWarner"]

OSC_SLOT = 16   # trigger slot of events that came over OSC (0..15 are d1..d16)

# parameter -> kind ("num" number, "str" word, "note" number or note name)
ENGINE_PARAMS: dict[str, str] = {
    "n": "num", "note": "note", "gain": "num", "velocity": "num", "amp": "num", "pan": "num",
    "speed": "num", "accelerate": "num", "unit": "str", "begin": "num", "end": "num",
    "loop": "num", "cut": "num", "sustain": "num", "attack": "num", "release": "num",
    "orbit": "num", "cutoff": "num", "resonance": "num", "hcutoff": "num", "hresonance": "num",
    "interp": "str",
    "bandf": "num", "bandq": "num", "shape": "num", "crush": "num", "coarse": "num", "vowel": "str",
    "room": "num", "size": "num", "dry": "num", "delay": "num", "delaytime": "num",
    "delayfeedback": "num", "lock": "num",
    "grain": "num", "density": "num", "pos": "num", "jitter": "num", "pitchjitter": "num",
    "spread": "num", "reverse": "num", "sync": "num", "grainenv": "str", "grainseed": "num",
}
# read for timing/semantics, not passed on as parameters
PROTOCOL_KEYS = frozenset({"s", "cps", "cycle", "delta", "clip", "nudge", "_id_"})
# Tidal's spellings that our control table spells differently
_TIDAL_ALIASES = {"up": "note", "legato": "clip"}
_UNITS = {"r", "c", "s", "rate"}
MAX_VALUE_STRING = 256
MAX_KEY = 64


class BadEvent(ValueError):
    """A /dirt/play message that cannot be played; `reason` is a short counter name."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason


class OnceWarner:
    """Says each (kind, name) once; remembers at most `limit` names (so a flood of
    random names cannot grow memory), after which it only counts."""

    def __init__(self, report, limit: int = 1024):
        self.report = report
        self.limit = limit
        self.seen: set = set()
        self.suppressed = 0

    def __call__(self, key, message: str) -> None:
        if key in self.seen:
            return
        if len(self.seen) >= self.limit:
            self.suppressed += 1
            return
        self.seen.add(key)
        self.report(message)


@dataclass
class DirtEvent:
    """One playable /dirt/play event: `value` is what TriggerPacker.pack reads."""

    value: dict
    cps: float
    cycle: float
    stream: str | None = None          # Tidal's `_id_` ("1" for d1), None for once/asap
    ignored: list = field(default_factory=list)


def _pairs(args) -> dict:
    if len(args) % 2:
        raise BadEvent("bad_args", f"/dirt/play needs key/value pairs, got {len(args)} arguments")
    kv = {}
    for i in range(0, len(args), 2):
        key, value = args[i], args[i + 1]
        if type(key) is not str or not key or len(key) > MAX_KEY:
            raise BadEvent("bad_args", f"argument {i} should be a parameter name, got {key!r:.60}")
        t = type(value)
        if t is float:
            if value - value != 0.0:   # NaN or infinite
                raise BadEvent("nonfinite", f"{key} is {value}")
        elif t is str:
            if len(value) > MAX_VALUE_STRING:
                raise BadEvent("bad_args", f"{key}: a string of {len(value)} characters")
        elif t is bool:
            value = int(value)
        elif not (t is int or value is None or t is bytes):
            raise BadEvent("bad_args", f"{key}: unsupported value {value!r:.60}")
        kv[key] = value
    return kv


_CLASSES: dict[str, tuple] = {}


def _classify(key: str) -> tuple:
    """(canonical name, kind) of a parameter name: kind is an ENGINE_PARAMS kind, "skip"
    (protocol keys), "legato", "unimplemented" (in the control table, not in the engine)
    or None (unknown). Cached for known names only, so random names cannot grow it."""
    got = _CLASSES.get(key)
    if got is not None:
        return got
    canon = _TIDAL_ALIASES.get(key) or canonical_name(key)
    if key == "s" or key == "_id_" or canon in ("cps", "cycle", "delta", "nudge"):
        got = (canon, "skip")
    elif canon == "clip":
        got = (canon, "legato")
    elif canon in ENGINE_PARAMS:
        got = (canon, ENGINE_PARAMS[canon])
    elif key in controls_by_name():
        got = (canon, "unimplemented")
    else:
        return (key, None)
    _CLASSES[key] = got
    return got


def _is_bus(text: str) -> bool:
    return len(text) > 1 and text[0] == "c" and text[1:].isdigit()


def _number(key: str, value, buses, warn) -> float | None:
    """A number parameter's value; bus references resolve through `buses` (None: skip)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and _is_bus(value) and buses is not None:
        bus = int(value[1:])
        got = buses.get(bus)
        if got is None:
            warn(("bus", key), f"OSC: {key} reads control bus {value}, which has no value yet "
                               "(send /c_set to the bus port); ignored until it has")
        return got
    raise BadEvent("bad_args", f"{key} should be a number, got {value!r:.60}")


def parse_play(args, default_cps: float, buses=None, warn=None) -> DirtEvent:
    """A /dirt/play argument list -> DirtEvent; raises BadEvent (with a counter name)."""
    warn = warn or (lambda key, msg: None)
    kv = _pairs(args)
    name = kv.get("s")
    if not isinstance(name, str) or not name:
        raise BadEvent("no_sound", "/dirt/play without a sound name `s` (SuperDirt ignores it too)")
    value: dict = {}
    if ":" in name:   # "bd:3" -> s "bd", n 3 (SuperDirt's splitName)
        name, _, idx = name.partition(":")
        try:
            value["n"] = float(idx)
        except ValueError:
            raise BadEvent("bad_args", f"sound {kv['s']!r:.60} is not name:index") from None
        if not name or not math.isfinite(value["n"]):
            raise BadEvent("bad_args", f"sound {kv['s']!r:.60} is not name:index")
    value["s"] = name
    cps = kv.get("cps", default_cps)
    if not isinstance(cps, (int, float)) or not 0 < cps < 1e6:
        raise BadEvent("bad_args", f"cps must be a positive number, got {cps!r:.60}")
    cps = float(cps)
    cycle = kv.get("cycle", 0.0)
    cycle = float(cycle) if isinstance(cycle, (int, float)) else 0.0
    delta = kv.get("delta")
    delta = float(delta) if isinstance(delta, (int, float)) and delta >= 0 else 1.0 / cps
    stream = kv.get("_id_")
    stream = stream if isinstance(stream, str) else (str(stream) if isinstance(stream, int) else None)

    ignored = []
    legato = None
    for key, raw in kv.items():
        canon, kind = _classify(key)
        if kind == "skip":
            continue
        if kind == "legato":
            legato = _number(key, raw, buses, warn)
            continue
        if kind is None or kind == "unimplemented":
            ignored.append(key)
            if kind == "unimplemented":
                warn(("param", key), f"OSC: ignoring {key!r}: livesamp's engine does not "
                                     "implement it yet")
            else:
                warn(("param", key), f"OSC: ignoring unknown parameter {key!r:.70}")
            continue
        if raw is None or isinstance(raw, bytes):
            ignored.append(key)
            warn(("type", key), f"OSC: ignoring {key}: a {type(raw).__name__} value")
            continue
        if kind == "str":
            if not isinstance(raw, str):
                raise BadEvent("bad_args", f"{key} should be a word, got {raw!r:.60}")
            if canon == "unit" and raw not in _UNITS:
                raise BadEvent("bad_args", f"unit must be r, c or s, got {raw!r:.60}")
            value[canon] = "r" if raw == "rate" else raw
        elif kind == "note" and isinstance(raw, str) and not (buses and _is_bus(raw) and int(raw[1:]) in buses):
            value[canon] = raw    # a note name ("c3" is bus 3 only once that bus has a value)
        elif type(raw) is float:
            if canon != "n" or "n" not in value:   # "bd:3" wins over a separate n, as SuperDirt
                value[canon] = raw
        else:
            if canon == "n" and "n" in value:
                continue
            num = _number(key, raw, buses, warn)
            if num is not None:
                value[canon] = num
    if "sustain" not in value and legato is not None:
        value["sustain"] = max(0.0, delta * legato)
    if "orbit" in value:
        value["orbit"] = float(max(0, min(1023, int(value["orbit"]))))
    if stream is not None:
        value["_id_"] = stream
    value["cycle"] = cycle
    return DirtEvent(value, cps, cycle, stream, ignored)


def handshake_reply(hostname: str = "127.0.0.1", bus_port: int = 57110,
                    bus_indices=range(16)) -> bytes:
    """SuperDirt's `/dirt/handshake/reply`: Tidal reads the integers after
    `&controlBusIndices` (at least one, or it keeps handshaking)."""
    indices = [int(i) for i in bus_indices] or [0]
    args = ["&serverHostname", hostname, "&serverPort", int(bus_port), "&controlBusIndices", *indices]
    return wire.encode_message("/dirt/handshake/reply", args, "sssis" + "i" * len(indices))
