"""Fixed record layouts shared by the scheduler, the engine and the notice reader.

A *Trigger* is one float64 row of ``TRIGGER_WIDTH`` columns; the scheduler packs
them, the engine consumes them. Units are in the names where they are not obvious.

=================  ==  =====================================================================
column             #   meaning
=================  ==  =====================================================================
T_FRAME            0   absolute stream frame of the onset (integer-valued float64)
T_SAMPLE           1   sample id in the engine's sample table (-1: none)
T_SLOT             2   0..15 = d1..d16, 16+ = OSC/other (reported back in notices)
T_KIND             3   0 sampler voice, 1 grain (cloud, or one grain if density 0);
                       2 corpus unit, 3 neural: reserved
T_AMP              4   linear amplitude (gain already applied)
T_PAN              5   0..1, 0.5 centre; equal power: L *= cos(pan*pi/2), R *= sin(pan*pi/2)
T_SPEED            6   playback speed; negative plays backwards; 0 is silence
T_BEGIN, T_END     7,8 fractions 0..1 of the sample; begin > end plays [end, begin] reversed
T_CUT              9   cut group (0 none; > 0 cuts every voice of the group on the same
                       orbit; < 0 only voices of the same sample, as SuperDirt)
T_SUSTAIN          10  frames before the release starts (< 0: natural length)
T_ACCEL            11  accelerate: rate(t) = speed + accel * t_seconds (SuperDirt)
T_UNIT             12  0 "r" rate, 1 "c" cycles, 2 "s" seconds (see kernels/sampler.py)
T_LOOP             13  times the begin..end segment plays (0 and 1: once)
T_NOTE             14  semitones: rate *= 2 ** (note / 12)
T_CUTOFF           15  resonant lowpass cutoff in Hz (0 off)
T_RESONANCE        16  0..1 (SuperDirt's rq = 0.001 ** resonance)
T_HCUTOFF          17  highpass cutoff in Hz (0 off)
T_HRESONANCE       18  0..1
T_ORBIT            19  orbit (cut groups are per orbit)
T_CPS              20  tempo at the trigger, cycles per second (unit "c")
T_INTERP           21  0 cubic (4-point Hermite), 1 linear
T_EVENT            22  int id assigned by the scheduler, reported back in notices
T_ATTACK           23  seconds (0: default 0.001)
T_RELEASE          24  seconds (0: default 0.005)
-- granular (T_KIND 1) --
T_GRAIN_SIZE       25  grain length in seconds
T_GRAIN_DENSITY    26  grains per second (0: the trigger is one single grain)
T_GRAIN_POS        27  read position 0..1 of the sample (grain start; NaN: T_BEGIN)
T_GRAIN_POSJIT     28  position jitter, fraction of the sample (uniform +-)
T_GRAIN_RATEJIT    29  rate jitter in semitones (uniform +-)
T_GRAIN_ENV        30  envelope: 0 hann, 1 tukey, 2 expodec, 3 rexpodec
T_GRAIN_SPREAD     31  stereo spread 0..1 around T_PAN
T_GRAIN_REVERSE    32  probability 0..1 that a grain plays backwards
T_GRAIN_ASYNC      33  0 synchronous (periodic) onsets, 1 asynchronous (Poisson)
T_GRAIN_SEED       34  RNG seed of the cloud (integer-valued)
35..39                 reserved (granular)
-- per-voice effects (NaN or 0: off) --
T_BANDF            40  band-pass centre Hz (0 off)
T_BANDQ            41  band-pass q (default 10, as SuperDirt's dirt_bpf)
T_SHAPE            42  waveshaper amount 0..1 (0 off)
T_CRUSH            43  bit depth (0 off)
T_COARSE           44  sample-and-hold factor (0/1 off)
T_VOWEL            45  formant filter: 0 off, 1 a, 2 e, 3 i, 4 o, 5 u (strength: T_RESONANCE,
                       NaN: 0.5)
46..49                 reserved (per-voice effects)
-- per-orbit global effects: sends are per voice; NaN leaves an orbit parameter as it is --
T_ROOM             50  reverb send 0..1
T_SIZE             51  reverb size 0..1: its decay (orbit parameter)
T_DRY              52  the reverb output is x (1 - dry), as SuperDirt (orbit parameter)
T_DELAY            53  delay send 0..1
T_DELAYTIME        54  delay time, seconds (or cycles with T_LOCK 1) (orbit parameter)
T_DELAYFB          55  delay feedback 0..<1 (orbit parameter)
T_LOCK             56  1: T_DELAYTIME is in cycles (x 1/T_CPS) (orbit parameter)
57..63                 reserved: leave zero
=================  ==  =====================================================================

A *Notice* is one float64 row of ``NOTICE_WIDTH`` columns on the ring back to Python.
"""
from __future__ import annotations

