"""The stage over real sockets on 127.0.0.1: the page's files, the event stream (snapshot,
slots, hits with atoms and cards, console, meters), the latency compensation against the
output's own DAC times, the terminal mirror, the command line; and the security rules:
read-only, no path traversal, bounded requests, loopback hosts only, nothing changed."""
from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.request

import pytest

from livesamp.cli import build_parser
from livesamp.live.evaluate import Evaluator
from livesamp.live.session import Session
from livesamp.live.stage import Stage, StageConfig
from livesamp.live.stage.cli import config_from_args
from livesamp.live.stage.tty import SseReader, TtyView


@pytest.fixture(scope="module")
def live():
    session = Session(report=lambda m: None)
    session.setcps(1)
    session.start(backend="null")
    echoed = []
    ev = Evaluator(session, None, echo=echoed.append)
    stage = Stage(session, StageConfig(port=0, max_streams=4), evaluator=ev).start()
    ev.evaluate('d1 << "thud tss tsk tss"')
    ev.evaluate('d2 << s("big_swoosh(3,8)").gain(0.9)')
    try:
        yield session, stage, ev
    finally:
        stage.stop()
        session.stop()


def events(url, seconds, until=None):
    """(event, data) read from the stage's stream for `seconds` (or until `until(list)`)."""
    u = urllib.request.urlopen(url + "events", timeout=5)
    out, event, deadline = [], None, time.monotonic() + seconds
    try:
        while time.monotonic() < deadline and not (until and until(out)):
            line = u.readline().decode().rstrip("\n")
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                out.append((event, json.loads(line[5:]), time.time()))
    finally:
        u.close()
    return out


def raw(stage, data: bytes, read: int = 65536) -> tuple[int, bytes]:
    """Send raw bytes; (status, whole answer)."""
    host, port = stage.server.address
    with socket.create_connection((host, port), timeout=5) as c:
        c.sendall(data)
        buf = b""
        try:
            while len(buf) < read:
                chunk = c.recv(65536)
                if not chunk:
                    break
                buf += chunk
                if b"\r\n\r\n" in buf and data.startswith(b"HEAD "):
                    break
                if b"\r\n\r\n" in buf and (b"Content-Length: " in buf):
                    head, body = buf.split(b"\r\n\r\n", 1)
                    length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
                    if len(body) >= length:
                        break
        except (ConnectionResetError, socket.timeout):
            pass
    status = int(buf.split(b" ", 2)[1]) if buf.startswith(b"HTTP/") else 0
    return status, buf


def state(session):
    return [(s.pattern, s.source, s.muted) for s in session.slots], session.clock.cps


# -- the page and its stream ------------------------------------------------------------------

def test_the_page_and_its_files_are_served_with_safe_headers(live):
    _, stage, _ = live
    r = urllib.request.urlopen(stage.url, timeout=5)
    page = r.read().decode()
    assert r.status == 200 and "text/html" in r.headers["Content-Type"]
    assert 'src="stage.js"' in page and 'href="stage.css"' in page
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff" and "Access-Control-Allow-Origin" not in r.headers
    for name, ctype in (("stage.js", "text/javascript"), ("stage.css", "text/css")):
        r = urllib.request.urlopen(stage.url + name, timeout=5)
        assert r.status == 200 and r.headers["Content-Type"].startswith(ctype) and len(r.read()) > 500
    assert urllib.request.urlopen(stage.url + "?transparent=1", timeout=5).status == 200


def test_the_stream_starts_with_a_snapshot_then_hits_light_the_atoms_in_order(live):
    session, stage, _ = live
    got = events(stage.url, 8, until=lambda out: sum(e == "hits" for e, _, _ in out) >= 12)
    assert got[0][0] == "state"
    snap = got[0][1]
    d1 = next(s for s in snap["slots"] if s["slot"] == "d1")
    assert d1["code"] == '"thud tss tsk tss"' and [d1["code"][a:b] for a, b in d1["atoms"]] == \
        ["thud", "tss", "tsk", "tss"]
    assert [c["text"] for c in snap["console"]][-2:] == ['d1 << "thud tss tsk tss"',
                                                         'd2 << s("big_swoosh(3,8)").gain(0.9)']
    hits = [(h, t) for e, d, t in got if e == "hits" for h in d["hits"]]
    d1_hits = [h for h, _ in hits if h["s"] == "d1"]
    assert len(d1_hits) >= 6
    words = [d1["code"][d1["atoms"][h["a"][0]][0]:d1["atoms"][h["a"][0]][1]] for h in d1_hits]
    assert all(h["n"] == w for h, w in zip(d1_hits, words))        # the atom lit is the sound played
    steps = [(b["a"][0] - a["a"][0]) % 4 for a, b in zip(d1_hits, d1_hits[1:])]
    assert steps == [1] * len(steps)                                # in the pattern's order
    gaps = [b["at"] - a["at"] for a, b in zip(d1_hits, d1_hits[1:])]
    assert all(abs(g - 0.25) < 0.01 for g in gaps)                  # a quarter cycle at 1 cps
    assert all(abs(h["d"] - 250) <= 1 for h in d1_hits)
    d2 = [h for h, _ in hits if h["s"] == "d2"]
    assert d2 and all(h["a"] == [0] and h["n"] == "big_swoosh" for h in d2)
    # each sample's card travels once, with the hit that first plays it (or in the snapshot)
    cards = {c["k"]: c for c in snap["cards"]}
    for e, d, _ in got:
        if e == "hits":
            cards.update(d["cards"])
    assert {cards[h["k"]]["name"] for h, _ in hits} <= {"thud", "tss", "tsk", "big_swoosh"}
    assert all(cards[h["k"]]["made"] == "synthesised by livesamp's default bank" for h, _ in hits)
    meters = [d for e, d, _ in got if e == "meters"]
    assert meters and set(meters[-1]) == {"lv", "m", "cyc", "cps"} and len(meters[-1]["m"]["spec"]) == 28


