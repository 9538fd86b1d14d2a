"""SuperDirt semantics and livesamp's own addresses, datagram by datagram (no sockets):
what each message becomes in the trigger row, and which counter each drop lands in."""
from __future__ import annotations

import numpy as np
import pytest

from livesamp.engine import layout as L
from livesamp.osc import OscConfig, OscServer, FixedStreamClock, unix_to_ntp, wire
from livesamp.osc.dirt import ENGINE_PARAMS, OSC_SLOT, parse_play
from osc_support import REFERENCE_PLAY, block_session, tidal_bundle

SR = 48000
T0 = 1_800_000_000.0          # frame 0 of the stream, system time
NOW = T0 + 10.0               # "now" for these tests: the stream is at frame 480000


@pytest.fixture
def rig():
    s = block_session()
    s.engine.render(0)
    warnings = []
    clock = FixedStreamClock(T0, SR, now=lambda: NOW)
    srv = OscServer(s, OscConfig(port=0, bus_port=0, hello=()), stream_clock=clock,
                    report=warnings.append)
    # the engine's frame counter stands at "now" (an offline engine we never render)
    from livesamp.engine import state as S
    s.engine._state.cnt[S.K_FRAME] = int((NOW - T0) * SR)
    return s, srv, warnings


def play(srv, kv: dict, at: float | None = NOW + 0.15, addr=("127.0.0.1", 6010)):
    args = []
    for k in sorted(kv):
        args += [k, kv[k]]
    msg = wire.encode_message("/dirt/play", args)
    data = msg if at is None else wire.encode_bundle(unix_to_ntp(at), [msg])
    return srv.handle_datagram(data, addr)


def rows(s):
    return np.array(s.scheduler.inbox.drain())


def test_row_lands_on_the_timetag_frame(rig):
    s, srv, _ = rig
    play(srv, {"s": "bd", "cps": 0.5625, "cycle": 1.0, "delta": 0.5})
    (row,) = rows(s)
    assert row[L.T_FRAME] == round(10.15 * SR)
    assert row[L.T_SLOT] == OSC_SLOT
    assert row[L.T_CPS] == 0.5625
    assert srv.messages["played"] == 1


def test_nudge_is_not_added_again(rig):
    s, srv, _ = rig
    play(srv, {"s": "hh", "nudge": 0.02})
    assert rows(s)[0][L.T_FRAME] == round(10.15 * SR)


def test_sustain_legato_delta_as_superdirt(rig):
    s, srv, _ = rig
    play(srv, {"s": "arpy", "delta": 0.4444, "legato": 1.5})      # delta * legato
    play(srv, {"s": "arpy", "delta": 0.4444, "legato": 1.5, "sustain": 0.3})  # sustain wins
    play(srv, {"s": "arpy", "delta": 0.4444})                      # natural length
    a, b, c = rows(s)
    assert a[L.T_SUSTAIN] == pytest.approx(0.4444 * 1.5 * SR, rel=1e-6)
    assert b[L.T_SUSTAIN] == pytest.approx(0.3 * SR, rel=1e-6)
    assert c[L.T_SUSTAIN] < 0


def test_orbit_cps_and_unit(rig):
    s, srv, _ = rig
    play(srv, {"s": "drum", "orbit": 5, "unit": "c", "cps": 0.7, "speed": 2.0})
    play(srv, {"s": "drum"})
    a, b = rows(s)
    assert a[L.T_ORBIT] == 5 and a[L.T_UNIT] == L.UNIT_CYCLES and a[L.T_CPS] == pytest.approx(0.7)
    assert b[L.T_ORBIT] == 0 and b[L.T_CPS] == s.clock.cps


def test_name_colon_index_and_n_wraps(rig):
    s, srv, _ = rig
    play(srv, {"s": "bd:3"})
    play(srv, {"s": "bd", "n": 6.0})    # 4 variants: 6 -> 2
    events = list(s.packer.events.values())
    assert (events[-2].name, events[-2].index) == ("bd", 3)
    assert (events[-1].name, events[-1].index) == ("bd", 2)


