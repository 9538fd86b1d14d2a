"""The OSC server over real UDP sockets on 127.0.0.1: the handshake as Tidal expects it,
the reference bundles played at their timetag frames (tapped output), a live stream
clock measured against the system clock, the allow-list, and OSC out."""
from __future__ import annotations

import socket
import time

import numpy as np
import pytest

from livesamp.osc import FixedStreamClock, MeasuredStreamClock, OscConfig, OscServer, unix_to_ntp, wire
from livesamp.osc.dirt import parse_play
from livesamp.osc.timing import ntp_to_unix
from osc_support import (REFERENCE_EVENTS, REFERENCE_HANDSHAKE, REFERENCE_PLAY, REFERENCE_PLAY_ARRIVAL,
                         REFERENCE_PLAY_KV, PacedStream, block_session, detection_delay, dry_orbits, onsets,
                         tidal_bundle, udp_client, wait_for, with_timetag)

SR = 48000


def _config(**kw):
    kw.setdefault("port", 0)
    kw.setdefault("bus_port", 0)
    kw.setdefault("hello", ())
    return OscConfig(**kw)


def test_handshake_reply_as_tidal_expects():
    s = block_session()
    with OscServer(s, _config()).start() as srv:
        tidal = udp_client()
        tidal.sendto(REFERENCE_HANDSHAKE, srv.address)     # 20 bytes, ",", a bare message
        data, sender = tidal.recvfrom(2048)
    assert sender == srv.address                            # from SuperDirt's port, to ours
    assert len(data) == 176
    (m,) = wire.decode(data)
    assert m.address == "/dirt/handshake/reply" and m.typetags == "sssis" + "i" * 16
    args = list(m.args)
    assert args[:5] == ["&serverHostname", "127.0.0.1", "&serverPort", 57110, "&controlBusIndices"]
    buses = args[args.index("&controlBusIndices") + 1:]     # Tidal reads only these: >= 1 needed
    assert buses == list(range(16))
    assert srv.stats()["messages"] == {"handled": 1}


def _reference_datagrams(base_tt: int):
    """(datagram, expected timetag, parsed value, cps) for every reference event, 0.1 s
    apart after the verbatim 204-byte datagram; the chord is three bundles, one timetag."""
    out = [(REFERENCE_PLAY, base_tt, REFERENCE_PLAY_KV[1])]
    step = unix_to_ntp(0.1) - unix_to_ntp(0.0)
    k = 1
    for tags, kv in REFERENCE_EVENTS:
        tt = base_tt + k * step
        if kv["s"] == "superpiano":
            for n in (0.0, 4.0, 7.0):
                out.append((tidal_bundle(tt, tags, {**kv, "n": n}), tt, {**kv, "n": n}))
        else:
            out.append((tidal_bundle(tt, tags, kv), tt, kv))
        k += 1
    return out


def test_reference_bundles_play_at_their_timetag_frames():
    """Byte-for-byte reference datagrams (the 204-byte one verbatim) over UDP; a stream
    clock under the test's control (frame 0 = 0.5 s before the captured arrival)."""
    s = block_session()
    dry_orbits(s)
    t0 = REFERENCE_PLAY_ARRIVAL - 0.5
    clock = FixedStreamClock(t0, SR, now=lambda: REFERENCE_PLAY_ARRIVAL)
    base_tt = wire.decode(REFERENCE_PLAY)[0].timetag
    grams = _reference_datagrams(base_tt)
    with OscServer(s, _config(bus_port=0), stream_clock=clock).start() as srv:
        tidal = udp_client()
        # the bus value for `cutoff "c1"`, as Tidal sends it (here to the main port)
        tidal.sendto(wire.encode_bundle(base_tt, [wire.encode_message("/c_set", [1, 1475.2808837890625], "if")]),
                     srv.address)
        for data, _, _ in grams:
            tidal.sendto(data, srv.address)
        assert wait_for(lambda: sum(srv.messages.values()) == len(grams) + 1)
        stats = srv.stats()
    audio = s.render_frames(2 * SR)
    expected = []
    for data, tt, kv in grams:
        if kv["s"] == "superpanic":
            continue
        args = [x for k in sorted(kv) for x in (k, kv[k])]
        ev = parse_play(args, 0.5625, {1: 1475.2808837890625})
        frame = round((ntp_to_unix(tt) - t0) * SR)
        if not expected or expected[-1][0] != frame:
            expected.append((frame, detection_delay(ev.value, ev.cps), kv["s"]))
    got = onsets(audio)
    assert len(got) == len(expected), (got, expected)
    errors = [g - (f + d) for g, (f, d, _) in zip(got, expected)]
    assert errors == [0] * len(expected)
    # the first one is where the captured timetag says: 0.142987 s after its arrival
    assert expected[0][0] == round((1795282114.407373 - t0) * SR)
    assert stats["messages"] == {"played": len(grams) - 1, "unknown_sample": 1, "handled": 1}
    assert stats["datagrams"] == {"parsed": len(grams) + 1}
    names = {e.name for e in s.packer.events.values()}
    assert names == {"bd", "big_swoosh", "arpy", "hh", "sn", "drum", "superpiano", "bass"}


