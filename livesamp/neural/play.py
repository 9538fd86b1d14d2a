"""Playing a neural voice: ``voice("NAME")`` events rendered ahead of time into samples.

Where it runs: the scheduler packs each event a lookahead ahead of the audio; for an event
with a neural voice the packer calls ``resynthesise``, which renders the whole event into
a buffer there and then (encoder, decoder, loudness lock, numba synth: >= 100x real time,
so a 1 s sound costs ~10 ms of the scheduler thread), stores it in the engine's sample
table (``engine.add_sample``) and hands back its id: the engine plays it as an ordinary
sampler voice (trigger kind 0). Why ahead of time and not per block in the audio callback:
the GIL-free callback stays exactly as it is (nothing to allocate, nothing new to prove
block-split invariant), and speed, begin/end, cut groups, filters, effects and the
master limiter apply to a neural event as to any sample. The cost is that latents are
per event (a patterned z changes between events, not within one), and a render the
lookahead cannot absorb makes that event late (the engine reports it). To keep renders
out of the scheduler's way, a slot that plays a neural voice has each next cycle rendered
ahead on a background thread (``prefetch``, called by the scheduler when it enters a
cycle): the packer then finds the buffer ready, or waits for the one being made. The
first cycle of a new pattern renders when the REPL checks it (``Session.check``).

Renders are cached per engine by (sample, voice, pinned latents quantised to 1/8, follow).
The engine's sample table never frees an id, so the cache is bounded: at most
``max_renders`` renders and ``max_seconds`` of rendered audio per engine (defaults 1024
and 600 s, about 230 MB at 48 kHz). Past either bound, an event plays the cached render of
the same sample and voice whose latents are nearest (and the performer is told once); with
none, it is silent.

A voice whose training samples' consent was revoked is stale: its events are silent and
the performer is told once, never an exception in the scheduler. Consent is re-checked
when the library index changes (polled at most every 0.25 s).
"""

from __future__ import annotations

import os
import queue
import threading
import time
import weakref
import zlib
from collections import OrderedDict
from dataclasses import replace

import numpy as np

from ..engine.tables import SampleTableFull
from .cache import Analyses
from .store import ENGINE_VOICES, StaleVoiceError, check_consent, load

__all__ = ["NeuralVoices", "wants_neural", "resynthesise", "voices_for", "LATENT_CONTROLS", "QUANTUM"]

LATENT_CONTROLS = ("z0", "z1", "z2", "z3")
QUANTUM = 0.125
_ANALYSES = Analyses()
_BY_ENGINE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_BY_ENGINE_LOCK = threading.Lock()


def wants_neural(value: dict) -> bool:
    """True if a hap's controls ask for a neural voice (``voice`` naming a model)."""
    v = value.get("voice")
    return isinstance(v, str) and v not in ENGINE_VOICES


def voices_for(engine) -> NeuralVoices:
    with _BY_ENGINE_LOCK:
        nv = _BY_ENGINE.get(engine)
        if nv is None:
            nv = _BY_ENGINE[engine] = NeuralVoices(engine)
        return nv


def resynthesise(packer, sample, sid: int, value: dict):
    """The packer's hook: (sample shown for the event, engine sample id, value with the
    voice's card) for a neural event, or None for silence (stale voice, render budget
    spent); raises ``UnknownVoiceError`` (a KeyError, like an unknown sample) for a voice
    that does not exist. Other voice kinds (sampler, grain, unit) pass through as they are."""
    if not wants_neural(value):
        return sample, sid, value
    ids = packer.sample_ids
    return voices_for(ids.engine).event(ids.library, sample, value, packer.warn)


def prefetch(packer, slot: int, pattern, cycle, controls: dict | None = None, haps=()) -> None:
    """The scheduler's look further ahead: render the neural events of ``pattern``'s cycle
    starting at ``cycle`` on a background thread, so that when the packer reaches them they
    are already in the cache (eight slots starting a cycle together would otherwise render
    eight sounds inside one scheduler step). Only for slots that play neural voices (in
    this cycle's ``haps``, or before)."""
    if slot not in packer.neural_slots:
        if not any(isinstance(h.value, dict) and wants_neural(h.value) for h in haps):
            return
        packer.neural_slots.add(slot)
    ids = packer.sample_ids
    voices_for(ids.engine).prefetch(ids.library, pattern, cycle, controls or {})


def _pins(value: dict) -> tuple:
    out = []
    for d, name in enumerate(LATENT_CONTROLS):
        v = value.get(name)
        if v is None:
            continue
        try:
            x = float(v)
        except (TypeError, ValueError):
            raise ValueError(f"control {name!r} expects a number, got {v!r}") from None
        if not np.isfinite(x):
            raise ValueError(f"control {name!r} must be finite, got {v!r}")
        out.append((d, round(max(-4.0, min(4.0, x)) / QUANTUM) * QUANTUM))
    return tuple(out)


