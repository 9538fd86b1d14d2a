"""Shared pieces of the OSC tests: the reference datagrams, a click bank, taps.

REFERENCE_PLAY is the 204-byte `/dirt/play` bundle of the protocol reference
(../shared/reference/superdirt-protocol.md), byte for byte; REFERENCE_EVENTS are the
other events shown there (typetags and key/values), which `tidal_bundle` encodes the
way Tidal 1.7.10 does (a one-message bundle, keys sorted, float32 values).
"""
from __future__ import annotations

import re
import socket
import time
from pathlib import Path

import numpy as np

from livesamp.bank import SampleLibrary
from livesamp.bank.provenance import Provenance
from livesamp.live.session import Session
from livesamp.osc import wire

SHARED = Path(__file__).resolve().parents[2] / "shared"
PROTOCOL_DOC = SHARED / "reference" / "superdirt-protocol.md"

REFERENCE_PLAY = bytes.fromhex(
    "2362756e646c6500eeac534268499800000000b82f646972742f706c617900002c737373667366736673"
    "6673667366736973667366736673737366005f69645f0000000031000000637073003f1000006375746f"
    "6666000044fa00006379636c650000003e80000064656c74610000003ee38e306761696e000000003f99"
    "999a6e000000000000006f726269740000000000000070616e003e8000007265736f6e616e6365000000"
    "3e4ccccd726f6f6d000000003e99999a730000006264000073697a65000000003f4ccccd")
REFERENCE_PLAY_ARRIVAL = 1795282114.264386
REFERENCE_HANDSHAKE = bytes.fromhex("2f646972742f68616e647368616b65002c000000")

# (typetags without the comma, key/values) of the other events shown in the reference
REFERENCE_EVENTS = [
    ("sssfsfsfsfsisfsssf", {"_id_": "2", "cps": 0.5625, "cycle": 1.0, "delta": 1.7777776718139648,
                            "n": 2.0, "orbit": 1, "pan": 0.5, "s": "big_swoosh", "speed": 1.5}),
    ("sssfsfsisfsfsfsfsfsiss", {"_id_": "3", "begin": 0.25, "cps": 0.5625, "cut": 1, "cycle": 0.25,
                                "delta": 0.4444441795349121, "end": 0.75, "legato": 1.0, "n": 1.0,
                                "orbit": 5, "s": "arpy"}),
    ("sssfsfsfsfsisssfss", {"_id_": "4", "cps": 0.5625, "cycle": 0.5, "delta": 0.4444446563720703,
                            "nudge": 0.019999999552965164, "orbit": 3, "s": "hh", "speed": -1.0,
                            "vowel": "a"}),
    ("sssfsfsfsfsfsfsisfsfsfsssf", {"_id_": "1", "cps": 0.6000000238418579, "cutoff": 2000.0,
                                    "cycle": 2.5, "delta": 0.41666698455810547, "gain": 1.2000000476837158,
                                    "n": 0.0, "orbit": 0, "pan": 0.25, "resonance": 0.20000000298023224,
                                    "room": 0.30000001192092896, "s": "sn", "size": 0.800000011920929}),
    ("sssfsfsfsisfsfsfsfsisssfsfsfss", {"_id_": "1", "accelerate": -1.0, "coarse": 4.0, "cps": 0.5625,
                                        "cut": 1, "cycle": 1.0, "delta": 1.7777776718139648, "n": 1.0,
                                        "note": 2.0, "orbit": 2, "s": "drum", "shape": 0.5,
                                        "squiz": 2.0, "sustain": 0.30000001192092896, "unit": "c"}),
    ("sssfsfsfsfsfss", {"_id_": "13", "cps": 0.699999988079071, "cycle": 1.0,
                        "delta": 1.4285712242126465, "legato": 0.5, "n": 0.0, "s": "superpiano"}),
    ("sfsfsfss", {"cps": 0.699999988079071, "cycle": 3.3777782917022705, "delta": 1.4285712242126465,
                  "s": "superpanic"}),
    ("sssfsssfsfsiss", {"_id_": "1", "cps": 0.5625, "cutoff": "c1", "cycle": 0.5,
                        "delta": 0.8888888359069824, "orbit": 0, "s": "bass"}),
]
# the first event's key/values (the 204-byte datagram)
REFERENCE_PLAY_KV = ("sssfsfsfsfsfsfsisfsfsfsssf", {
    "_id_": "1", "cps": 0.5625, "cutoff": 2000.0, "cycle": 0.25, "delta": 0.4444441795349121,
    "gain": 1.2000000476837158, "n": 0.0, "orbit": 0, "pan": 0.25, "resonance": 0.20000000298023224,
    "room": 0.30000001192092896, "s": "bd", "size": 0.800000011920929})


def tidal_message(typetags: str, kv: dict) -> bytes:
    args = []
    for k in sorted(kv, key=lambda k: k.encode()):
        args += [k, kv[k]]
    return wire.encode_message("/dirt/play", args, typetags)


def tidal_bundle(timetag: int, typetags: str, kv: dict) -> bytes:
    return wire.encode_bundle(timetag, [tidal_message(typetags, kv)])


def with_timetag(bundle: bytes, timetag: int) -> bytes:
    """The same bundle bytes with another timetag (bytes 8..16)."""
    return bundle[:8] + timetag.to_bytes(8, "big") + bundle[16:]


