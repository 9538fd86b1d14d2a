"""Internal layouts of the engine's preallocated state arrays (indices only).

Every array the render kernel touches is allocated once by ``EngineState`` and then
written in place; the live callback reaches the very same arrays through an address
table (see ``livesamp/io/table.py``), so they must never be rebound.

Voice state is one row per voice (``vf[voice, VF_*]``, ``vi[voice, VI_*]``): see
voices.py for why rows rather than planar fields.
"""
from __future__ import annotations

import numpy as np

from .layout import NOTICE_WIDTH, TRIGGER_WIDTH

__all__ = ["EngineState", "MAX_BLOCK", "PAD", "touched_zeros"]

MAX_BLOCK = 1024   # the kernel renders in sub-blocks of at most this many frames
PAD = 4            # zero frames stored before and after every sample (interpolation taps)

# --- voice floats: vf[voice, field] ------------------------------------------------
VF_BASE = 0      # absolute arena read position at voice time 0 (frames)
VF_DIR = 1       # +1 forwards, -1 backwards
VF_RD = 2        # |rate| at t=0, source frames per output frame
VF_HAD = 3       # half the acceleration along the travel direction (frames / frame^2)
VF_SEGLEN = 4    # begin..end segment length in source frames (looping)
VF_GL = 5        # amp * cos(pan*pi/2)
VF_GR = 6        # amp * sin(pan*pi/2)
VF_EG = 7        # envelope level at the gate (start of the release)
VF_INVA = 8      # 1 / attack frames (0 if no attack)
VF_INVR = 9      # 1 / release frames
VF_XLO = 10      # read position clamp (absolute arena frames)
VF_XHI = 11
VF_LPG = 12      # lowpass SVF: g = tan(pi fc / sr), target g, k = 1/Q
VF_LPGT = 13
VF_LPK = 14
VF_HPG = 15      # highpass SVF
VF_HPGT = 16
VF_HPK = 17
VF_LP1A = 18     # SVF integrator states: lowpass ch A (ic1, ic2), ch B, highpass ch A, ch B
VF_LP2A = 19
VF_LP1B = 20
VF_LP2B = 21
VF_HP1A = 22
VF_HP2A = 23
VF_HP1B = 24
VF_HP2B = 25
VF_AMP = 26      # |amp| (steal priority)
# per-voice effects (kernels/voicefx.py; which ones run: bits of VI_FILT)
VF_ROOM = 28     # reverb send of the voice's orbit
VF_DELAY = 29    # delay send
VF_SHAPE = 30    # waveshaper k = 2 s / (1 - s)
VF_CRUSH = 31    # crush quantisation step
VF_COARSE = 32   # coarse: hold period, frames
VF_HOLDA = 33    # coarse: held value, ch A / ch B
VF_HOLDB = 34
VF_BPA0 = 35     # band-pass (SuperCollider BPF): a0 (with the makeup gain), b1, b2
VF_BPB1 = 36
VF_BPB2 = 37
VF_BP1A = 38     # band-pass states y1, y2: ch A, ch B
VF_BP2A = 39
VF_BP1B = 40
VF_BP2B = 41
VF_VDRY = 42     # vowel: dry gain of the cross-fade
VF_VOW = 43      # vowel: 5 x (gain * a0, b1, b2), 15 fields
VF_VOWS = 58     # vowel: states, ch A 5 x (y1, y2) then ch B, 20 fields
# clouds (kernels/grains.py; grain parameters drawn per onset)
VF_GPOS = 78     # read position, fraction of the sample
VF_GPOSJ = 79    # position jitter (fraction, uniform +-)
VF_GRATE = 80    # grain rate: speed * 2**(note/12) * sample ratio
VF_GRJ = 81      # rate jitter, semitones (uniform +-)
VF_GPAN = 82     # pan 0..1 of the cloud's centre
VF_GSPREAD = 83  # stereo spread
VF_GREV = 84     # probability that a grain plays backwards
VF_GPERIOD = 85  # frames between onsets (sr / density; the mean gap if async)
VF_GNEXT = 86    # async: voice time of the next onset
VF_GAMP = 87     # grain amplitude
NVF = 88

