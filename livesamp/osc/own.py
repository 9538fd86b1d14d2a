"""livesamp's own OSC addresses: slots, hush, tempo and one-shot triggers.

    /livesamp/slot  d1 "big_swoosh*2 thud" speed 2 pan "0 1"   set d1 (mini-notation + controls)
    /livesamp/slot  d1                                           stop d1 (also "~" or "silence")
    /livesamp/hush                                               stop every slot
    /livesamp/cps   0.6                                          tempo, cycles per second
    /livesamp/trigger thud:2 speed 2 gain 1.1                    play one sound (bundle: at its timetag)

OSC never executes Python: a slot takes mini-notation (`s` of it), and each control is
a name from the control table with a number or a mini-notation string. Text is bounded
(MAX_TEXT characters, numbers in it at most MAX_NUMBER) so one message cannot ask for a
billion events.
"""
from __future__ import annotations

import math
import re

from ..pattern.controls import canonical_name, control, controls_by_name
from ..pattern.mini import mini
from .dirt import BadEvent

__all__ = ["slot_pattern", "slot_index", "MAX_TEXT", "MAX_NUMBER"]

MAX_TEXT = 512
MAX_NUMBER = 256
_NUMBER = re.compile(r"(?<![\w.:])(\d+(?:\.\d*)?|\.\d+)")
_STOP = {"", "~", "silence"}


def slot_index(arg) -> int:
    """"d1".."d16" or 1..16 -> 0..15."""
    if isinstance(arg, str) and arg[:1] == "d" and arg[1:].isdigit():
        k = int(arg[1:])
    elif isinstance(arg, int) and not isinstance(arg, bool):
        k = arg
    else:
        raise BadEvent("bad_args", f"slot should be d1..d16 or 1..16, got {arg!r:.40}")
    if not 1 <= k <= 16:
        raise BadEvent("bad_args", f"slot should be d1..d16, got d{k}")
    return k - 1


def _text(what: str, text: str) -> str:
    if len(text) > MAX_TEXT:
        raise BadEvent("bad_args", f"{what}: {len(text)} characters (at most {MAX_TEXT})")
    for m in _NUMBER.finditer(text):
        if float(m.group(1)) > MAX_NUMBER:
            raise BadEvent("bad_args", f"{what}: number {m.group(1)} is above {MAX_NUMBER} "
                                       f"(column {m.start() + 1} of {text!r:.60})")
    return text


def slot_pattern(args):
    """(slot index, Pattern or None) from /livesamp/slot's arguments."""
    if not args:
        raise BadEvent("bad_args", "/livesamp/slot needs a slot (d1..d16)")
    index = slot_index(args[0])
    if len(args) == 1:
        return index, None
    text = args[1]
    if not isinstance(text, str):
        raise BadEvent("bad_args", f"the pattern should be mini-notation text, got {text!r:.40}")
    if text.strip() in _STOP:
        return index, None
    rest = args[2:]
    if len(rest) % 2:
        raise BadEvent("bad_args", "controls after the pattern come in name/value pairs")
    try:
        pat = control("s")(mini(_text("pattern", text)))
        for i in range(0, len(rest), 2):
            key, value = rest[i], rest[i + 1]
            if not isinstance(key, str) or key not in controls_by_name() or key in ("s", "sound"):
                raise BadEvent("bad_args", f"{key!r:.40} is not a control name (see "
                                           "livesamp/pattern/controls.py)")
            if isinstance(value, str):
                value = mini(_text(key, value))
            elif isinstance(value, bool) or not isinstance(value, (int, float)):
                raise BadEvent("bad_args", f"{key} takes a number or mini-notation, got {value!r:.40}")
            elif not math.isfinite(value):
                raise BadEvent("nonfinite", f"{key} is {value}")
            pat = pat.set(control(canonical_name(key))(value))
    except BadEvent:
        raise
    except ValueError as e:   # MiniSyntaxError and friends: say where
        raise BadEvent("bad_pattern", str(e)) from None
    return index, pat


def cps_value(args) -> float:
    if len(args) != 1 or isinstance(args[0], bool) or not isinstance(args[0], (int, float)):
        raise BadEvent("bad_args", f"/livesamp/cps takes one number, got {list(args)!r:.60}")
    cps = float(args[0])
    if not math.isfinite(cps):
        raise BadEvent("nonfinite", f"cps is {cps}")
    if not 0 < cps <= 100:
        raise BadEvent("bad_args", f"cps must be in (0, 100], got {cps}")
    return cps