def doc_hexdump() -> bytes | None:
    """The 204-byte dump as printed in the protocol reference (None if the doc is absent)."""
    if not PROTOCOL_DOC.is_file():
        return None
    out = b""
    for line in PROTOCOL_DOC.read_text().splitlines():
        if re.match(r"^[0-9a-f]{4}  ([0-9a-f]{2} )", line):
            out += bytes.fromhex(line[6:6 + 48].replace(" ", ""))
    return out


class BlockBank:
    """An in-memory bank: every sound is a short zero-mean burst (+0.5 then -0.5, so the
    master DC blocker leaves no tail; onset = first non-zero frame), `variants` variants
    each; names as in the reference captures."""

    NAMES = ("arpy", "bass", "bd", "big_swoosh", "cp", "drum", "hh", "sn", "superpiano")

    def __init__(self, frames: int = 96, variants: int = 4):
        self.frames = frames
        self.variants = variants
        self._audio = {}

    @property
    def name(self) -> str:
        return "blocks"

    def names(self):
        return list(self.NAMES)

    def count(self, name):
        return self.variants if name in self.NAMES else 0

    def provenance(self, name, index):
        return Provenance(f"test block {name}:{index}", licence="CC0-1.0")

    def audio(self, name, index, sr):
        key = (name, index, sr)
        if key not in self._audio:
            a = np.full((self.frames, 2), 0.5, np.float32)
            a[self.frames // 2:] = -0.5
            a.flags.writeable = False
            self._audio[key] = a
        return self._audio[key]

    def preload(self, sr):
        pass


def block_session(sr: int = 48000, blocksize: int = 256, **kw) -> Session:
    kw.setdefault("report", lambda msg: None)
    return Session(sr=sr, blocksize=blocksize, library=SampleLibrary([BlockBank()], sr=sr), **kw)


def dry_orbits(session: Session) -> None:
    """Mute every orbit's reverb (`dry` 1) from the engine's current frame, with one
    silent event per orbit: the timing tests count onsets, and the reference events
    carry `room` (a reverb tail is not an onset)."""
    from livesamp.engine import layout as L

    _, sid = session.packer.sample_ids.resolve("bd", 0)
    session.engine.push(L.trigger_rows(16, frame=session.engine.frame, sample=sid, amp=0.0,
                                       orbit=np.arange(16), dry=1.0))


def onsets(audio: np.ndarray, gap: int = 256, jump: float = 1e-4) -> list[int]:
    """Frames where a sound starts: louder by `jump` than the loudest of the 64 frames
    before (filters and the DC blocker leave faint, smooth tails), at least `gap` frames
    after the previous onset."""
    mono = np.abs(audio[:, 0]).astype(np.float64) + np.abs(audio[:, 1])
    prev = np.concatenate([np.zeros(64), mono])
    before = np.lib.stride_tricks.sliding_window_view(prev, 64)[:len(mono)].max(axis=1)
    idx = np.flatnonzero(mono - before > jump)
    out, last = [], -10**9
    for i in idx:
        if i - last >= gap:
            out.append(int(i))
            last = i
    return out


def detection_delay(value: dict, cps: float, sr: int = 48000) -> int:
    """How many frames after its trigger frame `onsets` sees an event with these controls
    (the attack ramp starts at zero; filters may add a frame): measured on a fresh engine."""
    from livesamp.osc.server import _Hap

    s = block_session(sr=sr)
    row = s.packer.pack(16, _Hap(dict(value)), 1000, cps, 0.0)
    s.engine.push(row.reshape(1, -1))
    got = onsets(s.engine.render(4000))
    assert got, f"no sound for {value}"
    return got[0] - 1000


def udp_client(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    c.bind((host, port))
    c.settimeout(2.0)
    return c


def wait_for(predicate, timeout: float = 5.0, every: float = 0.002) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(every)
    return predicate()


class PacedStream:
    """A real-time stand-in for an audio output: renders the session's block k (with the
    scheduler, as `render_frames` does) once the system clock reaches `t0 + k*B/sr`, and
    keeps everything it rendered (the tap). Frame f of the tap is heard at t0 + f/sr."""

    def __init__(self, session, lead_s: float = 0.05):
        import threading

        self.session = session
        self.block = session.blocksize
        self.sr = session.sr
        self.lead_s = lead_s
        self.t0 = None
        self.blocks: list = []
        self.max_render_s = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="paced-stream", daemon=True)

    def start(self) -> PacedStream:
        self.t0 = time.time() + self.lead_s
        self._thread.start()
        return self

    def _run(self) -> None:
        frame = 0
        while not self._stop.is_set():
            due = self.t0 + frame / self.sr
            wait = due - time.time()
            if wait > 0:
                time.sleep(wait)
            a = time.perf_counter()
            self.blocks.append(self.session.render_frames(self.block))
            self.max_render_s = max(self.max_render_s, time.perf_counter() - a)
            frame += self.block

    def stop(self) -> np.ndarray:
        self._stop.set()
        self._thread.join(timeout=5)
        return self.audio()

    def audio(self) -> np.ndarray:
        return np.concatenate(self.blocks) if self.blocks else np.zeros((0, 2), np.float32)