@pytest.mark.parametrize("param,value,col,expected", [
    ("gain", 1.2, L.T_AMP, 0.4 * 1.2 ** 4), ("velocity", 0.5, L.T_AMP, 0.4 * 0.5 ** 4),
    ("amp", 0.8, L.T_AMP, 0.8), ("pan", 0.25, L.T_PAN, 0.25), ("speed", -1.0, L.T_SPEED, -1.0),
    ("accelerate", -1.0, L.T_ACCEL, -1.0), ("unit", "s", L.T_UNIT, L.UNIT_SECONDS),
    ("begin", 0.25, L.T_BEGIN, 0.25), ("end", 0.75, L.T_END, 0.75), ("loop", 3.0, L.T_LOOP, 3.0),
    ("cut", 1, L.T_CUT, 1.0), ("sustain", 0.5, L.T_SUSTAIN, 0.5 * SR),
    ("attack", 0.01, L.T_ATTACK, 0.01), ("release", 0.2, L.T_RELEASE, 0.2),
    ("orbit", 3, L.T_ORBIT, 3.0), ("cutoff", 2000.0, L.T_CUTOFF, 2000.0),
    ("resonance", 0.2, L.T_RESONANCE, 0.2), ("hcutoff", 300.0, L.T_HCUTOFF, 300.0),
    ("hresonance", 0.3, L.T_HRESONANCE, 0.3), ("interp", "linear", L.T_INTERP, L.INTERP_LINEAR),
    ("note", 2.0, L.T_NOTE, 2.0), ("up", 3.0, L.T_NOTE, 3.0), ("lpf", 900.0, L.T_CUTOFF, 900.0),
    ("n", 1.0, None, None),
    ("bandf", 800.0, L.T_BANDF, 800.0), ("bandq", 4.0, L.T_BANDQ, 4.0), ("shape", 0.5, L.T_SHAPE, 0.5),
    ("crush", 4.0, L.T_CRUSH, 4.0), ("coarse", 8.0, L.T_COARSE, 8.0), ("vowel", "o", L.T_VOWEL, 4.0),
    ("room", 0.3, L.T_ROOM, 0.3), ("size", 0.8, L.T_SIZE, 0.8), ("sz", 0.7, L.T_SIZE, 0.7),
    ("dry", 0.2, L.T_DRY, 0.2), ("delay", 0.5, L.T_DELAY, 0.5), ("delaytime", 0.125, L.T_DELAYTIME, 0.125),
    ("delayfeedback", 0.6, L.T_DELAYFB, 0.6), ("delayfb", 0.4, L.T_DELAYFB, 0.4), ("lock", 1, L.T_LOCK, 1.0),
])
def test_every_engine_parameter_is_honoured(rig, param, value, col, expected):
    s, srv, warnings = rig
    play(srv, {"s": "bd", param: value})
    (row,) = rows(s)
    if col is not None:
        assert row[col] == pytest.approx(expected, rel=1e-6)
    assert not warnings


def test_engine_params_table_is_covered():
    covered = {"gain", "velocity", "amp", "pan", "speed", "accelerate", "unit", "begin", "end", "loop",
               "cut", "sustain", "attack", "release", "orbit", "cutoff", "resonance", "hcutoff",
               "hresonance", "interp", "note", "n", "bandf", "bandq", "shape", "crush", "coarse", "vowel",
               "room", "size", "dry", "delay", "delaytime", "delayfeedback", "lock",
               "grain", "density", "pos", "jitter", "pitchjitter", "spread", "reverse", "sync",
               "grainenv", "grainseed"}
    assert set(ENGINE_PARAMS) == covered


def test_grain_parameters_make_a_cloud(rig):
    s, srv, warnings = rig
    play(srv, {"s": "bd", "grain": 0.03, "density": 60, "pos": 0.4, "jitter": 0.1,
               "pitchjitter": 2.0, "spread": 0.5, "reverse": 0.25, "sync": 0,
               "grainenv": "expodec", "grainseed": 9})
    r, = rows(s)
    assert r[L.T_KIND] == L.KIND_GRAIN and r[L.T_GRAIN_SIZE] == pytest.approx(0.03)
    assert r[L.T_GRAIN_DENSITY] == 60 and r[L.T_GRAIN_POS] == pytest.approx(0.4)
    assert r[L.T_GRAIN_ASYNC] == 1 and r[L.T_GRAIN_ENV] == 2 and r[L.T_GRAIN_SEED] == 9
    assert not warnings


def test_unknown_and_unimplemented_parameters_warn_once(rig):
    s, srv, warnings = rig
    for _ in range(3):
        play(srv, {"s": "bd", "squiz": 2.0, "leslie": 0.5, "wobble": 2.0})
    assert len(rows(s)) == 3
    assert len(warnings) == 3
    assert any("'squiz'" in w and "does not implement" in w for w in warnings)
    assert any("unknown parameter 'wobble'" in w for w in warnings)


