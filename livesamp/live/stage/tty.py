"""`livesamp stage --tty`: the stage drawn in a terminal, for those who share a terminal.

It follows a running stage's event stream (`/events`, the same as the page) and redraws
full-screen with ANSI escapes: each slot's code with the sounding atoms lit, the cards
of the sounds playing, the last inputs and the master's spectrum. `TtyView` holds the
state and renders lines (tests call it without a terminal); `run_tty` connects, follows
and draws until Ctrl-C.
"""
from __future__ import annotations

import heapq
import http.client
import json
import shutil
import sys
import threading
import time
from collections import deque
from urllib.parse import urlsplit

__all__ = ["TtyView", "SseReader", "run_tty"]

_LIT = "\x1b[1;30;43m"
_DIM = "\x1b[2m"
_WARN = "\x1b[33m"
_ACC = "\x1b[36m"
_OFF = "\x1b[0m"
_BARS = " ▁▂▃▄▅▆▇█"


def _bar(db: float, width: int) -> str:
    x = max(0.0, min(1.0, (db + 60.0) / 60.0)) * width
    full = int(x)
    half = full < width and x - full >= 0.5
    return "█" * full + ("▌" if half else "") + " " * (width - full - half)


def _plain(text: str) -> str:
    """Text from the stream with control characters made harmless (no escapes reach the terminal)."""
    return "".join("?" if (c < " " and c != "\n") or "\x7f" <= c <= "\x9f" else c for c in text)


class TtyView:
    """The stage's state as the stream tells it, and its rendering to terminal lines."""

    def __init__(self):
        self.slots: list[dict] = []
        self.cards: dict[str, dict] = {}
        self.shown_cards: deque = deque(maxlen=3)
        self.console: deque = deque(maxlen=4)
        self.levels: dict[str, float] = {}
        self.master: dict | None = None
        self.clock = ""
        self.connected = False
        self.lit: dict[tuple, float] = {}      # (slot, version, atom) -> until (monotonic)
        self._due: list = []                   # heap of (monotonic time, seq, hit)
        self._seq = 0
        self._offsets: deque = deque(maxlen=64)

    # -- the stream ---------------------------------------------------------------------------
    def feed(self, event: str, data: dict, received: float | None = None) -> None:
        """One event from the stream; `received` is time.time() when it arrived."""
        received = time.time() if received is None else received
        if event == "state":
            self.slots = data.get("slots", [])
            self.console.clear()
            for e in data.get("console", []):
                self.console.append(e)
            for c in data.get("cards", []):
                self.cards[c["k"]] = c
                self._show_card(c["k"])
            self._offsets.clear()
        elif event == "slots":
            self.slots = data
        elif event == "console":
            self.console.append(data)
        elif event == "meters":
            self.levels = data.get("lv", {})
            self.master = data.get("m")
            self.clock = f"cycle {int(data.get('cyc', 0))} · {data.get('cps', 0):.3f} cps"
        elif event == "hits":
            self.cards.update(data.get("cards", {}))
            for h in data.get("hits", []):
                self._offsets.append(received - (h["at"] - h.get("in", 0) / 1000.0))
            off = min(self._offsets) if self._offsets else 0.0
            mono_now, now = time.monotonic(), time.time()
            for h in data.get("hits", []):
                due = mono_now + (h["at"] + off - now)
                self._seq += 1
                heapq.heappush(self._due, (due, self._seq, h))

    def _show_card(self, key: str) -> None:
        if key in self.shown_cards:
            return
        self.shown_cards.appendleft(key)

    def advance(self, now: float | None = None) -> bool:
        """Light what is due by `now` (monotonic) and put out what has ended; True if the
        picture changed."""
        now = time.monotonic() if now is None else now
        changed = False
        while self._due and self._due[0][0] <= now:
            _, _, h = heapq.heappop(self._due)
            hold = min(1.5, max(0.08, 0.92 * h.get("d", 120) / 1000.0))
            for a in h.get("a") or ():
                self.lit[(h["s"], h.get("v"), a)] = now + hold
            if h.get("k") in self.cards:
                self._show_card(h["k"])
            changed = True
        for key in [k for k, until in self.lit.items() if until <= now]:
            del self.lit[key]
            changed = True
        return changed

    # -- drawing -------------------------------------------------------------------------------
    def render(self, width: int = 100, height: int = 30) -> list[str]:
        width = max(30, width)
        head = f" livesamp stage  {self.clock}"
        status = "live" if self.connected else "connecting…"
        lines = [head + " " * max(1, width - len(head) - len(status) - 1) + status, ""]
        code_w = width - 12
        for d in self.slots:
            label = f" {d['slot']:>3} {_bar(self.levels.get(d['slot'], -60.0), 5)} "
            dim = d.get("muted") or not d.get("audible", True)
            for k, row in enumerate(self._code_rows(d, code_w)):
                prefix = label if k == 0 else " " * len(label)
                lines.append((_DIM if dim else "") + prefix + row + _OFF)
        if not self.slots:
            lines.append(_DIM + "  nothing is playing" + _OFF)
        lines.append("")
        for key in list(self.shown_cards):
            c = self.cards.get(key)
            if c is None:
                continue
            bits = [c.get("made", "")] + [f"{label} {c[f]}" for f, label in
                                          (("recorded_at", "recorded"), ("place", "at"), ("author", "by"),
                                           ("device", "on")) if c.get(f)] + [c.get("licence", "")]
            line = f" {c['name']}{':' + str(c['n']) if c.get('n') else ''}  " + " · ".join(b for b in bits if b)
            lines.append(_ACC + _plain(line)[:width] + _OFF)
            if c.get("recipe"):
                lines.append(_DIM + "   " + _plain(c["recipe"])[:width - 3] + _OFF)
        lines.append("")
        for e in self.console:
            text = _plain(e.get("text", "")).split("\n")[0]
            line = (" › " + text)[:width]
            if e.get("error"):
                lines.append(_WARN + line + _OFF)
                lines.append(_WARN + _DIM + "   " + _plain(e["error"]).split("\n")[0][:width - 3] + _OFF)
            else:
                lines.append(line)
        if self.master:
            spec = self.master.get("spec", [])
            bars = "".join(_BARS[max(0, min(8, int((v + 60) / 60 * 8)))] for v in spec)
            lines.append("")
            lines.append(f" master {bars}  {self.master.get('peak', -60):6.1f} dB")
        return lines[:height]

    def _code_rows(self, d: dict, width: int) -> list[str]:
        code = _plain(d.get("code", "")) or "(a pattern)"
        on = [False] * len(code)
        for i, (a, b) in enumerate(d.get("atoms", [])):
            if (d["slot"], d.get("v"), i) in self.lit:
                for k in range(max(0, a), min(b, len(code))):
                    on[k] = True
        rows, row, state, n = [], "", False, 0
        for ch, lit in zip(code, on):
            if ch == "\n" or n >= width:
                rows.append(row + (_OFF if state else ""))
                row, state, n = (_LIT if state else ""), state, 0
                if ch == "\n":
                    continue
            if lit != state:
                row += _LIT if lit else _OFF
                state = lit
            row += ch
            n += 1
        rows.append(row + (_OFF if state else ""))
        return rows


