"""A real TidalCycles client (Tidal 1.7.10 in ghci, Debian's ghc + libghc-tidal-dev) plays
through livesamp on 127.0.0.1:57120: Tidal prints "Connected to SuperDirt.", and the
tapped output has an onset at every bundle's timetag (measured stream clock, paced
stream), with the pattern's rhythm. Slow (ghci loads Tidal for several seconds).

    .venv/bin/python -m pytest -m slow -s tests/test_osc_tidal.py
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time

import numpy as np
import pytest

from livesamp.osc import MeasuredStreamClock, OscConfig, OscServer, ntp_to_unix, wire
from livesamp.osc.dirt import parse_play
from osc_support import SHARED, PacedStream, block_session, detection_delay, dry_orbits, onsets

RUN_TIDAL = SHARED / "reference" / "tidal" / "run_tidal.sh"
PATTERNS = """\
d1 $ s "bd*2 [sn cp]" # n "<0 3>" # gain 1.1 # pan 0.25
d2 $ s "hh(3,8,1)" # speed 1.5 # legato 1
:sleep 4
setcps 0.7
:sleep 3
hush
"""

pytestmark = pytest.mark.slow


@pytest.mark.skipif(shutil.which("ghci") is None or not RUN_TIDAL.is_file(),
                    reason="needs ghci with Tidal (apt-get install ghc libghc-tidal-dev)")
def test_real_tidal_plays_through_livesamp(tmp_path):
    s = block_session()
    s.engine.render(256)
    s.engine.reset()
    dry_orbits(s)
    stream = PacedStream(s)
    clock = MeasuredStreamClock(lambda: s.engine.frame, s.sr, s.blocksize)
    received = []   # (timetag, args) of every /dirt/play, as a tap on the server

    class TappedServer(OscServer):
        def handle_datagram(self, data, addr):
            try:
                for m in wire.decode(data):
                    if m.address == "/dirt/play":
                        received.append((m.timetag, m.args))
            except wire.OscDecodeError:
                pass
            return super().handle_datagram(data, addr)

    pats = tmp_path / "pats.tidal"
    pats.write_text(PATTERNS)
    log = tmp_path / "tidal.log"
    env = {**os.environ, "TIDAL_LOG": str(log)}
    srv = TappedServer(s, OscConfig(port=57120, bus_port=0, hello=()), stream_clock=clock)
    with srv.start():
        stream.start()
        t = time.time()
        run = subprocess.run(["bash", str(RUN_TIDAL), "57120", "2", str(pats)], env=env,
                             capture_output=True, text=True, timeout=180)
        took = time.time() - t
        time.sleep(0.5)
        audio = stream.stop()
    text = log.read_text() if log.exists() else run.stdout
    print(f"\nTidal ran {took:.1f} s, exit {run.returncode}; {len(received)} /dirt/play bundles; "
          f"server {srv.stats()}")
    assert run.returncode == 0, run.stderr + text[-2000:]
    assert "Connected to SuperDirt." in text
    assert srv.stats()["messages"].get("handled", 0) >= 1     # the handshake
    assert len(received) >= 20

    # every bundle sounded at its timetag: group coincident timetags, expect one onset each
    events = {}
    for tt, args in received:
        ev = parse_play(list(args), 0.5625)
        events.setdefault(tt, []).append(ev)
    times = sorted(events)
    got = onsets(audio)
    want, delays = [], []
    for tt in times:
        want.append((ntp_to_unix(tt) - stream.t0) * s.sr)
        delays.append(min(detection_delay(ev.value, ev.cps) for ev in events[tt]))
    assert len(got) == len(want), (len(got), len(want))
    err_ms = (np.array(got) - np.array(delays) - np.array(want)) / s.sr * 1000
    print(f"onset error vs timetag (ms) over {len(err_ms)} onsets: mean {err_ms.mean():+.3f}, "
          f"median {np.median(err_ms):+.3f}, min {err_ms.min():+.3f}, max {err_ms.max():+.3f}")
    assert np.abs(err_ms).max() <= 1.0

    # the rhythm: d1's onsets sit at cycle positions 0, 1/4, 1/2, 3/4 and d2's at 2/8, 5/8, 7/8,
    # and the time between onsets is the cycle difference over the tempo
    for tt, evs in events.items():
        for ev in evs:
            pos = round(ev.cycle % 1, 4)
            assert pos in ({0.0, 0.25, 0.5, 0.75} if ev.stream == "1" else {0.25, 0.625, 0.875}), (ev.stream, ev.cycle)
    seq = sorted((ntp_to_unix(tt), evs[0].cycle, evs[0].cps) for tt, evs in events.items())
    for (t1, c1, cps1), (t2, c2, cps2) in zip(seq, seq[1:]):
        if cps1 == cps2:
            assert (t2 - t1) == pytest.approx((c2 - c1) / cps1, abs=2e-3)
    assert {round(ev.cps, 3) for evs in events.values() for ev in evs} == {0.562, 0.7}