# --- voice ints: vi[voice, field] ----------------------------------------------------
VI_STATE = 0     # 0 free, 1 playing, 2 fading out (cut or stolen; not counted as busy)
VI_START = 1     # absolute stream frame of voice time 0
VI_A = 2         # attack frames
VI_GATE = 3      # voice time at which the release starts
VI_R = 4         # release frames
VI_LIFE = 5      # voice time at which the voice ends (exclusive)
VI_SAMPLE = 6
VI_SLOT = 7
VI_EVENT = 8
VI_CUT = 9
VI_ORBIT = 10
VI_STEREO = 11
VI_INTERP = 12   # 0 cubic, 1 linear
VI_LOOP = 13     # 1 if the segment repeats (loop > 1)
VI_FILT = 14     # bit 1 lowpass, bit 2 highpass
VI_SEQ = 15      # ring sequence number of the trigger (age, tie-break)
VI_ENDREASON = 16
VI_NAT = 17      # natural length in frames (the sample segment runs out)
VI_KIND = 18     # 0 sampler voice, 1 grain cloud (kernels/grains.py)
VI_GHEAD = 19    # cloud: first grain of its list + 1 (0: none), in spawn order
VI_GTAIL = 20    # cloud: last grain + 1
VI_GRNG = 21     # cloud: RNG state (splitmix64, int64 bits)
VI_GK = 22       # cloud (periodic onsets): index of the next onset
VI_GLEN = 23     # cloud: grain length, frames
VI_GVAR = 24     # cloud: grain variant, cubic + 2 stereo sample + 4 envelope
VI_GSOFF = 25    # cloud: sample offset and length in the arena
VI_GSLEN = 26
VI_GASYNC = 27   # cloud: 1 Poisson onsets, 0 periodic
VI_LSLOT = 28    # the last two columns are not per-voice: they hold the *mix order list*,
VI_LSEQ = 29     # (slot, seq) of every sounding voice in start order; see voices.py
NVI = 30

# --- config: cfg[...] (float64) ----------------------------------------------------
C_SR = 0
C_MAXV = 1        # voices that may play at once (the pool has a few more slots for fades)
C_FADE = 2        # cut / steal fade, frames
C_PROTECT = 3     # 1: DC blocker + limiter; 0: raw (offline benchmarks only)
C_CEIL = 4        # limiter ceiling, linear
C_DCR = 5         # DC blocker pole
C_LIM_ATT = 6     # limiter gain smoothing coefficients (per sample)
C_LIM_REL = 7
C_MAXAHEAD = 8    # frames: triggers further ahead are rejected
C_STATS_EVERY = 9  # frames between NK_STATS notices (0: never)
C_SMOOTH = 10     # filter coefficient smoothing (per sample)
C_PRECLAMP = 11   # bus clamp before the master (keeps the DC blocker state sane)
C_BLOCK = 12      # sub-block size of render_block (<= MAX_BLOCK)
NCFG = 16

# --- counters: cnt[...] (int64) ------------------------------------------------------
K_FRAME = 0
K_NEXT_STATS = 1
K_PEND = 2
K_CALLBACKS = 3
K_XRUNS = 4
K_STEALS = 5
K_HARD_STEALS = 6
K_LATE = 7
K_REJECTED = 8
K_NONFINITE = 9       # non-finite samples zeroed by the master guard
K_NOTICE_OVF = 10
K_STARTED = 11
K_ENDED = 12
K_ACTIVE = 13
K_PENDFULL = 14
K_KILLED = 15         # voices killed because they went non-finite
K_CUTS = 16
K_CLAMPED = 17        # output samples the final hard clamp had to touch
K_NLIST = 18          # entries in the mix order list (vi[:n, VI_LSLOT/VI_LSEQ])
K_SEG = 19            # render_block: frames before this are already mixed into the bus
K_OVERRUNS = 20       # callbacks that took longer than their block's duration
K_GRAINS = 24         # grains started (single grains and cloud grains)
K_GRAIN_DROPS = 25    # grains dropped because the grain pool was full
K_GFREE = 26          # free grains (entries of the free stack, gi[:, GI_FREE])
K_GLIST = 27          # single grains sounding (gi[:n, GI_LIST], start order)
NCNT = 32