def test_live_stream_clock_onsets_within_1ms():
    """A stream paced by the system clock (a stand-in for a sound card); the server
    measures the frame counter against time.time() and nothing else. Tidal-like bundles
    (0.1-0.15 s ahead) must sound within 1 ms of their timetags."""
    s = block_session()
    s.engine.render(256)
    s.engine.reset()
    dry_orbits(s)
    stream = PacedStream(s)
    clock = MeasuredStreamClock(lambda: s.engine.frame, SR, s.blocksize)
    with OscServer(s, _config(), stream_clock=clock).start() as srv:
        stream.start()
        time.sleep(0.4)
        tidal = udp_client()
        sent = []
        for k in range(30):
            when = time.time() + 0.1 + (k % 5) * 0.01
            tidal.sendto(with_timetag(REFERENCE_PLAY, unix_to_ntp(when)), srv.address)
            sent.append(when)
            time.sleep(0.05)
        time.sleep(0.3)
        audio = stream.stop()
    delay = detection_delay({"s": "bd", "cutoff": 2000.0, "resonance": 0.2, "gain": 1.2, "pan": 0.25},
                            0.5625)
    got = np.array(onsets(audio)) - delay
    want = (np.array(sent) - stream.t0) * SR
    assert len(got) == len(want)
    err_ms = (got - want) / SR * 1000
    print(f"\nonset error (ms) over {len(err_ms)} events: mean {err_ms.mean():+.3f}, "
          f"median {np.median(err_ms):+.3f}, min {err_ms.min():+.3f}, max {err_ms.max():+.3f}, "
          f"max |err| {np.abs(err_ms).max():.3f}")
    assert np.abs(err_ms).max() <= 1.0
    assert srv.late == 0 and s.engine.stats()["late"] == 0


def _sock_from(host):
    try:
        return udp_client(host)
    except OSError:
        pytest.skip(f"cannot bind {host}")


def test_only_loopback_senders_by_default_and_allow_list():
    s = block_session()
    with OscServer(s, _config()).start() as srv:
        other = _sock_from("127.0.0.2")
        for _ in range(5):
            other.sendto(REFERENCE_PLAY, srv.address)
        udp_client().sendto(REFERENCE_HANDSHAKE, srv.address)
        assert wait_for(lambda: sum(srv.datagrams.values()) == 6)
        assert srv.datagrams == {"forbidden": 5, "parsed": 1}
    s = block_session()
    with OscServer(s, _config(allow=("127.0.0.2",))).start() as srv:
        _sock_from("127.0.0.2").sendto(REFERENCE_HANDSHAKE, srv.address)
        _sock_from("127.0.0.3").sendto(REFERENCE_HANDSHAKE, srv.address)
        assert wait_for(lambda: sum(srv.datagrams.values()) == 2)
        assert srv.datagrams == {"forbidden": 1, "parsed": 1}


def test_livesamp_addresses_over_udp():
    s = block_session()
    with OscServer(s, _config()).start() as srv:
        c = udp_client()
        c.sendto(wire.encode_message("/livesamp/slot", ["d1", "bd*2 sn", "speed", 2.0]), srv.address)
        c.sendto(wire.encode_message("/livesamp/slot", ["d2", "nope"]), srv.address)
        data, _ = c.recvfrom(2048)
        (m,) = wire.decode(data)
        assert m.address == "/livesamp/error" and "nope" in m.args[1]
        assert wait_for(lambda: s.slots[0].pattern is not None)
        c.sendto(wire.encode_message("/livesamp/hush", []), srv.address)
        assert wait_for(lambda: s.slots[0].pattern is None)


def test_events_out_and_forward():
    s = block_session()
    t0 = time.time()
    clock = FixedStreamClock(t0, SR)
    viz = udp_client()
    dirt = udp_client()
    cfg = _config(event_targets=(viz.getsockname(),), forward_targets=(dirt.getsockname(),),
                  forward_latency_s=0.25)
    with OscServer(s, cfg, stream_clock=clock).start() as srv:
        c = udp_client()
        msg = wire.encode_message("/dirt/play", ["_id_", "1", "cycle", 2.0, "gain", 1.0, "n", 1.0,
                                                 "orbit", 2, "pan", 0.25, "s", "bd"])
        c.sendto(wire.encode_bundle(unix_to_ntp(t0 + 0.1), [msg]), srv.address)
        assert wait_for(lambda: srv.messages["played"] == 1)
        s.render_frames(SR // 4)
        (ev,) = wire.decode(viz.recvfrom(4096)[0])
        (fw,) = wire.decode(dirt.recvfrom(4096)[0])
    assert ev.address == "/livesamp/event" and ev.typetags == "ssifffsid"
    slot, name, n, gain, pan, cycle, prov, event, when = ev.args
    assert (slot, name, n, gain, pan, cycle) == ("osc:d1", "bd", 1, 1.0, 0.25, 2.0)
    assert prov.startswith("test block bd:1") and when == pytest.approx(t0 + 0.1, abs=1e-4)
    kv = dict(zip(fw.args[::2], fw.args[1::2]))
    assert fw.address == "/dirt/play" and list(kv) == sorted(kv)
    assert kv["s"] == "bd" and kv["n"] == 1.0 and kv["orbit"] == 2 and kv["_id_"] == "1"
    assert ntp_to_unix(fw.timetag) == pytest.approx(t0 + 0.1 + 0.25, abs=1e-4)


def test_bus_port_and_hello():
    s = block_session()
    tidal = udp_client()
    try:
        srv = OscServer(s, OscConfig(port=0, bus_port=_free_port(), hello=(tidal.getsockname(),))).start()
    except OSError:
        pytest.skip("no free port")
    with srv:
        (hello,) = wire.decode(tidal.recvfrom(1024)[0])
        assert hello.address == "/dirt/hello"
        tidal.sendto(wire.encode_message("/c_set", [3, 0.5], "if"), srv.bus_address)
        assert wait_for(lambda: srv.buses.get(3) == 0.5)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as t:
        t.bind(("127.0.0.1", 0))
        return t.getsockname()[1]
