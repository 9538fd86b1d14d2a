"""StageHub: what the audience view shows, kept up to date by one thread, sent to every
connected page as Server-Sent Events.

The hub subscribes to the session's notice fan-out. For every voice the engine started it
sends a *hit*: the slot, which atoms of the slot's code made it (`CodeView`), when it is
heard (system time, from the stream clock: the output latency is compensated), how long
its hap lasts, and the key of the sample's provenance card (the card itself the first
time that sample plays). It watches the slot table (code, mute, solo: from the REPL, a
pattern file or OSC alike), takes evaluated inputs for the console, and sends meters at
`meter_hz`. Each page has a bounded outbox: a page that does not keep up is disconnected
(its browser reconnects and starts from a fresh snapshot); nothing waits for a page.

Messages (`event:` name, JSON `data:`):

- ``state``: the snapshot a page starts from: ``slots``, ``console``, ``cards``, ``cps``.
- ``slots``: ``[{slot, v, code, atoms: [[start, end], ...], muted, audible}]`` (active slots).
- ``hits``: ``{hits: [{s, v, a, at, in, c, d, n, k}], cards: {k: card}}``: slot label,
  code version, atom indices, heard at (Unix s), in (ms from sending), the hap's cycle,
  duration (ms), sample name, card key.
- ``console``: one evaluated input ``{n, text, ok, error}``.
- ``meters``: ``{lv: {slot: dB}, m: {peak, rms, wave, spec} or null, cyc, cps}``.
"""
from __future__ import annotations

import json
import threading
import time
from collections import Counter, OrderedDict, deque

from ...engine import layout as L
from .code import CodeView
from .meters import MasterMeter, SlotLevels, trigger_amp
from .publish import card_for

__all__ = ["StageHub", "Client", "sse"]

_MAX_CODE = 2000
_MAX_HITS = 512


def sse(event: str, data) -> bytes:
    """One Server-Sent Event (compact JSON: no newlines inside)."""
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return f"event: {event}\ndata: {body}\n\n".encode("utf-8")


class Client:
    """One page's bounded outbox of encoded events. `put` never waits: when `maxsize`
    events are waiting the client is marked dead (the server then closes it)."""

    def __init__(self, maxsize: int = 512):
        self.maxsize = int(maxsize)
        self.dead = False
        self.sent = 0
        self._q: deque = deque()
        self._cv = threading.Condition(threading.Lock())

    def put(self, data: bytes) -> bool:
        with self._cv:
            if self.dead:
                return False
            if len(self._q) >= self.maxsize:
                self.dead = True
                self._q.clear()
                self._cv.notify()
                return False
            self._q.append(data)
            self._cv.notify()
            return True

    def get(self, timeout: float | None = None) -> bytes | None:
        """Everything waiting, joined (None: nothing within `timeout`, or dead)."""
        with self._cv:
            if not self._q and not self.dead:
                self._cv.wait(timeout)
            if self.dead or not self._q:
                return None
            out = b"".join(self._q)
            self.sent += len(self._q)
            self._q.clear()
            return out

    def close(self) -> None:
        with self._cv:
            self.dead = True
            self._cv.notify_all()


