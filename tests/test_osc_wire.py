"""The OSC codec: the reference datagrams byte for byte, python-osc interop, and every
kind of malformed datagram mapped to one OscDecodeError reason."""
from __future__ import annotations

import math
import struct

import pytest
from pythonosc.osc_bundle_builder import OscBundleBuilder
from pythonosc.osc_message import OscMessage
from pythonosc.osc_message_builder import OscMessageBuilder

from livesamp.osc import wire
from livesamp.osc.timing import ntp_to_unix, unix_to_ntp
from osc_support import (REFERENCE_EVENTS, REFERENCE_HANDSHAKE, REFERENCE_PLAY, REFERENCE_PLAY_KV,
                         doc_hexdump, tidal_message)


def test_reference_play_bundle_decodes():
    (m,) = wire.decode(REFERENCE_PLAY)
    assert m.address == "/dirt/play"
    assert m.typetags == REFERENCE_PLAY_KV[0]
    assert dict(zip(m.args[::2], m.args[1::2])) == REFERENCE_PLAY_KV[1]
    assert m.timetag == 17198212621703682048
    assert m.timetag >> 32 == 4004270914 and m.timetag & 0xFFFFFFFF == 1749653504
    assert ntp_to_unix(m.timetag) == pytest.approx(1795282114.407373, abs=1e-6)


def test_reference_bytes_match_the_protocol_doc():
    dump = doc_hexdump()
    if dump is None:
        pytest.skip("protocol reference not present")
    assert dump == REFERENCE_PLAY


def test_encoder_reproduces_tidal_bytes():
    assert tidal_message(*REFERENCE_PLAY_KV) == REFERENCE_PLAY[20:]
    assert wire.encode_bundle(wire.decode(REFERENCE_PLAY)[0].timetag,
                              [tidal_message(*REFERENCE_PLAY_KV)]) == REFERENCE_PLAY
    assert wire.encode_message("/dirt/handshake", []) == REFERENCE_HANDSHAKE


@pytest.mark.parametrize("tags,kv", REFERENCE_EVENTS)
def test_reference_events_roundtrip(tags, kv):
    (m,) = wire.decode(tidal_message(tags, kv))
    assert m.typetags == tags
    assert dict(zip(m.args[::2], m.args[1::2])) == kv


def test_handshake_is_a_bare_message():
    (m,) = wire.decode(REFERENCE_HANDSHAKE)
    assert (m.address, m.args, m.timetag) == ("/dirt/handshake", (), None)


def test_ntp_roundtrip():
    for t in (0.0, 1795282114.407373, 1e9 + 0.999999999):
        assert ntp_to_unix(unix_to_ntp(t)) == pytest.approx(t, abs=1e-9)


def test_python_osc_messages_decode():
    b = OscMessageBuilder("/x/y")
    for v in (1, -2**31, 1.5, "héllo", b"\x00\x01\x02", True, False, None, 2**40, 3.25):
        b.add_arg(v)
    b.add_arg(2.5, OscMessageBuilder.ARG_TYPE_DOUBLE)
    dgram = b.build().dgram
    (m,) = wire.decode(dgram)
    assert m.args[:8] == (1, -2**31, 1.5, "héllo", b"\x00\x01\x02", True, False, None)
    assert m.args[8] == 2**40 and m.args[-1] == 2.5
    ours = wire.encode_message("/a", [1, 2.0, "three", b"4444", True, None, 2**40], "ifsbTNh")
    theirs = OscMessage(ours)
    assert theirs.params == [1, 2.0, "three", b"4444", True, None, 2**40]


def test_python_osc_nested_bundle_timetags():
    inner = OscBundleBuilder(1795282114.5)
    inner.add_content(OscMessageBuilder("/in").build())
    outer = OscBundleBuilder(1795282114.0)
    outer.add_content(OscMessageBuilder("/out").build())
    outer.add_content(inner.build())
    msgs = wire.decode(outer.build().dgram)
    assert [m.address for m in msgs] == ["/out", "/in"]
    assert ntp_to_unix(msgs[0].timetag) == pytest.approx(1795282114.0, abs=1e-6)
    assert ntp_to_unix(msgs[1].timetag) == pytest.approx(1795282114.5, abs=1e-6)


def test_immediate_bundle_has_no_timetag():
    (m,) = wire.decode(wire.encode_bundle(wire.IMMEDIATELY, [wire.encode_message("/a", [1])]))
    assert m.timetag is None


def _bundle_of(depth):
    d = wire.encode_message("/deep", [])
    for _ in range(depth):
        d = wire.encode_bundle(1, [d])
    return d


MALFORMED = {
    "empty": (b"", "bad_size"),
    "odd size": (b"/a\0\0,\0\0\0\0", "bad_size"),
    "no slash": (b"abc\0,\0\0\0", "bad_address"),
    "address no nul": (b"/abc", "truncated"),
    "typetags no comma": (b"/a\0\0i\0\0\0\0\0\0\1", "bad_typetags"),
    "int truncated": (b"/a\0\0,i\0\0", "truncated"),
    "float missing": (b"/a\0\0,ff\0\0\0\0\0", "truncated"),
    "string unterminated": (b"/a\0\0,s\0\0abcd", "truncated"),
    "unknown tag": (b"/a\0\0,q\0\0", "bad_typetags"),
    "array": (b"/a\0\0,[i]\0\0\0\0\0\0\0\1", "bad_typetags"),
    "trailing": (b"/a\0\0,\0\0\0\0\0\0\0", "trailing_bytes"),
    "blob negative": (b"/a\0\0,b\0\0\xff\xff\xff\xff", "bad_blob"),
    "blob too long": (b"/a\0\0,b\0\0\0\0\0\x10abcd", "truncated"),
    "not utf8": (b"/a\xff\0,\0\0\0", "bad_string"),
    "bundle short": (b"#bundle\0\0\0\0\0", "truncated"),
    "bundle element size": (b"#bundle\0" + b"\0" * 8 + struct.pack(">i", 7) + b"/a\0\0,\0\0\0", "bad_size"),
    "bundle element past end": (b"#bundle\0" + b"\0" * 8 + struct.pack(">i", 64) + b"/a\0\0,\0\0\0", "truncated"),
    "too deep": (_bundle_of(6), "too_deep"),
    "huge string": (b"/a\0\0,s\0\0" + b"x" * 8000 + b"\0" * 4, "huge_string"),
    "too big": (b"/a\0\0" + b"\0" * 70000, "too_big"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_datagrams_raise_one_reason(name):
    data, reason = MALFORMED[name]
    with pytest.raises(wire.OscDecodeError) as info:
        wire.decode(data)
    assert info.value.reason == reason
    assert isinstance(info.value, ValueError)


def test_nan_and_inf_decode_as_floats():
    (m,) = wire.decode(wire.encode_message("/a", [float("nan"), float("inf")], "fd"))
    assert math.isnan(m.args[0]) and m.args[1] == math.inf
