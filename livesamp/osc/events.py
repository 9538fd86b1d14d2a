"""OSC out: what the engine played, for visualisers, and optionally for a real SuperDirt.

For every voice the engine started (an NK_STARTED notice), each event target gets

    /livesamp/event  slot name n gain pan cycle provenance event time
                     s    s    i f    f   f     s          i     d

slot is "d1".."d16" for livesamp's slots and "osc" (or "osc:d1" when Tidal's `_id_`
was "1") for events that came over OSC; provenance is the sample's one-line history;
time is the system time (Unix seconds) the event sounded at.

Each forward target gets the event as a SuperDirt `/dirt/play` bundle (keys sorted as
Tidal sends them), timetagged `latency_s` after it sounded here, so a real SuperDirt
plays it with the same relative timing.
"""
from __future__ import annotations

import socket
import threading
from fractions import Fraction

from ..engine import layout as L
from . import wire
from .dirt import OSC_SLOT
from .timing import unix_to_ntp

__all__ = ["EventSender", "slot_label"]

_SKIP = {"_id_", "cycle"}


def slot_label(slot: int, value: dict) -> str:
    if 0 <= slot < OSC_SLOT:
        return f"d{slot + 1}"
    stream = value.get("_id_") if isinstance(value, dict) else None
    return f"osc:d{stream}" if stream else "osc"


def _dirt_args(info) -> tuple[list, str]:
    value = dict(info.value) if isinstance(info.value, dict) else {}
    value["s"] = info.name
    value["n"] = float(info.index)
    args, tags = [], ""
    kv = {k: v for k, v in value.items() if k not in _SKIP}
    kv["cycle"] = float(info.cycle)
    if "_id_" in value:
        kv["_id_"] = str(value["_id_"])
    for key in sorted(kv):
        v = kv[key]
        if isinstance(v, bool):
            v = int(v)
        if key in ("orbit", "cut") and isinstance(v, (int, float)):
            args += [key, int(v)]
            tags += "si"
        elif isinstance(v, (int, float, Fraction)):
            args += [key, float(v)]
            tags += "sf"
        elif isinstance(v, str):
            args += [key, v]
            tags += "ss"
    return args, tags


class EventSender:
    """Sends /livesamp/event (and optional /dirt/play forwards) for played events.

    `handle(notices)` takes notice rows (as `Engine.pop_notices()` returns them); `start()`
    subscribes to `notices` (the session's `NoticeFanout`, the engine's one notice reader)
    and sends on a thread of its own.
    """

    def __init__(self, engine, packer, stream_clock, targets=(), forward=(), latency_s: float = 0.2,
                 poll_s: float = 0.01, report=print, notices=None):
        self.engine = engine
        self.notices = notices
        self._sub = None
        self.report = report
        self.packer = packer
        self.stream_clock = stream_clock
        self.targets = tuple(targets)
        self.forward = tuple(forward)
        self.latency_s = float(latency_s)
        self.poll_s = poll_s
        self.sent = 0
        self.unknown_events = 0
        self.send_errors = 0
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def handle(self, notices, infos=None) -> int:
        """Send out every NK_STARTED notice in `notices` (`infos`: their EventInfos, as a
        NoticeBatch joined them; else looked up in the packer); returns how many were sent."""
        n = 0
        events = self.packer.events
        for k, row in enumerate(notices):
            if int(row[L.N_KIND]) != L.NK_STARTED:
                continue
            info = infos[k] if infos is not None else events.get(int(row[L.N_EVENT]))
            if info is None:
                self.unknown_events += 1
                continue
            when = self.stream_clock.time_of(float(row[L.N_FRAME]))
            value = info.value if isinstance(info.value, dict) else {}
            if self.targets:
                gain = value.get("gain", 1.0)
                pan = value.get("pan", 0.5)
                msg = wire.encode_message(
                    "/livesamp/event",
                    [slot_label(info.slot, value), info.name, int(info.index),
                     float(gain) if isinstance(gain, (int, float, Fraction)) else 1.0,
                     float(pan) if isinstance(pan, (int, float, Fraction)) else 0.5,
                     float(info.cycle), info.sample.provenance.short(), int(info.event), when],
                    "ssifffsid")
                self._send(msg, self.targets)
            if self.forward:
                args, tags = _dirt_args(info)
                bundle = wire.encode_bundle(unix_to_ntp(when + self.latency_s),
                                            [wire.encode_message("/dirt/play", args, tags)])
                self._send(bundle, self.forward)
            n += 1
        self.sent += n
        return n

    def _send(self, data: bytes, targets) -> None:
        for t in targets:
            try:
                self._sock.sendto(data, t)
            except OSError:
                self.send_errors += 1

    def start(self) -> EventSender:
        if self.notices is None:
            raise ValueError("EventSender needs the session's notice fan-out (session.notices): "
                             "the engine's notices have one reader")
        self._sub = self.notices.subscribe("osc-out", maxsize=1024)
        self._thread = threading.Thread(target=self._run, name="livesamp-osc-out", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            batch = self._sub.get(timeout=self.poll_s * 10)
            if batch is None:
                continue
            try:
                self.handle(batch.rows, batch.infos)
            except Exception as e:  # keep sending; say what went wrong the first time
                self.send_errors += 1
                if self.send_errors == 1:
                    self.report(f"OSC out: {type(e).__name__}: {e}")

    def stop(self) -> None:
        self._stop.set()
        if self._sub is not None:
            self._sub.close()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
        self._sock.close()