# --- float stats: st[...] ---------------------------------------------------------------
S_PEAK = 0        # max |out| since the last Engine.stats()
S_LOAD = 1        # smoothed callback load (time in callback / block duration)
S_LOAD_MAX = 2
S_DAC_TIME = 3    # PortAudio outputBufferDacTime of the last callback
S_CUR_TIME = 4    # PortAudio currentTime of the last callback
S_CB_FRAME = 5    # engine frame at the start of the last callback
S_LIM_GAIN = 6    # limiter gain now
NST = 16

# --- master state: ms[...] ---------------------------------------------------------------
M_DCX_L = 0
M_DCY_L = 1
M_DCX_R = 2
M_DCY_R = 3
M_GAIN = 4
M_ENV = 5
NMS = 8


def touched_zeros(shape, dtype) -> np.ndarray:
    """Zeros with every page already written: ``np.zeros`` maps pages lazily, and the
    first write to each would page-fault (possibly a 2 MB huge-page clear) on the
    audio thread."""
    a = np.empty(shape, dtype)
    a.fill(0)
    return a


class EngineState:
    """All preallocated arrays of one engine (the sample table lives in tables.py)."""

    def __init__(self, *, sr: int, max_voices: int, ring_capacity: int,
                 notice_capacity: int, pending_capacity: int, max_grains: int = 4096,
                 orbits: int = 16,
                 max_delay_s: float = 4.0, fx_glide_s: float = 0.02,
                 delay_glide_s: float = 0.3) -> None:
        from .kernels.orbits import fx_shapes
        from .rings import Ring

        self.n_slots = max_voices + max(16, max_voices // 8)
        self.commands = Ring(ring_capacity, TRIGGER_WIDTH)
        self.notices = Ring(notice_capacity, NOTICE_WIDTH)
        self.pend = touched_zeros((pending_capacity, TRIGGER_WIDTH), np.float64)
        self.pend_key = np.zeros((pending_capacity, 2), np.int64)   # (seq, frame)
        self.order = np.zeros(pending_capacity, np.int64)
        self.vf = np.zeros((self.n_slots, NVF), np.float64)
        self.vi = np.zeros((self.n_slots, NVI), np.int64)
        self.tmpf = np.zeros(NVF, np.float64)
        self.tmpi = np.zeros(NVI, np.int64)
        self.cfg = np.zeros(NCFG, np.float64)
        self.cnt = np.zeros(NCNT, np.int64)
        self.st = np.zeros(NST, np.float64)
        self.ms = np.zeros(NMS, np.float64)
        self.scratch = np.zeros((2, MAX_BLOCK), np.float32)
        self.bus = np.zeros((2, MAX_BLOCK), np.float32)
        # granular: grain pool (kernels/grains.py owns the layout)
        from .kernels.grains import grain_shapes
        gf_shape, gi_shape = grain_shapes(max_grains)
        self.gf = touched_zeros(gf_shape, np.float64)
        self.gi = touched_zeros(gi_shape, np.int64)
        # per-orbit effects: parameters/state and float32 buffers (kernels/orbits.py)
        self.fx_config = dict(n_orbits=orbits, sr=sr, max_delay_s=max_delay_s, block=MAX_BLOCK,
                              glide_s=fx_glide_s, delay_glide_s=delay_glide_s)
        fxf_shape, fxbuf_shape = fx_shapes(orbits, sr, max_delay_s, MAX_BLOCK, pending_capacity)
        self.fxf = touched_zeros(fxf_shape, np.float64)
        self.fxbuf = touched_zeros(fxbuf_shape, np.float32)

    def clear(self) -> None:
        """Silence everything (not thread-safe against a running stream)."""
        self.commands.clear()
        self.notices.clear()
        for a in (self.pend, self.pend_key, self.vf, self.vi, self.cnt, self.st, self.ms,
                  self.scratch, self.bus, self.gf, self.gi, self.fxf, self.fxbuf):
            a[...] = 0
        self.ms[M_GAIN] = 1.0
        self.st[S_LIM_GAIN] = 1.0
        from .kernels.orbits import orbits_reset
        orbits_reset(self.fxf, **self.fx_config)
        from .kernels.grains import grains_reset
        grains_reset(self.gi, self.cnt)