def test_hits_arrive_before_they_are_heard_and_the_clock_is_the_outputs(live):
    """The null output's callbacks carry the DAC time of their first frame (monotonic); the
    stage's stream clock, measured from the frame counter, must agree with it, and a hit must
    be sent before (or within a few ms after) its sound is heard."""
    session, stage, _ = live
    got = events(stage.url, 6, until=lambda out: sum(e == "hits" for e, _, _ in out) >= 8)
    st = session.engine.stats(reset_peak=False)
    offset = time.time() - time.monotonic()
    true_t0 = st["dac_time"] - st["callback_frame"] / session.sr + offset
    est_t0 = stage.hub._clock.time_of(0.0)
    assert abs(est_t0 - true_t0) < 0.004
    late = [t - h["at"] for e, d, t in got if e == "hits" for h in d["hits"]]
    assert len(late) >= 8 and max(late) < 0.03, late
    print(f"stage clock vs output DAC time: {1000 * (est_t0 - true_t0):+.2f} ms; hit received "
          f"{1000 * min(late):+.1f} .. {1000 * max(late):+.1f} ms from being heard")


def test_slot_changes_and_errors_reach_the_stream(live):
    session, stage, ev = live
    reader = SseReader(stage.url).start()
    try:
        deadline = time.monotonic() + 5
        while not reader.connected and time.monotonic() < deadline:
            time.sleep(0.02)
        ev.evaluate('d3 << "thud [tss"')                  # a typo: the console says so, calmly
        ev.evaluate('d3 << n("0 1").s("tick")')
        time.sleep(0.2)                                   # the hub looks at the slots every 50 ms
        ev.evaluate("mute(d3)")
        time.sleep(0.4)
        ev.evaluate("d3.stop()")
        time.sleep(0.3)
    finally:
        reader.stop()
    got = list(reader.events)
    console = [d for e, d, _ in got if e == "console"]
    typo = next(c for c in console if c["text"] == 'd3 << "thud [tss"')
    assert typo["ok"] is False and "mini-notation" in typo["error"]
    slots = [d for e, d, _ in got if e == "slots"]
    with_d3 = [next(s for s in ss if s["slot"] == "d3") for ss in slots if any(s["slot"] == "d3" for s in ss)]
    assert with_d3[0]["code"] == 'n("0 1").s("tick")' and not with_d3[0]["muted"]
    assert with_d3[-1]["muted"] and not with_d3[-1]["audible"]
    assert not any(s["slot"] == "d3" for s in slots[-1])       # stopped: gone from the stage


def test_the_terminal_mirror_draws_code_with_lit_atoms_and_cards(live):
    _, stage, _ = live
    reader = SseReader(stage.url).start()
    view = TtyView()
    frames = []
    try:
        deadline = time.monotonic() + 2.5
        while time.monotonic() < deadline:
            while reader.events:
                view.feed(*reader.events.popleft())
            if view.advance():
                frames.append("\n".join(view.render(100, 40)))
            time.sleep(0.01)
    finally:
        reader.stop()
    lit = {f.split("\x1b[1;30;43m", 1)[1].split("\x1b[0m", 1)[0] for f in frames if "\x1b[1;30;43m" in f}
    assert {"thud", "tss", "tsk"} <= lit
    assert '"thud tss tsk tss"' in frames[-1].replace("\x1b[1;30;43m", "").replace("\x1b[0m", "")
    assert "big_swoosh" in frames[-1] and "synthesised by livesamp" in frames[-1]


# -- security ---------------------------------------------------------------------------------------