def _follow(value: dict) -> bool:
    v = value.get("follow", 1)
    if v is None:
        return True
    if isinstance(v, str) or not np.isfinite(float(v)):
        raise ValueError(f"control 'follow' expects 1 (on) or 0 (off), got {v!r}")
    return float(v) != 0.0


class NeuralVoices:
    """The neural renders of one engine (see the module docstring)."""

    def __init__(self, engine, max_renders: int = 1024, max_seconds: float = 600.0, poll_s: float = 0.25):
        self.engine = engine
        self.max_renders = int(max_renders)
        self.max_frames = int(max_seconds * engine.sr)
        self.poll_s = float(poll_s)
        self._ids: dict[tuple, int] = {}
        self._by_base: dict[tuple, list] = {}
        self._frames = 0
        self._told: set = set()
        self._lock = threading.RLock()
        self._consent: dict[str, StaleVoiceError | None] = {}
        self._index = None
        self._index_version = None
        self._next_poll = 0.0
        self.rendered = 0
        self.render_seconds = 0.0
        self.prefetched = 0
        self._inflight: dict[tuple, threading.Event] = {}
        self._queue: queue.Queue = queue.Queue(maxsize=64)
        self._queued: OrderedDict = OrderedDict()
        self._worker: threading.Thread | None = None

    # -- consent --------------------------------------------------------------------------
    def _voice(self, name: str):
        """The loaded voice; ``StaleVoiceError`` if its consent check (memoised until the
        library index changes) finds revoked training samples."""
        voice = load(name, check=False)
        key = voice.card.get("ident")
        self._poll()
        if key not in self._consent:
            revoked = check_consent(voice, self._index_or_none())
            self._consent[key] = StaleVoiceError(voice.name, revoked) if revoked else None
        err = self._consent[key]
        if err is not None:
            raise err
        return voice

    def _index_or_none(self):
        if self._index is None:
            try:
                from ..bank.index import LibraryIndex

                self._index = LibraryIndex()
                self._index_version = self._index.data_version()
            except Exception:  # noqa: BLE001 - no writable data folder: no index, nothing revoked through it
                self._index = False
        return self._index or None

    def _poll(self) -> None:
        now = time.monotonic()
        if now < self._next_poll:
            return
        self._next_poll = now + self.poll_s
        ix = self._index_or_none()
        if ix is None:
            return
        try:
            v = ix.data_version()
        except Exception:  # noqa: BLE001 - a locked index: next poll
            return
        if v != self._index_version:
            self._index_version = v
            self._consent.clear()        # re-check every voice against the index

    # -- events ---------------------------------------------------------------------------
    def _tell(self, key, msg: str, warn) -> None:
        if warn is not None and key not in self._told:   # None: nobody to tell (rendering ahead)
            self._told.add(key)
            warn(msg)

    def event(self, library, sample, value: dict, warn):
        name = value["voice"]
        try:
            voice = self._voice(name)
        except StaleVoiceError as e:
            self._tell(("stale", e.name), str(e), warn)
            return None
        pins = _pins(value)
        follow = _follow(value)
        vid = voice.card["ident"]
        base = (sample.bank, sample.name, sample.index, vid, follow)
        key = base + (pins,)
        with self._lock:
            sid = self._ids.get(key)
        if sid is None:
            sid = self._render(library, sample, voice, pins, follow, key, base, warn)
            if sid is None:
                return None
        shown = replace(sample, bank=f"voice:{voice.name}", provenance=_provenance(voice, sample), _source=None)
        extra = {"voice_model": vid, "voice_card": voice.card.get("summary", ""),
                 "voice_latents": _latent_words(voice), "voice_source": sample.label}
        return shown, sid, {**value, **extra}

    def _render(self, library, sample, voice, pins, follow, key, base, warn):
        """The engine id of this render: cached, being made by another thread (waited for),
        made here, or, past the budget, the nearest one made (None if there is none)."""
        audio = sample.audio()
        n = int(audio.shape[0])
        with self._lock:
            sid = self._ids.get(key)
            if sid is not None:
                return sid
            busy = self._inflight.get(key)
            if busy is None:
                full = len(self._ids) + len(self._inflight) >= self.max_renders or self._frames + n > self.max_frames
                if full:
                    near = self._nearest(base, pins)
                    self._tell("budget", f"neural voices: render budget spent ({len(self._ids)} renders, "
                                         f"{self._frames / self.engine.sr:.0f} s); playing the nearest latents "
                                         f"already rendered", warn)
                    return near
                self._inflight[key] = done = threading.Event()
        if busy is not None:                    # the prefetch thread is on it
            busy.wait(10.0)
            with self._lock:
                return self._ids.get(key)
        try:
            t0 = time.perf_counter()
            frames = _ANALYSES.get(library, sample, audio)
            mono = np.asarray(audio, dtype=np.float64).mean(axis=1) if audio.ndim == 2 else audio
            seed = zlib.crc32(repr(key).encode())
            out = voice.render(frames, pins=dict(pins), follow=follow, seed=seed, source=mono)
            if not np.any(out):
                out = np.zeros(max(1, n), np.float32)
            try:
                sid = self.engine.add_sample(out[:, None])
            except SampleTableFull:          # the engine's own limit: as if our budget were spent
                self.max_renders = len(self._ids)
                self._tell("table", "neural voices: the engine's sample table is full; playing the nearest "
                                    "latents already rendered", warn)
                with self._lock:
                    return self._nearest(base, pins)
            with self._lock:
                self._ids[key] = sid
                self._by_base.setdefault(base, []).append((pins, sid))
                self._frames += len(out)
                self.rendered += 1
                self.render_seconds += time.perf_counter() - t0
            return sid
        finally:
            with self._lock:
                self._inflight.pop(key, None)
            done.set()

    # -- rendering ahead ----------------------------------------------------------------------
    def prefetch(self, library, pattern, cycle, controls: dict) -> None:
        """Queue cycle ``cycle`` of ``pattern`` for the background renderer (each once; a
        full queue drops the request: the packer then renders when it gets there). Only
        while the engine plays live: an offline render has no deadline, and renders in
        the packer's order keep it the same every time (also when the budget runs out)."""
        if getattr(self.engine, "_live", None) is None:
            return
        key = (id(pattern), cycle)
        with self._lock:
            if key in self._queued:
                return
            self._queued[key] = True
            while len(self._queued) > 256:
                self._queued.popitem(last=False)
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, name="livesamp-neural-ahead", daemon=True)
                self._worker.start()
        try:
            self._queue.put_nowait((library, pattern, cycle, controls))
        except queue.Full:
            pass

    def _work(self) -> None:
        try:   # below the audio and scheduler threads (Linux: a thread's own nice value)
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        except (AttributeError, OSError):
            pass
        while True:
            library, pattern, cycle, controls = self._queue.get()
            try:
                self._ahead(library, pattern, cycle, controls)
            except Exception:  # noqa: BLE001 - ahead of time is a favour: the packer reports real errors
                pass

    def _ahead(self, library, pattern, cycle, controls) -> None:
        from ..pattern.core import State
        from ..pattern.time import Time, TimeSpan

        span = TimeSpan(Time(cycle), Time(cycle) + 1)
        for hap in pattern.query(State(span, {**controls})):
            if hap.whole is None or hap.whole.begin != hap.part.begin or not isinstance(hap.value, dict):
                continue
            value = hap.value
            if not wants_neural(value) or not isinstance(value.get("s"), str):
                continue
            n = value.get("n", 0)
            sample = library.get(value["s"], int(np.floor(float(n))) if n is not None else 0)
            voice = self._voice(value["voice"])
            pins, follow = _pins(value), _follow(value)
            base = (sample.bank, sample.name, sample.index, voice.card["ident"], follow)
            key = base + (pins,)
            with self._lock:
                if key in self._ids or key in self._inflight:
                    continue
            if self._render(library, sample, voice, pins, follow, key, base, None) is not None:
                self.prefetched += 1

    def _nearest(self, base, pins):
        cands = self._by_base.get(base)
        if not cands:
            return None
        want = dict(pins)

        def dist(entry):
            have = dict(entry[0])
            dims = set(want) | set(have)
            return sum((want.get(d, 0.0) - have.get(d, 0.0)) ** 2 for d in dims)

        return min(cands, key=dist)[1]

    def stats(self) -> dict:
        with self._lock:
            return {"renders": len(self._ids), "seconds": self._frames / self.engine.sr,
                    "render_s": self.render_seconds, "prefetched": self.prefetched}


def _latent_words(voice) -> str:
    return "; ".join(f"z{m['dim']} {m['says']}" for m in voice.card.get("latents", []))


def _provenance(voice, sample):
    """The provenance shown for a neural event: the voice's card, and the sound it came from."""
    from ..bank.provenance import Provenance

    card = voice.card
    recipe = f"{card.get('summary') or 'neural voice ' + voice.name}; resynthesising {sample.label}"
    notes = f"latents: {_latent_words(voice) or 'none described'}; source sample {sample.describe()}"
    return Provenance(source=f"resynthesised by livesamp's neural voice {voice.name!r}", recipe=recipe,
                      licence=card.get("licence"), author=card.get("author"), notes=notes)