def test_bus_reference_reads_c_set(rig):
    s, srv, warnings = rig
    play(srv, {"s": "bass", "cutoff": "c1"})
    srv.handle_datagram(wire.encode_message("/c_set", [1, 1475.28], "if"), ("127.0.0.1", 6010))
    play(srv, {"s": "bass", "cutoff": "c1"})
    a, b = rows(s)
    assert a[L.T_CUTOFF] == 0.0 and b[L.T_CUTOFF] == pytest.approx(1475.28, rel=1e-6)
    assert len(warnings) == 1 and "bus c1" in warnings[0]


def test_late_bundles_play_then_drop_past_threshold(rig):
    s, srv, warnings = rig
    play(srv, {"s": "bd"}, at=NOW - 0.1)     # late: plays at once, counted
    play(srv, {"s": "bd"}, at=NOW - 0.6)     # past late_drop_s (0.5 s): dropped
    assert srv.messages["played"] == 1 and srv.late == 1
    assert srv.messages["too_late"] == 1
    assert len(rows(s)) == 1


def test_bare_message_plays_asap_and_far_timetags_as_superdirt(rig):
    s, srv, _ = rig
    play(srv, {"s": "bd"}, at=None)
    play(srv, {"s": "bd"}, at=NOW + 100)
    a, b = rows(s)
    assert a[L.T_FRAME] == s.engine.frame + s.blocksize
    assert b[L.T_FRAME] == round(10.2 * SR) and srv.far_ahead == 1


@pytest.mark.parametrize("kv,reason", [
    ({"n": 1.0}, "no_sound"),
    ({"s": "superpanic"}, "unknown_sample"),
    ({"s": "bd", "gain": float("nan")}, "nonfinite"),
    ({"s": "bd", "speed": "fast"}, "bad_args"),
    ({"s": "bd", "unit": "q"}, "bad_args"),
    ({"s": "bd:x"}, "bad_args"),
])
def test_bad_events_are_dropped_and_counted(rig, kv, reason):
    s, srv, _ = rig
    play(srv, kv)
    assert srv.messages[reason] == 1 and len(rows(s)) == 0


def test_odd_arguments_and_non_string_keys(rig):
    s, srv, _ = rig
    for args in (["s"], [1, "bd"], ["s", "bd", "gain"]):
        srv.handle_datagram(wire.encode_message("/dirt/play", args), ("127.0.0.1", 1))
    assert srv.messages["bad_args"] == 3


def test_reference_datagram_from_other_hosts_is_forbidden(rig):
    s, srv, _ = rig
    srv.handle_datagram(REFERENCE_PLAY, ("127.0.0.2", 6010))
    srv.handle_datagram(REFERENCE_PLAY, ("192.168.1.5", 6010))
    assert srv.datagrams["forbidden"] == 2 and len(rows(s)) == 0


def test_allow_list():
    with pytest.raises(ValueError, match="allow-remote"):
        OscConfig(host="0.0.0.0")
    with pytest.raises(ValueError, match="allow-list"):
        OscConfig(host="0.0.0.0", allow_remote=True)
    with pytest.raises(ValueError, match="IP address"):
        OscConfig(allow=("nonsense",))
    s = block_session()
    srv = OscServer(s, OscConfig(host="0.0.0.0", allow_remote=True, allow=("10.0.0.0/24", "192.168.1.5")))
    assert srv.allowed("10.0.0.7") and srv.allowed("192.168.1.5") and srv.allowed("127.0.0.1")
    assert srv.allowed("::1") and srv.allowed("::ffff:10.0.0.9")
    assert not srv.allowed("10.0.1.7") and not srv.allowed("192.168.1.6") and not srv.allowed("bogus")


# -- livesamp's own addresses ------------------------------------------------------------
def own(srv, address, *args, at=None):
    msg = wire.encode_message(address, list(args))
    data = msg if at is None else wire.encode_bundle(unix_to_ntp(at), [msg])
    return srv.handle_datagram(data, ("127.0.0.1", 9999))


def test_livesamp_slot_sets_pattern_with_controls(rig):
    s, srv, _ = rig
    assert own(srv, "/livesamp/slot", "d2", "big_swoosh*2 bd", "speed", 2, "pan", "0 1") == []
    haps = s.slots[1].pattern.query_arc(0, 1)
    assert [(h.value["s"], h.value["speed"], h.value["pan"]) for h in haps] == [
        ("big_swoosh", 2, 0), ("big_swoosh", 2, 0), ("bd", 2, 1)]
    own(srv, "/livesamp/slot", "d2")
    assert s.slots[1].pattern is None
    assert srv.messages["handled"] == 2