import numpy as np

__all__ = [
    "TRIGGER_WIDTH", "T_FRAME", "T_SAMPLE", "T_SLOT", "T_KIND", "T_AMP", "T_PAN",
    "T_SPEED", "T_BEGIN", "T_END", "T_CUT", "T_SUSTAIN", "T_ACCEL", "T_UNIT", "T_LOOP",
    "T_NOTE", "T_CUTOFF", "T_RESONANCE", "T_HCUTOFF", "T_HRESONANCE", "T_ORBIT", "T_CPS",
    "T_INTERP", "T_EVENT", "T_ATTACK", "T_RELEASE",
    "T_GRAIN_SIZE", "T_GRAIN_DENSITY", "T_GRAIN_POS", "T_GRAIN_POSJIT", "T_GRAIN_RATEJIT",
    "T_GRAIN_ENV", "T_GRAIN_SPREAD", "T_GRAIN_REVERSE", "T_GRAIN_ASYNC", "T_GRAIN_SEED",
    "T_BANDF", "T_BANDQ", "T_SHAPE", "T_CRUSH", "T_COARSE", "T_VOWEL",
    "T_ROOM", "T_SIZE", "T_DRY", "T_DELAY", "T_DELAYTIME", "T_DELAYFB", "T_LOCK",
    "KIND_SAMPLER", "KIND_GRAIN", "ORBIT_PARAMS", "UNIT_RATE", "UNIT_CYCLES", "UNIT_SECONDS", "INTERP_CUBIC", "INTERP_LINEAR",
    "NOTICE_WIDTH", "N_KIND", "N_FRAME", "N_EVENT", "N_SAMPLE", "N_SLOT", "N_VOICE", "N_A", "N_B",
    "NK_STARTED", "NK_ENDED", "NK_LATE", "NK_REJECTED", "NK_STATS",
    "END_NATURAL", "END_CUT", "END_STOLEN", "END_NONFINITE", "END_RESET",
    "REJ_FRAME", "REJ_SAMPLE", "REJ_KIND", "REJ_SILENT", "REJ_TOO_FAR", "REJ_NO_VOICE",
    "default_trigger", "trigger_rows",
]

TRIGGER_WIDTH = 64

T_FRAME = 0
T_SAMPLE = 1
T_SLOT = 2
T_KIND = 3
T_AMP = 4
T_PAN = 5
T_SPEED = 6
T_BEGIN = 7
T_END = 8
T_CUT = 9
T_SUSTAIN = 10
T_ACCEL = 11
T_UNIT = 12
T_LOOP = 13
T_NOTE = 14
T_CUTOFF = 15
T_RESONANCE = 16
T_HCUTOFF = 17
T_HRESONANCE = 18
T_ORBIT = 19
T_CPS = 20
T_INTERP = 21
T_EVENT = 22
T_ATTACK = 23
T_RELEASE = 24
T_GRAIN_SIZE = 25
T_GRAIN_DENSITY = 26
T_GRAIN_POS = 27
T_GRAIN_POSJIT = 28
T_GRAIN_RATEJIT = 29
T_GRAIN_ENV = 30
T_GRAIN_SPREAD = 31
T_GRAIN_REVERSE = 32
T_GRAIN_ASYNC = 33
T_GRAIN_SEED = 34
T_BANDF = 40
T_BANDQ = 41
T_SHAPE = 42
T_CRUSH = 43
T_COARSE = 44
T_VOWEL = 45
T_ROOM = 50
T_SIZE = 51
T_DRY = 52
T_DELAY = 53
T_DELAYTIME = 54
T_DELAYFB = 55
T_LOCK = 56
# orbit parameters a trigger sets only when its column is finite (NaN: leave as it is)
ORBIT_PARAMS = (T_SIZE, T_DRY, T_DELAYTIME, T_DELAYFB, T_LOCK)

