"""OscServer: a drop-in SuperDirt on UDP, plus livesamp's own addresses.

One thread receives datagrams (and `/c_set` on the bus port), decodes them with our
strict codec, and turns each `/dirt/play` into a finished trigger row, timed at its
bundle's timetag through the stream clock, then hands the row to the scheduler's inbox:
the scheduler thread stays the engine's only producer. Nothing here sleeps until a
timetag.

Accounting: every datagram ends in exactly one of forbidden (sender not allowed),
malformed (by reason), parsed or shed; every message of a parsed datagram in exactly one
message outcome (played, handled, or a drop reason). `stats()` returns them all;
`kernel_drops` counts what the OS dropped before we could read it (SO_RXQ_OVFL).

Load: handling a datagram costs tens of microseconds of Python under the GIL, so a
flood could starve the scheduler thread. The OSC thread may be busy for at most
`cpu_share` of each 100 ms window; past that it still empties the socket but drops
what it reads, unexamined, counted as `shed`. The audio callback never needs the GIL.

Lateness: a bundle due in the past but less than `late_drop_s` ago is played at once
and counted as `late` (a warning at most every 5 s); older ones are dropped as
`too_late`. A message outside a bundle plays as soon as possible (the next block).
"""
from __future__ import annotations

import ipaddress
import selectors
import socket
import struct
import threading
import time
import traceback
from collections import Counter

from ..bank.errors import BankError
from .config import OscConfig
from .dirt import OSC_SLOT, BadEvent, OnceWarner, handshake_reply, parse_play
from .events import EventSender
from .own import cps_value, slot_pattern
from .timing import ntp_to_unix, stream_clock_for
from . import wire

__all__ = ["OscServer"]

_SO_RXQ_OVFL = getattr(socket, "SO_RXQ_OVFL", 40)   # Linux: kernel drop counter per datagram
_MAX_BUSES = 4096
_BATCH = 256              # datagrams handled per wake-up before the clock is observed again
_WINDOW_S = 0.1           # the CPU budget is counted per window of this length


class _Hap:
    """The little of a Hap that TriggerPacker.pack reads."""

    __slots__ = ("value", "whole", "context")

    def __init__(self, value):
        self.value = value
        self.whole = None
        self.context = {}