class SseReader:
    """Follows a stage's `/events` on a thread, putting (event, data, received) into
    `events`; reconnects every second while the stage is away."""

    def __init__(self, url: str):
        u = urlsplit(url)
        self.host, self.port = u.hostname or "127.0.0.1", u.port or 80
        self.events: deque = deque(maxlen=4096)
        self.connected = False
        self._stop = threading.Event()
        self._conn = None
        self._thread = threading.Thread(target=self._run, name="livesamp-stage-tty", daemon=True)

    def start(self) -> SseReader:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        conn = self._conn
        if conn is not None and conn.sock is not None:
            try:
                conn.sock.shutdown(2)
            except OSError:
                pass

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._follow()
            except (OSError, http.client.HTTPException, ValueError):
                pass
            self.connected = False
            self._stop.wait(1.0)

    def _follow(self) -> None:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        self._conn = conn
        conn.request("GET", "/events", headers={"Accept": "text/event-stream"})
        resp = conn.getresponse()
        if resp.status != 200:
            raise ValueError(f"stage answered {resp.status}")
        self.connected = True
        event, data = "message", []
        while not self._stop.is_set():
            line = resp.fp.readline(1 << 20)
            if not line:
                return
            line = line.decode("utf-8", "replace").rstrip("\r\n")
            if not line:
                if data:
                    self.events.append((event, json.loads("\n".join(data)), time.time()))
                event, data = "message", []
            elif line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].lstrip())


def run_tty(url: str, seconds: float | None = None, out=None, fps: float = 30.0) -> int:
    """Follow the stage at `url` and draw it full-screen until Ctrl-C (or `seconds`)."""
    out = out or sys.stdout
    reader = SseReader(url).start()
    view = TtyView()
    deadline = None if seconds is None else time.monotonic() + seconds
    out.write("\x1b[?1049h\x1b[?25l")
    try:
        dirty = True
        while deadline is None or time.monotonic() < deadline:
            while reader.events:
                view.feed(*reader.events.popleft())
                dirty = True
            if view.connected != reader.connected:
                view.connected = reader.connected
                dirty = True
            dirty |= view.advance()
            if dirty:
                size = shutil.get_terminal_size((100, 30))
                lines = view.render(size.columns, size.lines)
                out.write("\x1b[H" + "\x1b[K\n".join(lines) + "\x1b[K\x1b[J")
                out.flush()
                dirty = False
            time.sleep(1.0 / fps)
    except KeyboardInterrupt:
        pass
    finally:
        reader.stop()
        out.write("\x1b[?25h\x1b[?1049l")
        out.flush()
    return 0
