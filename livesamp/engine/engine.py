"""``Engine``: the sampler engine, usable with or without an audio device.

The engine owns preallocated state (voice pool, rings, sample table, master bus) and
one render kernel (render.py). Offline, ``render(n)`` runs the kernel on the calling
thread; live, ``livesamp.io.LiveOutput`` runs the very same kernel inside a numba
``@cfunc`` PortAudio callback that never takes the GIL.

Threads: ``push`` from one producer thread (the scheduler); ``add_sample`` from any
thread (serialised internally; never blocks the audio thread); ``pop_notices`` from one
consumer thread; ``render`` only while no live output runs.
"""
from __future__ import annotations

import math
import threading

import numpy as np

from . import state as S
from .kernels.grains import grains_active
from .layout import NOTICE_WIDTH, TRIGGER_WIDTH
from .render import render_block
from .state import EngineState
from .tables import SampleTable

__all__ = ["Engine", "EngineBusy"]


class EngineBusy(RuntimeError):
    """The engine is being rendered by a live output; stop it first."""


class Engine:
    """A sampler engine.

    Parameters: ``sr`` sample rate (Hz); ``max_voices`` voices playing at once;
    ``block`` frames per render step (the output does not depend on it: each voice is
    computed from its own time and starts at its own frame; it only sets how often
    the ring is drained);
    ``ring_capacity`` command-ring rows (power of two); ``sample_capacity_frames`` initial
    arena size (it grows off the audio thread); ``max_samples`` sample ids;
    ``fade_s`` cut/steal fade; ``ceiling_db`` limiter ceiling (dBFS);
    ``max_ahead_s`` triggers further ahead are rejected; ``stats_every_s`` period of
    NK_STATS notices (0: none); ``protect=False`` bypasses DC blocker and limiter
    (offline benchmarks only; a live output refuses it). ``max_grains`` the grain pool
    (single grains and the grains of clouds; a full pool drops grains, counted in
    ``stats()['grain_drops']``; see kernels/grains.py). Effects (kernels/orbits.py):
    ``orbits`` effect buses (a reverb and a delay each; T_ORBIT wraps modulo this),
    ``max_delay_s`` longest delay time, ``fx_glide_s`` / ``delay_glide_s`` glide
    (60 dB) times of orbit gains and of the delay time.
    """

    def __init__(self, sr: int = 48000, max_voices: int = 256, block: int = 256,
                 ring_capacity: int = 4096, sample_capacity_frames: int = 1 << 22, *,
                 max_samples: int = 4096, notice_capacity: int = 8192,
                 fade_s: float = 0.005, ceiling_db: float = -0.3, max_ahead_s: float = 600.0,
                 stats_every_s: float = 1.0, filter_smooth_s: float = 0.005,
                 protect: bool = True, max_grains: int = 4096, orbits: int = 16,
                 max_delay_s: float = 4.0,
                 fx_glide_s: float = 0.02, delay_glide_s: float = 0.3) -> None:
        if not (isinstance(sr, (int, np.integer)) and 8000 <= sr <= 768000):
            raise ValueError(f"sr must be an integer sample rate in 8000..768000 Hz, got {sr!r}")
        if not (isinstance(max_voices, (int, np.integer)) and 1 <= max_voices <= 65536):
            raise ValueError(f"max_voices must be an integer in 1..65536, got {max_voices!r}")
        if not (isinstance(block, (int, np.integer)) and 1 <= block <= S.MAX_BLOCK):
            raise ValueError(f"block must be an integer in 1..{S.MAX_BLOCK}, got {block!r}")
        if not (isinstance(max_grains, (int, np.integer)) and 1 <= max_grains <= 1 << 22):
            raise ValueError(f"max_grains must be an integer in 1..{1 << 22}, got {max_grains!r}")
        if not (isinstance(orbits, (int, np.integer)) and 1 <= orbits <= 256):
            raise ValueError(f"orbits must be an integer in 1..256, got {orbits!r}")
        if not 0.01 <= max_delay_s <= 60.0:
            raise ValueError(f"max_delay_s must be in 0.01..60 s, got {max_delay_s!r}")
        if not ceiling_db <= 0.0:
            raise ValueError(f"ceiling_db must be <= 0 dBFS, got {ceiling_db!r}")
        self.sr = int(sr)
        self.max_voices = int(max_voices)
        self.block = int(block)
        self.protect = bool(protect)
        self._state = EngineState(sr=self.sr, max_voices=self.max_voices,
                                  ring_capacity=ring_capacity, notice_capacity=notice_capacity,
                                  pending_capacity=max(1024, int(ring_capacity)),
                                  max_grains=int(max_grains),
                                  orbits=int(orbits), max_delay_s=float(max_delay_s),
                                  fx_glide_s=float(fx_glide_s),
                                  delay_glide_s=float(delay_glide_s))
        self._table = SampleTable(sample_capacity_frames, max_samples, on_swap=self._on_swap)
        self._live = None            # the LiveOutput / NullOutput rendering us, if any
        self._swap_listeners: list = []
        self._retired: list = []     # old arenas kept alive until the callback moved on
        self._render_lock = threading.Lock()
        ceil = 10.0 ** (ceiling_db / 20.0)
        c32 = np.float32(ceil)
        if float(c32) > ceil:        # the float32 ceiling must not round up
            c32 = np.nextafter(c32, np.float32(0))
        cfg = self._state.cfg
        cfg[S.C_SR] = self.sr
        cfg[S.C_MAXV] = self.max_voices
        cfg[S.C_FADE] = max(1, round(fade_s * self.sr))
        cfg[S.C_PROTECT] = 1.0 if self.protect else 0.0
        cfg[S.C_CEIL] = float(c32)
        cfg[S.C_DCR] = 1.0 - 2.0 * math.pi * 10.0 / self.sr
        cfg[S.C_LIM_ATT] = 1.0   # instant: no overshoot without lookahead
        cfg[S.C_LIM_REL] = math.exp(-1.0 / (0.100 * self.sr))   # envelope decay per sample
        cfg[S.C_MAXAHEAD] = max_ahead_s * self.sr
        cfg[S.C_STATS_EVERY] = round(stats_every_s * self.sr)
        cfg[S.C_SMOOTH] = 1.0 - math.exp(-1.0 / (max(filter_smooth_s, 1e-6) * self.sr))
        cfg[S.C_PRECLAMP] = 1.0e4
        cfg[S.C_BLOCK] = self.block
        self.reset()

    # --- samples ---------------------------------------------------------------------
    def add_sample(self, audio: np.ndarray, samplerate: int | None = None) -> int:
        """Store a sample ((frames,) or (frames, 1|2) float) and return its id.

        ``samplerate``: the sample's own rate if it differs from the engine's (the
        voice then plays it at the right pitch); None means it is at ``sr``.
        """
        ratio = 1.0 if samplerate is None else float(samplerate) / self.sr
        self._free_retired()
        return self._table.add(audio, ratio)

    @property
    def samples(self) -> SampleTable:
        return self._table

    def _on_swap(self, arena: np.ndarray, old: np.ndarray) -> None:
        for listener in self._swap_listeners:   # the live output publishes the address
            listener(arena)
        self._retired.append((self.callbacks + 2, old))

    def _free_retired(self) -> None:
        if self._live is None:
            self._retired.clear()
        else:
            now = self.callbacks
            self._retired = [(c, a) for (c, a) in self._retired if c > now]

    # --- triggers and notices ------------------------------------------------------------
    def push(self, triggers: np.ndarray) -> int:
        """Queue trigger rows ``(k, TRIGGER_WIDTH)`` float64; returns how many fitted.

        Call from one producer thread only. Rows that do not fit are counted in
        ``stats()['ring_overflows']``; the call never blocks.
        """
        t = np.asarray(triggers, dtype=np.float64)
        if t.ndim == 1:
            t = t.reshape(1, -1)
        if t.ndim != 2 or t.shape[1] != TRIGGER_WIDTH:
            raise ValueError(f"triggers must have shape (k, {TRIGGER_WIDTH}), "
                             f"got {np.shape(triggers)}")
        return self._state.commands.push(t)

    def pop_notices(self, max_rows: int | None = None) -> np.ndarray:
        """Notices since the last call, as ``(k, NOTICE_WIDTH)`` float64 (see layout.py)."""
        out = self._state.notices.pop(max_rows)
        return out.reshape(-1, NOTICE_WIDTH)

    # --- rendering -----------------------------------------------------------------------
    def kernel_args(self) -> tuple:
        """The arrays ``render_block`` takes after ``(out, n)`` (for the io layer)."""
        s = self._state
        return (s.commands.buf, s.commands.idx, s.pend, s.pend_key, s.order, s.vf, s.vi,
                s.tmpf, s.tmpi, self._table.arena, self._table.offsets, self._table.lengths,
                self._table.meta, s.notices.buf, s.notices.idx, s.cfg, s.cnt, s.st, s.ms,
                s.scratch, s.bus, s.gf, s.gi, s.fxf, s.fxbuf)

    def render(self, n_frames: int) -> np.ndarray:
        """Render ``n_frames`` offline: (n_frames, 2) float32, advancing ``frame``.

        Consumes the command ring exactly like the live callback does; deterministic
        (the same pushes from the same state give bit-identical output).
        """
        n = int(n_frames)
        if n < 0:
            raise ValueError(f"n_frames must be >= 0, got {n_frames!r}")
        if self._live is not None:
            raise EngineBusy("this engine is being rendered by a live output; "
                             "stop it (output.stop()) before rendering offline")
        out = np.zeros((n, 2), np.float32)
        with self._render_lock:
            self._free_retired()
            render_block(out, n, *self.kernel_args())   # in sub-blocks of self.block
        return out

    @property
    def frame(self) -> int:
        """The stream frame the next rendered sample will have."""
        return int(self._state.cnt[S.K_FRAME])

    @property
    def callbacks(self) -> int:
        return int(self._state.cnt[S.K_CALLBACKS])

    def stats(self, reset_peak: bool = True) -> dict:
        """Counters and gauges. ``peak`` is the max |output| since the last call."""
        c = self._state.cnt
        st = self._state.st
        out = {
            "frame": int(c[S.K_FRAME]),
            "active_voices": int(c[S.K_ACTIVE]),
            "started": int(c[S.K_STARTED]),
            "ended": int(c[S.K_ENDED]),
            "steals": int(c[S.K_STEALS]),
            "hard_steals": int(c[S.K_HARD_STEALS]),
            "cuts": int(c[S.K_CUTS]),
            "late": int(c[S.K_LATE]),
            "rejected": int(c[S.K_REJECTED]),
            "pending": int(c[S.K_PEND]),
            "pending_full": int(c[S.K_PENDFULL]),
            "ring_overflows": self._state.commands.overflows,
            "notice_overflows": self._state.notices.overflows,
            "nonfinite": int(c[S.K_NONFINITE]),
            "killed_voices": int(c[S.K_KILLED]),
            "clamped": int(c[S.K_CLAMPED]),
            "peak": float(st[S.S_PEAK]),
            "limiter_gain": float(st[S.S_LIM_GAIN]),
            "xruns": int(c[S.K_XRUNS]),
            "overruns": int(c[S.K_OVERRUNS]),
            "callback_load": float(st[S.S_LOAD]),
            "callback_load_max": float(st[S.S_LOAD_MAX]),
            "callbacks": int(c[S.K_CALLBACKS]),
            "grains": int(c[S.K_GRAINS]),
            "grain_drops": int(c[S.K_GRAIN_DROPS]),
            "active_grains": grains_active(self._state.gi, c),
            "orbit_effects_awake": self._orbit_effects_awake(),
            "dac_time": float(st[S.S_DAC_TIME]),
            "callback_frame": int(st[S.S_CB_FRAME]),
        }
        if reset_peak:
            st[S.S_PEAK] = 0.0
        return out

    def _orbit_effects_awake(self) -> int:
        """Reverbs and delays of the orbits that are running (not asleep)."""
        from .kernels.orbits import H_NORB, O_DL_ON, O_RV_ON
        fxf = self._state.fxf
        rows = fxf[1:1 + int(fxf[0, H_NORB])]
        return int(np.count_nonzero(rows[:, O_RV_ON]) + np.count_nonzero(rows[:, O_DL_ON]))

    def reset(self) -> None:
        """Silence all voices, forget queued triggers and notices, frame back to 0.

        Samples stay. Not allowed while a live output renders this engine.
        """
        if self._live is not None:
            raise EngineBusy("reset() while a live output is running; stop it first")
        self._state.clear()
        self._state.cnt[S.K_NEXT_STATS] = int(self._state.cfg[S.C_STATS_EVERY])

    def __repr__(self) -> str:
        return (f"Engine(sr={self.sr}, max_voices={self.max_voices}, block={self.block}, "
                f"samples={self._table.count}, frame={self.frame})")