class OscServer:
    """Receives OSC for a Session. `start()` binds and runs; `handle_datagram` is the
    whole per-datagram logic (tests call it without sockets)."""

    def __init__(self, session, config: OscConfig | None = None, stream_clock=None, report=None):
        self.session = session
        self.config = config or OscConfig()
        self.engine = session.engine
        self.report = report or session.report
        self.stream_clock = stream_clock if stream_clock is not None else stream_clock_for(session)
        self.inbox = session.scheduler.inbox
        self.inbox.capacity = int(self.config.queue)
        self.asap_frames = int(session.blocksize)
        self.buses: dict[int, float] = {}
        self.warn = OnceWarner(self.report)
        self.datagrams = Counter()   # forbidden | malformed | parsed | internal_error
        self.malformed = Counter()   # by decode reason
        self.messages = Counter()    # message outcomes
        self.late = 0                # played late (also counted as played)
        self.far_ahead = 0           # timetags beyond max_ahead_s (played 0.2 s from now)
        self.kernel_drops = 0        # datagrams the OS dropped (receive buffer full)
        self.max_late_s = 0.0
        self.reply_failures = 0
        self._late_window = [0, 0.0, time.monotonic()]  # count, worst, since
        self._window_start = 0.0
        self._window_busy = 0.0
        self._budget_s = max(0.0, min(1.0, self.config.cpu_share)) * _WINDOW_S
        if self.config.cpu_share >= 1.0:
            self._budget_s = float("inf")
        self._allowed_cache: dict[str, bool] = {}
        self._networks = self.config.networks()
        self._socks: list[socket.socket] = []
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.events: EventSender | None = None
        self.address: tuple | None = None
        self.bus_address: tuple | None = None
        self._dispatch = {
            "/dirt/play": self._play,
            "/dirt/handshake": self._handshake,
            "/c_set": self._c_set,
            "/livesamp/slot": self._slot,
            "/livesamp/hush": self._hush,
            "/livesamp/cps": self._cps,
            "/livesamp/trigger": self._trigger,
        }

    # -- the per-datagram logic -----------------------------------------------------------
    def allowed(self, host: str) -> bool:
        ok = self._allowed_cache.get(host)
        if ok is None:
            try:
                ip = ipaddress.ip_address(host.split("%")[0])
                if getattr(ip, "ipv4_mapped", None):
                    ip = ip.ipv4_mapped
                ok = any(ip in net for net in self._networks)
            except ValueError:
                ok = False
            if len(self._allowed_cache) > 1024:
                self._allowed_cache.clear()
            self._allowed_cache[host] = ok
        return ok

    def handle_datagram(self, data: bytes, addr) -> list:
        """Handle one datagram from `addr` ((host, port)); returns replies [(bytes, addr)]."""
        if not self.allowed(addr[0]):
            self.datagrams["forbidden"] += 1
            return []
        try:
            msgs = wire.decode(data)
        except wire.OscDecodeError as e:
            self.datagrams["malformed"] += 1
            self.malformed[e.reason] += 1
            return []
        except Exception:   # a codec bug: count it, say it once, keep running
            self.datagrams["internal_error"] += 1
            self.warn(("internal", "decode"), "OSC decode error (a livesamp bug):\n" +
                      traceback.format_exc(limit=4))
            return []
        self.datagrams["parsed"] += 1
        replies: list = []
        for m in msgs:
            handler = self._dispatch.get(m.address)
            if handler is None:
                self.messages["unknown_address"] += 1
                self.warn(("address", m.address[:64]), f"OSC: ignoring unknown address {m.address!r:.70}")
                continue
            try:
                outcome = handler(m, addr, replies)
            except BadEvent as e:
                outcome = e.reason
                if m.address.startswith("/livesamp/") and self.config.reply_errors:
                    replies.append((wire.encode_message("/livesamp/error", [m.address, str(e)[:400]]), addr))
            except Exception as e:
                outcome = "internal_error"
                self.warn(("internal", m.address, type(e).__name__),
                          f"OSC {m.address}: {type(e).__name__} (a livesamp bug):\n" +
                          traceback.format_exc(limit=4))
            self.messages[outcome] += 1
        return replies

    def _frame_for(self, timetag: int | None) -> tuple[int, bool, float]:
        """(stream frame, urgent, seconds late) for a message's timetag; raises BadEvent
        when too late."""
        engine_frame = self.engine.frame
        if timetag is None:
            return engine_frame + self.asap_frames, True, 0.0
        clock = self.stream_clock
        t = ntp_to_unix(timetag)
        now = clock.now()
        if t - now > self.config.max_ahead_s:   # SuperDirt: warn, play 0.2 s from now
            self.far_ahead += 1
            self.warn(("far",), f"OSC: a timetag {t - now:.1f} s ahead (more than "
                                f"{self.config.max_ahead_s:g} s): playing it 0.2 s from now, "
                                "as SuperDirt does")
            t = now + 0.2
        frame = round(clock.frame_at(t))
        sr = self.session.sr
        late_s = (engine_frame - frame) / sr
        if late_s > self.config.late_drop_s:
            raise BadEvent("too_late", f"{late_s:.3f} s late")
        return frame, frame - engine_frame < 0.04 * sr, late_s

    def _count_late(self, late_s: float) -> None:
        self.late += 1
        self.max_late_s = max(self.max_late_s, late_s)
        w = self._late_window
        w[0] += 1
        w[1] = max(w[1], late_s)
        now = time.monotonic()
        if now - w[2] >= 5.0:
            self.report(f"OSC: {w[0]} late bundle(s) in the last {now - w[2]:.0f} s, up to "
                        f"{w[1] * 1000:.0f} ms late: played at once (more than "
                        f"{self.config.late_drop_s:g} s late: dropped)")
            self._late_window = [0, 0.0, now]

    def _queue(self, value: dict, cps: float, cycle: float, timetag, slot: int = OSC_SLOT) -> str:
        frame, urgent, late_s = self._frame_for(timetag)
        try:
            row = self.session.packer.pack(slot, _Hap(value), frame, cps, cycle)
        except (KeyError, BankError) as e:   # unknown (or revoked) sample name
            name = value.get("s")
            self.warn(("sample", str(name)[:64]), f"OSC: {e} (SuperDirt synths are not "
                                                  "available in livesamp)" if "unknown" in str(e)
                      else f"OSC: {e}")
            return "unknown_sample"
        except ValueError as e:
            raise BadEvent("bad_args", str(e)) from None
        if row is None:
            return "no_sound"
        if not self.inbox.put(row, urgent=urgent):
            return "queue_full"
        if late_s > 0:
            self._count_late(late_s)
        return "played"

    # -- addresses ------------------------------------------------------------------------
    def _play(self, m, addr, replies) -> str:
        ev = parse_play(m.args, self.session.clock.cps, self.buses, self.warn)
        return self._queue(ev.value, ev.cps, ev.cycle, m.timetag)

    def _trigger(self, m, addr, replies) -> str:
        if not m.args or not isinstance(m.args[0], str):
            raise BadEvent("bad_args", "/livesamp/trigger needs a sound name first")
        ev = parse_play(["s", *m.args], self.session.clock.cps, None, self.warn)
        return self._queue(ev.value, ev.cps, ev.cycle, m.timetag)

    def _handshake(self, m, addr, replies) -> str:
        bus_port = self.bus_address[1] if self.bus_address else self.config.bus_port or 57110
        replies.append((handshake_reply("127.0.0.1", bus_port), addr))
        return "handled"

    def _c_set(self, m, addr, replies) -> str:
        a = m.args
        if not a or len(a) % 2:
            raise BadEvent("bad_args", "/c_set takes bus/value pairs")
        for i in range(0, len(a), 2):
            bus, value = a[i], a[i + 1]
            if (not isinstance(bus, int) or isinstance(bus, bool) or not 0 <= bus < _MAX_BUSES
                    or not isinstance(value, (int, float)) or value != value or abs(value) == float("inf")):
                raise BadEvent("bad_args", f"/c_set: bus {bus!r:.20} value {value!r:.20}")
            self.buses[bus] = float(value)
        return "handled"

    def _slot(self, m, addr, replies) -> str:
        index, pat = slot_pattern(m.args)
        source = "osc: " + " ".join(str(a) if not isinstance(a, str) else repr(a) for a in m.args)[:300]
        try:
            self.session.play(index, pat, source)
        except (KeyError, ValueError, TypeError, ArithmeticError) as e:  # unknown sample, query error
            raise BadEvent("bad_pattern", f"d{index + 1}: {e}") from None
        return "handled"

    def _hush(self, m, addr, replies) -> str:
        self.session.hush()
        return "handled"

    def _cps(self, m, addr, replies) -> str:
        self.session.setcps(cps_value(m.args))
        return "handled"

    # -- sockets and the thread -----------------------------------------------------------
    def _bind(self, host: str, port: int) -> socket.socket:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_DGRAM)
        try:
            if self.config.recv_buffer:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, int(self.config.recv_buffer))
            sock.setsockopt(socket.SOL_SOCKET, _SO_RXQ_OVFL, 1)
        except OSError:
            pass
        try:
            sock.bind((host, port))
        except OSError:
            sock.close()
            raise
        sock.setblocking(False)
        return sock

    def start(self) -> OscServer:
        """Bind (port 0 picks a free port: see `address`), start the receive thread, send
        /dirt/hello, and start OSC out if targets are configured."""
        cfg = self.config
        main = self._bind(cfg.host, cfg.port)
        self.address = main.getsockname()[:2]
        self._socks = [main]
        if cfg.bus_port:
            try:
                bus = self._bind(cfg.host, cfg.bus_port)
                self._socks.append(bus)
                self.bus_address = bus.getsockname()[:2]
            except OSError as e:
                self.report(f"OSC: control-bus port {cfg.bus_port} not available ({e.strerror}); "
                            "Tidal's ...bus parameters will be ignored")
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="livesamp-osc", daemon=True)
        self._thread.start()
        for target in cfg.hello:
            try:
                main.sendto(wire.encode_message("/dirt/hello", []), target)
            except OSError:
                pass
        if cfg.event_targets or cfg.forward_targets:
            self.events = EventSender(self.engine, self.session.packer, self.stream_clock,
                                      cfg.event_targets, cfg.forward_targets,
                                      cfg.forward_latency_s, report=self.report,
                                      notices=self.session.notices).start()
        return self

    def _recv(self, sock) -> None:
        for _ in range(_BATCH):
            try:
                data, anc, _flags, addr = sock.recvmsg(65536, socket.CMSG_SPACE(4))
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            for level, kind, payload in anc:
                if level == socket.SOL_SOCKET and kind == _SO_RXQ_OVFL and len(payload) >= 4:
                    self.kernel_drops = struct.unpack("=I", payload[:4])[0]
            t = time.perf_counter()
            if t - self._window_start >= _WINDOW_S:
                self._window_start, self._window_busy = t, 0.0
            elif self._window_busy > self._budget_s:
                self.datagrams["shed"] += 1      # over budget: received, not looked at
                continue
            replies = self.handle_datagram(data, addr)
            self._window_busy += time.perf_counter() - t
            for reply, to in replies:
                try:
                    sock.sendto(reply, to)
                except OSError:
                    self.reply_failures += 1

    def _run(self) -> None:
        sel = selectors.DefaultSelector()
        for s in self._socks:
            sel.register(s, selectors.EVENT_READ)
        observe = self.stream_clock.observe
        try:
            while not self._stop.is_set():
                ready = sel.select(self.config.tick_s)
                observe()
                for key, _ in ready:
                    try:
                        self._recv(key.fileobj)
                    except Exception:   # never let the OSC thread die
                        self.datagrams["internal_error"] += 1
                        self.warn(("internal", "recv"), "OSC receive error (a livesamp bug):\n" +
                                  traceback.format_exc(limit=4))
        finally:
            sel.close()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
        if self.events is not None:
            self.events.stop()
            self.events = None
        for s in self._socks:
            s.close()
        self._socks = []

    close = stop

    def __enter__(self) -> OscServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stats(self) -> dict:
        """Counters: datagrams by outcome, malformed by reason, messages by outcome, etc."""
        return {
            "datagrams": dict(self.datagrams),
            "malformed": dict(self.malformed),
            "messages": dict(self.messages),
            "late": self.late,
            "max_late_s": self.max_late_s,
            "far_ahead": self.far_ahead,
            "kernel_drops": self.kernel_drops,
            "reply_failures": self.reply_failures,
            "queue_refused": self.inbox.refused,
            "warnings_suppressed": self.warn.suppressed,
        }