class StageHub:
    """The audience view's state and its thread (see the module docstring)."""

    def __init__(self, session, publish=None, console_lines: int = 6, meter_hz: float = 20.0,
                 tick_s: float = 0.004, client_queue: int = 512, report=print):
        self.session = session
        self.publish = publish
        self.console_lines = int(console_lines)
        self.meter_period_s = 1.0 / float(meter_hz)
        self.tick_s = float(tick_s)
        self.client_queue = int(client_queue)
        self.report = report
        self.sent = Counter()            # messages made, by event name
        self.bytes_sent = 0
        self.dropped_clients = 0
        self.dropped_hits = 0
        self.clock_resets = 0
        self.leads_ms: deque = deque(maxlen=4096)   # how long before its output time each hit left
        self._lock = threading.RLock()
        self._clients: list[Client] = []
        self._console: deque = deque(maxlen=self.console_lines)
        self._views: dict[int, tuple] = {}       # slot -> (key, version, CodeView)
        self._slot_list: list[dict] = []
        self._version = 0
        self._cards: dict[tuple, dict] = {}      # (bank, name, index) -> card
        self._recent: OrderedDict = OrderedDict()  # card key -> card, newest last
        self._levels = SlotLevels()
        self._meter = None
        self._clock = None
        self._sub = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    # -- lifecycle --------------------------------------------------------------------------
    def start(self) -> StageHub:
        from ...osc.timing import stream_clock_for
        from ..tap import output_tap_reader

        session = self.session
        self._clock = stream_clock_for(session)
        self._xruns = session.engine.stats(reset_peak=False)["xruns"]
        self._meter = MasterMeter(output_tap_reader(session.output), session.sr)
        self._check_slots()
        self._sub = session.notices.subscribe("stage", maxsize=512)
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="livesamp-stage", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._sub is not None:
            self._sub.close()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
        with self._lock:
            for c in self._clients:
                c.close()
            self._clients = []

    # -- pages ------------------------------------------------------------------------------
    def connect(self) -> Client:
        """A new page: its outbox starts with the snapshot, then every later message."""
        client = Client(self.client_queue)
        with self._lock:
            self._check_slots()     # fresh, not up to 50 ms old
            client.put(sse("state", self.snapshot()))
            self._clients.append(client)
        return client

    def disconnect(self, client: Client) -> None:
        client.close()
        with self._lock:
            self._clients = [c for c in self._clients if c is not client]

    @property
    def clients(self) -> int:
        return len(self._clients)

    def snapshot(self) -> dict:
        with self._lock:
            return {"slots": list(self._slot_list), "console": list(self._console),
                    "cards": list(self._recent.values()), "cps": float(self.session.clock.cps)}

    def _broadcast(self, event: str, data) -> None:
        msg = sse(event, data)
        with self._lock:
            self.sent[event] += 1
            self.bytes_sent += len(msg)
            alive = []
            for c in self._clients:
                if c.put(msg):
                    alive.append(c)
                else:
                    self.dropped_clients += 1
            self._clients = alive

    # -- the console (an Evaluator listener: any thread) ---------------------------------------
    def console(self, record: dict) -> None:
        text = str(record.get("text", ""))
        lines = text.strip("\n").split("\n")
        if len(lines) > 8:
            lines = lines[:7] + [f"... ({len(lines) - 7} more lines)"]
        text = "\n".join(lines)
        if len(text) > 500:
            text = text[:499] + "…"
        error = record.get("error")
        if error:
            error = str(error)
            error = error if len(error) <= 300 else error[:299] + "…"
        entry = {"n": record.get("n"), "text": text, "ok": bool(record.get("ok", True)), "error": error}
        with self._lock:
            self._console.append(entry)
            self._broadcast("console", entry)

    # -- the thread ---------------------------------------------------------------------------
    def _run(self) -> None:
        next_meter = next_slots = time.monotonic()
        while not self._stop.is_set():
            try:
                batch = self._sub.get(timeout=self.tick_s)
                self._clock.observe()
                hits: list = []
                new_cards: dict = {}
                while batch is not None:
                    self._take(batch, hits, new_cards)
                    batch = self._sub.get(timeout=0)
                now = time.monotonic()
                if now >= next_slots:
                    next_slots = now + 0.05
                    self._check_slots()
                    self._check_xruns()
                if hits:
                    self._send_hits(hits, new_cards)
                if now >= next_meter:
                    next_meter = max(next_meter + self.meter_period_s, now)
                    self._send_meters()
            except Exception as e:  # noqa: BLE001 - the view must not die mid-set
                self.report(f"stage: {type(e).__name__}: {e}")
                self._stop.wait(0.5)

    def _take(self, batch, hits: list, new_cards: dict) -> None:
        clock = self._clock
        for row, info in batch:
            kind = int(row[L.N_KIND])
            if kind == L.NK_ENDED:
                self._levels.end(int(row[L.N_VOICE]), clock.time_of(float(row[L.N_FRAME])))
                continue
            if kind != L.NK_STARTED or info is None:
                continue
            slot = int(row[L.N_SLOT])
            at = clock.time_of(float(row[L.N_FRAME]))
            self._levels.start(slot, int(row[L.N_VOICE]), trigger_amp(info.value), at)
            hit = {"s": _label(slot), "at": round(at, 4), "c": round(info.cycle, 4),
                   "d": round(1000 * info.duration_s),
                   "n": info.name, "k": self._card_key(info.sample, new_cards)}
            view = self._views.get(slot)
            if view is not None:
                hit["v"] = view[1]
                hit["a"] = view[2].atoms_for(info.locations, info.value)
            hits.append(hit)

    def _card_key(self, sample, new_cards: dict) -> str | None:
        if sample is None:
            return None
        key = (getattr(sample, "bank", ""), getattr(sample, "name", ""), getattr(sample, "index", 0))
        with self._lock:
            card = self._cards.get(key)
            if card is None:
                card = card_for(sample, f"c{len(self._cards) + 1}", self.publish)
                self._cards[key] = card
                new_cards[card["k"]] = card
            self._recent[card["k"]] = card
            self._recent.move_to_end(card["k"])
            while len(self._recent) > 24:
                self._recent.popitem(last=False)
        return card["k"]

    def _send_hits(self, hits: list, new_cards: dict) -> None:
        if len(hits) > _MAX_HITS:
            self.dropped_hits += len(hits) - _MAX_HITS
            hits = hits[-_MAX_HITS:]
        now = time.time()
        for h in hits:
            h["in"] = round(1000 * (h["at"] - now))
            self.leads_ms.append(h["in"])
        self._broadcast("hits", {"hits": hits, "cards": new_cards})

    def _check_xruns(self) -> None:
        """After an xrun the stream's frames moved against the system clock: measure afresh
        (the measured clock would otherwise keep the old offset for its whole window)."""
        from ...osc.timing import stream_clock_for

        xruns = self.session.engine.stats(reset_peak=False)["xruns"]
        if xruns != self._xruns:
            self._xruns = xruns
            self.clock_resets += 1
            self._clock = stream_clock_for(self.session)
            self._clock.observe()

    def _send_meters(self) -> None:
        now = time.time()
        clock = self._clock
        heard = clock.frame_at(now)
        master = self._meter.update(heard) if self._meter is not None else None
        levels = {_label(s): db for s, db in self._levels.levels(now).items()}
        cycle = float(self.session.clock.cycle_at(max(0, int(heard))))
        self._broadcast("meters", {"lv": levels, "m": master, "cyc": round(cycle, 3),
                                   "cps": round(float(self.session.clock.cps), 4)})

    def _check_slots(self) -> None:
        """Send the active slots when their code, mute or solo changed."""
        slots = self.session.slots
        audible = {i for i, _ in slots.audible()}
        changed = False
        out = []
        with self._lock:
            for s in slots:
                if s.pattern is None:
                    if self._views.pop(s.index, None) is not None:
                        changed = True
                    continue
                code = (s.source or "")[:_MAX_CODE]
                key = (id(s.pattern), code)
                view = self._views.get(s.index)
                if view is None or view[0] != key:
                    self._version += 1
                    view = (key, self._version, CodeView(code))
                    self._views[s.index] = view
                    changed = True
                out.append({"slot": s.name, "v": view[1], "code": code,
                            "atoms": [list(a) for a in view[2].atoms],
                            "muted": bool(s.muted), "audible": s.index in audible})
            flags = [(d["slot"], d["muted"], d["audible"]) for d in out]
            if changed or flags != [(d["slot"], d["muted"], d["audible"]) for d in self._slot_list]:
                self._slot_list = out
                self._broadcast("slots", out)


def _label(slot: int) -> str:
    return f"d{slot + 1}" if 0 <= slot < 16 else "osc"