def test_livesamp_hush_cps_trigger(rig):
    s, srv, _ = rig
    own(srv, "/livesamp/slot", 1, "bd sn")
    own(srv, "/livesamp/hush")
    assert s.slots[0].pattern is None
    own(srv, "/livesamp/cps", 0.6)
    s.scheduler.advance(s.engine.frame + 1)
    assert s.clock.cps == pytest.approx(0.6)
    own(srv, "/livesamp/trigger", "bd:2", "speed", 2.0, "note", "e5", at=NOW + 0.1)
    (row,) = rows(s)
    assert row[L.T_FRAME] == round(10.1 * SR) and row[L.T_SPEED] == 2.0 and row[L.T_NOTE] == 4.0


@pytest.mark.parametrize("args,reason", [
    (("/livesamp/slot", "d17", "bd"), "bad_args"),
    (("/livesamp/slot", "d1", "bd*100000"), "bad_args"),
    (("/livesamp/slot", "d1", "bd [sn"), "bad_pattern"),
    (("/livesamp/slot", "d1", "nosuchsound"), "bad_pattern"),
    (("/livesamp/slot", "d1", "bd", "__class__", 1), "bad_args"),
    (("/livesamp/slot", "d1", "bd", "speed", "1 2", "pan"), "bad_args"),
    (("/livesamp/cps", -1.0), "bad_args"),
    (("/livesamp/cps", "fast"), "bad_args"),
    (("/livesamp/trigger",), "bad_args"),
    (("/livesamp/nothing",), "unknown_address"),
])
def test_livesamp_errors_reply_and_count(rig, args, reason):
    s, srv, _ = rig
    replies = own(srv, *args)
    assert srv.messages[reason] == 1
    if reason != "unknown_address":
        ((data, to),) = replies
        (m,) = wire.decode(data)
        assert m.address == "/livesamp/error" and m.args[0] == args[0] and to == ("127.0.0.1", 9999)
    assert s.slots[0].pattern is None


def test_parse_play_keeps_stream_and_cycle():
    ev = parse_play(["_id_", "13", "cycle", 3.25, "s", "superpiano", "legato", 0.5, "delta", 1.0], 0.5)
    assert ev.stream == "13" and ev.cycle == 3.25 and ev.value["sustain"] == 0.5


def test_note_names_and_bus_references(rig):
    s, srv, _ = rig
    play(srv, {"s": "bd", "note": "e5"})                 # a note name (no bus 5 has a value)
    srv.handle_datagram(wire.encode_message("/c_set", [5, 7.0], "if"), ("127.0.0.1", 6010))
    play(srv, {"s": "bd", "note": "c5"})                 # bus 5 now has a value: Tidal's bus
    a, b = rows(s)
    assert a[L.T_NOTE] == 4.0 and b[L.T_NOTE] == 7.0


def test_superdirt_effects_message_lands_in_the_effect_columns(rig):
    """A Tidal event with room/size/delay/vowel: sends and orbit parameters in their
    columns; orbit parameters it does not carry stay NaN (the orbit keeps them)."""
    s, srv, warnings = rig
    play(srv, {"s": "bd", "orbit": 2, "room": 0.3, "size": 0.8, "delay": 0.25, "delaytime": 0.2,
               "vowel": "a", "cps": 0.5625})
    play(srv, {"s": "bd", "vowel": "x", "resonance": 0.1})
    a, b = rows(s)
    assert (a[L.T_ORBIT], a[L.T_ROOM], a[L.T_SIZE], a[L.T_DELAY]) == (2.0, pytest.approx(0.3),
                                                                      pytest.approx(0.8), 0.25)
    assert a[L.T_DELAYTIME] == pytest.approx(0.2) and a[L.T_VOWEL] == 1.0
    assert np.isnan(a[L.T_RESONANCE])          # dirt_vowel's default strength
    assert all(np.isnan(a[c]) for c in (L.T_DRY, L.T_DELAYFB, L.T_LOCK))
    assert all(np.isnan(b[c]) for c in L.ORBIT_PARAMS)
    assert b[L.T_VOWEL] == 0.0 and b[L.T_RESONANCE] == pytest.approx(0.1)
    assert not warnings
