"""The control vocabulary: one table declares every control's name, type, default, range, unit,
aliases and meaning. Pattern setters (`s`, `.speed`), the engine's parameters, OSC and the docs
all derive from it.

`s("bd:3")` gives {"s": "bd", "n": 3}: a control with several `names` spreads a colon list
over them, as in Strudel. `a.speed(b)` takes its structure from `a`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .cache import cycle_cached
from .core import Pattern, reify

__all__ = ["Control", "CONTROLS", "control", "controls_by_name", "register_control", "canonical_name"]


@dataclass(frozen=True)
class Control:
    name: str
    type: str = "float"          # float | int | str | note
    default: object = None
    range: tuple | None = None   # (low, high) where meaningful
    unit: str = ""
    aliases: tuple = ()
    doc: str = ""
    names: tuple = field(default=())  # for multi-value setters: the keys a colon list fills


def _c(name, type="float", default=None, range=None, unit="", aliases=(), doc="", names=()):
    return Control(name, type, default, range, unit, tuple(aliases), doc, tuple(names) or (name,))


CONTROLS: list[Control] = [
    # -- what plays ------------------------------------------------------------------------
    _c("s", "str", None, None, "", ["sound"], "sample name (`s(\"thud:2\")` also sets n)", ["s", "n", "gain"]),
    _c("n", "int", 0, None, "index", [], "variant of the sample (wraps modulo the count)"),
    _c("note", "note", 0, None, "semitones", [], "pitch in semitones: playback rate x 2^(note/12)",
       ["note", "n"]),
    _c("bank", "str", None, None, "", [], "sample bank to look the name up in"),
    # -- sampler (SuperDirt semantics) ---------------------------------------------------
    _c("gain", "float", 1.0, (0, 2), "", [], "loudness multiplier (SuperDirt's curve)"),
    _c("velocity", "float", 1.0, (0, 1), "", ["vel"], "multiplies gain"),
    _c("amp", "float", 0.4, (0, 1), "", [], "linear amplitude (SuperDirt default 0.4)"),
    _c("pan", "float", 0.5, (0, 1), "", [], "stereo position: 0 left, 0.5 centre, 1 right (equal power)"),
    _c("speed", "float", 1.0, None, "rate", [], "playback speed; negative plays backwards"),
    _c("accelerate", "float", 0.0, None, "rate/s", [], "speed change per second"),
    _c("unit", "str", "r", None, "", [], "speed unit: r rate, c cycles (fit to cycles), s seconds"),
    _c("begin", "float", 0.0, (0, 1), "fraction", [], "where in the sample to start"),
    _c("end", "float", 1.0, (0, 1), "fraction", [], "where in the sample to stop"),
    _c("loop", "int", 0, (0, 1024), "count", [], "repeat the begin..end segment this many times"),
    _c("cut", "int", 0, (0, 1024), "group", [], "cut group: a new sound stops the previous one of its group"),
    _c("clip", "float", None, None, "x event", ["legato"], "duration relative to the event"),
    _c("sustain", "float", None, None, "s", ["sus"], "duration in seconds"),
    _c("attack", "float", 0.001, (0, 10), "s", ["att"], "fade-in time"),
    _c("release", "float", 0.005, (0, 10), "s", ["rel"], "fade-out time"),
    _c("hold", "float", None, (0, 60), "s", [], "time held at full level before release"),
    _c("orbit", "int", 0, (0, 15), "", ["o"], "effect bus the sound is sent to"),
    _c("nudge", "float", 0.0, None, "s", [], "shift in time, seconds"),
    _c("cps", "float", None, None, "cycles/s", [], "tempo the event was made at"),
    _c("interp", "str", "cubic", None, "", [], "resampling interpolation: cubic or linear"),
    # -- filters and effects -----------------------------------------------------------------
    _c("cutoff", "float", None, (10, 24000), "Hz", ["ctf", "lpf", "lp"], "resonant low-pass cutoff",
       ["cutoff", "resonance", "lpenv"]),
    _c("resonance", "float", 0.0, (0, 1), "", ["lpq"], "low-pass resonance"),
    _c("hcutoff", "float", None, (10, 24000), "Hz", ["hpf", "hp"], "resonant high-pass cutoff",
       ["hcutoff", "hresonance", "hpenv"]),
    _c("hresonance", "float", 0.0, (0, 1), "", ["hpq"], "high-pass resonance"),
    # per-voice effects: SuperDirt's modules, in its order vowel, shape, hpf, bpf, crush, coarse, lpf
    _c("bandf", "float", None, (20, 24000), "Hz", ["bpf", "bp"], "band-pass centre (SuperDirt's dirt_bpf)",
       ["bandf", "bandq", "bpenv"]),
    _c("bandq", "float", 10.0, (1, 100), "", ["bpq"], "band-pass q; the band is also boosted by q"),
    _c("shape", "float", 0.0, (0, 1), "", [], "waveshaper: (1+k)x/(1+k|x|), k = 2 shape/(1-shape)",
       ["shape", "shapevol"]),
    _c("crush", "float", None, (1, 16), "bits", [], "bit reduction: rounds to multiples of 0.5^(crush-1)"),
    _c("coarse", "float", None, (1, 64), "x", [], "sample-rate reduction: holds every value coarse frames"),
    _c("vowel", "str", None, None, "", [], "formant filter a e i o u (counter-tenor formants; resonance "
       "sets its strength, default 0.5)"),
    _c("squiz", "float", None, (1, 16), "", [], "pitch-raising squeeze"),
    # per-orbit global effects: room/delay are per-event sends, the others set the orbit (NaN: unchanged)
    _c("room", "float", 0.0, (0, 1), "", [], "reverb send into the event's orbit", ["room", "size"]),
    _c("size", "float", 0.1, (0, 1), "", ["sz", "roomsize", "rsize"],
       "reverb decay of the orbit (0.1: 0.37 s, 0.5: 0.67 s, 0.9: 3.2 s); kept until changed"),
    _c("dry", "float", 0.0, (0, 1), "", [], "the orbit's reverb output is scaled by 1 - dry; kept until changed"),
    _c("delay", "float", 0.0, (0, 1), "", [], "delay send into the event's orbit",
       ["delay", "delaytime", "delayfeedback"]),
    _c("delaytime", "float", 0.25, (0, 4), "s", ["delayt", "dt"],
       "delay time of the orbit in seconds (in cycles with lock 1); kept until changed"),
    _c("delayfeedback", "float", 0.5, (0, 0.99), "", ["delayfb", "dfb"],
       "delay feedback of the orbit; kept until changed"),
    _c("lock", "int", 0, (0, 1), "", [], "1: the orbit's delaytime is in cycles (x 1/cps); kept until changed"),
    # -- granular clouds (issue 5), concatenative units (issue 9), neural voice (issue 10) ----
    _c("grain", "float", None, (0.001, 1), "s", ["grainsize"],
       "grain size: the event plays as a grain cloud (see `.grain(...)`)"),
    _c("density", "float", 50.0, (0, 4000), "grains/s", [], "grains per second of a cloud (0: one grain)"),
    _c("pos", "float", None, (0, 1), "fraction", [], "grain read position in the sample (default: begin)"),
    _c("jitter", "float", 0.0, (0, 1), "fraction", [], "grain position jitter, uniform +- (fraction of the sample)"),
    _c("pitchjitter", "float", 0.0, (0, 48), "semitones", [], "grain rate jitter, uniform +-"),
    _c("spread", "float", 0.0, (0, 1), "", [], "stereo spread of the grains around pan (1: the whole width)"),
    _c("reverse", "float", 0.0, (0, 1), "probability", [], "chance that a grain plays backwards"),
    _c("sync", "int", 1, (0, 1), "", [], "1: grains at regular onsets; 0: random (Poisson) onsets, same density"),
    _c("grainenv", "str", "hann", None, "", ["genv"],
       "grain envelope: hann, tukey (flat middle), expodec (sharp attack, decay), rexpodec (reversed)"),
    _c("grainseed", "int", None, None, "", [], "seed of a cloud's random draws (default: from the event's "
       "cycle and slot, so a replay is the same sound)"),
    _c("voice", "str", None, None, "", [], "voice kind override: sampler, grain, unit, or a neural voice's name "
       "(default, or one made by `livesamp voice train`): the event resynthesised in that voice's timbre"),
    _c("z0", "float", None, (-2, 2), "", [], "neural voice latent 0 (its clearest brightness axis), held for the event"),
    _c("z1", "float", None, (-2, 2), "", [], "neural voice latent 1 (`livesamp voice info NAME` says what it does)"),
    _c("z2", "float", None, (-2, 2), "", [], "neural voice latent 2"),
    _c("z3", "float", None, (-2, 2), "", [], "neural voice latent 3"),
    _c("follow", "int", 1, (0, 1), "", [], "neural voice follows the source's loudness frame by frame (1) or "
       "sets its own level (0)"),
    _c("unit_id", "int", None, None, "index", [], "corpus unit played (set by corpus() patterns: its source "
       "sample is s:n, its bounds begin/end)"),
    _c("unit_corpus", "str", None, None, "", [], "the corpus a unit was chosen from (set by corpus() patterns)"),
    _c("unit_target", "str", None, None, "", [], "what the unit was chosen for: words or descriptor values "
       "(set by corpus() patterns)"),
]

_BY_NAME: dict[str, Control] = {}


def controls_by_name() -> dict[str, Control]:
    """Every control under its name and its aliases."""
    return dict(_BY_NAME)


def canonical_name(name: str) -> str:
    """The main name for a control name or alias (`lpf` -> `cutoff`)."""
    c = _BY_NAME.get(name)
    return c.name if c else name


def _with_val(names: tuple):
    name = names[0]
    multi = len(names) > 1

    def with_val(xs):
        bag = None
        if isinstance(xs, dict) and xs.get("value") is not None:
            bag = {k: v for k, v in xs.items() if k != "value"}
            xs = xs["value"]
        if multi and isinstance(xs, (list, tuple)):
            result = bag or {}
            for i, x in enumerate(xs):
                if i < len(names):
                    result[names[i]] = x
            return result
        if bag is not None:
            bag[name] = xs
            return bag
        return {name: xs}

    return with_val


_UNSET = object()


def _make_setter(names: tuple, doc: str):
    with_val = _with_val(names)

    def top(value=_UNSET, pat=None):
        if value is _UNSET:
            raise TypeError(f"{names[0]}() needs a value or a pattern")
        if pat is None:
            return cycle_cached(reify(value).with_value(with_val))
        return reify(pat).set(reify(value).with_value(with_val))

    def method(self, value=_UNSET):
        if value is _UNSET or value is None:
            return cycle_cached(self.fmap(with_val))
        return self.set(reify(value).with_value(with_val))

    top.__name__ = method.__name__ = names[0]
    top.__doc__ = method.__doc__ = doc
    return top, method


_SETTERS: dict[str, object] = {}


def register_control(c: Control) -> None:
    """Add a control to the table: setters, methods and aliases."""
    top, method = _make_setter(c.names, c.doc)
    for name in (c.name, *c.aliases):
        _BY_NAME[name] = c
        _SETTERS[name] = top
        setattr(Pattern, name, method)


for _control in CONTROLS:
    register_control(_control)


# keyword -> control set by Pattern.grain(...) (the controls' own setters: `density` and
# `seed` are also pattern functions, fast's alias and the random seed)
GRAIN_KEYWORDS = {"density": "density", "pos": "pos", "jitter": "jitter",
                  "pitchjitter": "pitchjitter", "spread": "spread", "reverse": "reverse",
                  "sync": "sync", "env": "grainenv", "seed": "grainseed"}
_GRAIN_SETTERS = {key: _make_setter(_BY_NAME[name].names, _BY_NAME[name].doc)[1]
                  for key, name in [("size", "grain"), *GRAIN_KEYWORDS.items()]}


def _grain(self, size=0.05, density=None, pos=None, jitter=None, pitchjitter=None, spread=None,
           reverse=None, sync=None, env=None, seed=None):
    """Play the events as grain clouds: grains of ``size`` seconds at ``density`` grains/s
    (0: one grain per event) read at ``pos`` (fraction of the sample, default begin)
    +- ``jitter``, rate +- ``pitchjitter`` semitones, panned ``pan`` +- ``spread``/2,
    backwards with probability ``reverse``, at regular onsets (``sync=1``) or random
    ones (0), enveloped by ``env`` (hann, tukey, expodec, rexpodec), drawn from ``seed``.
    Every argument may be a value, a mini-notation string or a pattern, like any
    control: ``s("drip").grain(size=0.04, density=80, pos=sine.slow(8), jitter=0.1)``.
    A cloud lasts its event (``legato``/``sustain`` as usual) and has the voice's
    envelope, filters and effects."""
    pat = _GRAIN_SETTERS["size"](self, size)
    given = {"density": density, "pos": pos, "jitter": jitter, "pitchjitter": pitchjitter,
             "spread": spread, "reverse": reverse, "sync": sync, "env": env, "seed": seed}
    for key, value in given.items():
        if value is not None:
            pat = _GRAIN_SETTERS[key](pat, value)
    return pat


_grain.__name__ = "grain"
Pattern.grain = _grain


def control(name: str):
    """The top-level setter for a control name or alias (`control("lpf")(800)`)."""
    return _SETTERS[name]


def setters() -> dict[str, object]:
    return dict(_SETTERS)