TRAVERSALS = ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/static/../server.py", "//etc/passwd",
              "/stage.js/../../../pyproject.toml", "/..%2f..%2fetc%2fpasswd", "/..\\..\\etc\\passwd",
              "/static/stage.js", "/server.py", "/__init__.py", "/.git/config", "/%00", "/index.html%00.js"]


def test_path_traversal_finds_nothing(live):
    session, stage, _ = live
    before = state(session)
    for path in TRAVERSALS:
        status, answer = raw(stage, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        assert status == 404, (path, answer[:200])
        assert b"root:" not in answer and b"import" not in answer
    for target in ("../../etc/passwd", "http://example.com/", "*"):
        status, _ = raw(stage, f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        assert status == 400, target
    assert state(session) == before


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "FOO"])
def test_every_method_but_get_and_head_is_refused(live, method):
    session, stage, _ = live
    before = state(session)
    for path in ("/", "/events", "/state"):
        status, answer = raw(stage, f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                    f"Content-Length: 0\r\n\r\n".encode())
        assert status == 405 and b"Allow: GET, HEAD" in answer
    assert state(session) == before


def test_oversized_and_bodied_requests_are_refused(live):
    session, stage, _ = live
    before = state(session)
    host = b"Host: 127.0.0.1\r\n"
    assert raw(stage, b"GET /" + b"a" * 10000 + b" HTTP/1.1\r\n" + host + b"\r\n")[0] == 414
    assert raw(stage, b"GET / HTTP/1.1\r\n" + host + b"X-Big: " + b"b" * 20000 + b"\r\n\r\n")[0] == 431
    many = b"".join(b"X-%d: y\r\n" % k for k in range(120))
    assert raw(stage, b"GET / HTTP/1.1\r\n" + host + many + b"\r\n")[0] == 431
    assert raw(stage, b"GET / HTTP/1.1\r\n" + host + b"Content-Length: 12\r\n\r\nhush()hush()")[0] == 413
    assert raw(stage, b"GET / HTTP/1.1\r\n" + host + b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")[0] == 413
    assert raw(stage, b"GET / HTTP/1.1\r\n" + b"Host: stage.evil.example\r\n\r\n")[0] == 403   # DNS rebinding
    assert raw(stage, b"GET / HTTP/1.1\r\nHost: localhost:1\r\n\r\n")[0] == 200
    assert raw(stage, b"HEAD / HTTP/1.1\r\n" + host + b"\r\n")[1].endswith(b"\r\n\r\n")   # no body
    assert raw(stage, b"garbage\r\n\r\n")[0] in (0, 400)
    assert state(session) == before
    assert urllib.request.urlopen(stage.url, timeout=5).status == 200      # still serving


def test_streams_are_limited_and_a_stuck_page_is_let_go(live):
    session, stage, _ = live
    conns = []
    deadline = time.monotonic() + 3
    while stage.hub.clients and time.monotonic() < deadline:
        time.sleep(0.02)                 # the other tests' pages have left
    try:
        for _ in range(stage.max_streams):
            c = http.client.HTTPConnection(*stage.server.address, timeout=5)
            c.request("GET", "/events")
            r = c.getresponse()          # keep it: the stream's socket lives in the response
            assert r.status == 200
            conns.append(r)
        deadline = time.monotonic() + 3
        while stage.hub.clients < stage.max_streams and time.monotonic() < deadline:
            time.sleep(0.02)
        c = http.client.HTTPConnection(*stage.server.address, timeout=5)
        c.request("GET", "/events")
        assert c.getresponse().status == 503
        c.close()
    finally:
        for c in conns:
            c.close()
    # a page that stops reading fills its outbox and is disconnected; the others carry on
    client = stage.hub.connect()
    client.maxsize = 16                  # (512 by default: fill it sooner)
    deadline = time.monotonic() + 10
    while not client.dead and time.monotonic() < deadline:
        time.sleep(0.05)
    assert client.dead and client not in stage.hub._clients
    assert urllib.request.urlopen(stage.url + "state", timeout=5).status == 200


def test_loopback_by_default_and_other_interfaces_only_when_asked():
    assert StageConfig().host == "127.0.0.1" and StageConfig().loopback
    assert not StageConfig(host="0.0.0.0").loopback
    args = build_parser().parse_args([])
    assert config_from_args(args) is None
    args = build_parser().parse_args(["--stage"])
    assert config_from_args(args) == StageConfig()
    args = build_parser().parse_args(["--stage-host", "0.0.0.0", "--stage-port", "9000",
                                      "--stage-publish", "licence"])
    assert config_from_args(args) == StageConfig(host="0.0.0.0", port=9000, publish=("licence",))
    with pytest.raises(ValueError, match="never published"):
        StageConfig(publish="source_file")
    args = build_parser().parse_args(["stage", "--tty", "--url", "http://127.0.0.1:1/"])
    assert args.command == "stage" and args.tty