KIND_SAMPLER = 0
KIND_GRAIN = 1
UNIT_RATE = 0
UNIT_CYCLES = 1
UNIT_SECONDS = 2
INTERP_CUBIC = 0
INTERP_LINEAR = 1

# --- notices (engine -> Python) -------------------------------------------------
NOTICE_WIDTH = 8
N_KIND = 0    # one of NK_*
N_FRAME = 1   # stream frame the notice is about
N_EVENT = 2   # T_EVENT of the trigger (-1 if none)
N_SAMPLE = 3  # sample id
N_SLOT = 4    # T_SLOT
N_VOICE = 5   # voice index in the pool
N_A = 6       # kind-specific: ENDED: END_* reason; LATE: frames late; REJECTED: REJ_*;
              # STATS: active voices
N_B = 7       # kind-specific: STATS: smoothed callback load

NK_STARTED = 1
NK_ENDED = 2
NK_LATE = 3
NK_REJECTED = 4
NK_STATS = 5

END_NATURAL = 0
END_CUT = 1
END_STOLEN = 2
END_NONFINITE = 3
END_RESET = 4

REJ_FRAME = 1     # frame not finite
REJ_SAMPLE = 2    # sample id not in the table (or not yet complete)
REJ_KIND = 3      # kind not implemented yet
REJ_SILENT = 4    # speed 0 (or not finite), empty segment, zero-length voice
REJ_TOO_FAR = 5   # frame further ahead than Engine(max_ahead_s=...)
REJ_NO_VOICE = 6  # no voice could be allocated (only if every slot is fading)


def default_trigger() -> np.ndarray:
    """One trigger row with the neutral defaults (sample -1: fill in T_SAMPLE, T_FRAME)."""
    row = np.zeros(TRIGGER_WIDTH, dtype=np.float64)
    row[T_SAMPLE] = -1.0
    row[T_AMP] = 1.0
    row[T_PAN] = 0.5
    row[T_SPEED] = 1.0
    row[T_END] = 1.0
    row[T_SUSTAIN] = -1.0
    row[T_LOOP] = 1.0
    row[T_CPS] = 0.5
    row[T_EVENT] = -1.0
    row[T_GRAIN_SIZE] = 0.05
    row[T_GRAIN_POS] = np.nan
    row[T_BANDQ] = 10.0            # SuperDirt's dirt_bpf default
    for c in ORBIT_PARAMS:
        row[c] = np.nan
    return row


def trigger_rows(n: int, **columns) -> np.ndarray:
    """``n`` default trigger rows; keyword arguments set columns by lower-case name
    without the ``T_`` prefix (scalars or length-``n`` arrays), e.g.
    ``trigger_rows(3, frame=[0, 10, 20], sample=0, speed=-1)``."""
    rows = np.tile(default_trigger(), (n, 1))
    for name, value in columns.items():
        col = globals().get("T_" + name.upper())
        if col is None or not name.islower():
            raise TypeError(f"trigger_rows: unknown column {name!r}; expected one of "
                            f"{sorted(k[2:].lower() for k in globals() if k.startswith('T_'))}")
        rows[:, col] = value
    return rows
