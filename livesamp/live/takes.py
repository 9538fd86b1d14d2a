"""Live sampling: rec() from the input device, resample() from the master output, into the
performer's own bank, playable by name as soon as they finish. Neither blocks the REPL or
the audio: each returns a `Take` at once and a thread of its own does the waiting and the
file work.

The performer's bank is a folder bank in the usual layout under data_dir()/banks/mine/:
``mine/kettle_hiss/00-20261121-190501.flac`` plus its provenance sidecar
``00-20261121-190501.flac.json`` (the fields of `livesamp.bank.Provenance`). Takes are never
overwritten: a second rec("kettle_hiss") becomes variant 1 (`kettle_hiss:1`), so what a
logged performance played is still there for `livesamp replay`. A name another bank holds
(`thud`) is refused: the mine bank comes first, and it would silently replace the sound.
"""
from __future__ import annotations

import json
import os
import re
import threading
import time
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

__all__ = ["Takes", "Take", "mine_folder"]

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def mine_folder() -> Path:
    from ..bank.paths import data_dir

    return data_dir() / "banks" / "mine"


@dataclass
class Take:
    """A sample being made. `wait()` until `done`; then `label` plays it (or `error` says why not)."""

    kind: str                   # "rec" | "resample"
    name: str
    seconds: float
    source: str
    index: int | None = None
    path: Path | None = None
    error: str | None = None
    frames: tuple[int, int] | None = None   # resample(): the stream frames captured
    done: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def label(self) -> str:
        return self.name if not self.index else f"{self.name}:{self.index}"

    def wait(self, timeout: float | None = None) -> bool:
        return self.done.wait(timeout)

    def __repr__(self) -> str:
        if not self.done.is_set():
            return f"<{self.kind} {self.name}: {self.seconds:.1f} s from {self.source} ... (not blocking)>"
        if self.error:
            return f"<{self.kind} {self.name}: failed: {self.error}>"
        return f"<{self.kind} {self.label}: ready, {self.seconds:.1f} s>"


class Takes:
    """rec() and resample() for one session."""

    def __init__(self, session, hub=None, log=None, report=print, folder: Path | None = None,
                 place: str | None = None):
        self.session = session
        self.hub = hub
        self.log = log
        self.report = report
        self.folder = Path(folder) if folder is not None else mine_folder()
        self.place = place if place is not None else (os.environ.get("LIVESAMP_PLACE") or None)
        self._lock = threading.Lock()
        self._bank = None
        if self.folder.is_dir():
            self.bank()  # sounds recorded in earlier sessions play by name from the start

    # -- the bank ---------------------------------------------------------------------------
    def bank(self):
        """The performer's bank in the session's library (the one the bank list already
        opened, as it opens every folder under data_dir()/banks; else added first)."""
        from ..bank import FolderBank

        with self._lock:
            if self._bank is None:
                self.folder.mkdir(parents=True, exist_ok=True)
                here = self.folder.resolve()
                for b in self.session.library.banks:
                    if isinstance(b, FolderBank) and Path(b.path).resolve() == here:
                        self._bank = b
                        break
                else:
                    self._bank = FolderBank(self.folder, name=self.folder.name)
                    self.session.add_bank(self._bank, first=True)
            return self._bank

    def _check_name(self, name) -> None:
        if not isinstance(name, str) or not _NAME.match(name):
            raise ValueError(f"a sample name is a word of letters, digits and _, like 'kettle_hiss'; got {name!r}")
        library = self.session.library
        if name in library:
            held = [b.name for b in library.banks if b.count(name) > 0]
            if held and held[0] != self.bank().name:
                raise ValueError(f"{name!r} is already a sound of the {held[0]!r} bank; "
                                 f"choose another name (e.g. {name}_2)")

    # -- rec: from the input device --------------------------------------------------------
    def rec(self, name: str, seconds: float = 3.0, device=None, place: str | None = None) -> Take:
        """rec("kettle_hiss", seconds=3): record from the input device into your bank."""
        self._check_name(name)
        seconds = float(seconds)
        if not 0 < seconds <= 600:
            raise ValueError(f"seconds must be in (0, 600], got {seconds!r}")
        sd, info = _input_device(device)
        dev_name = f"{info['name']} ({sd.query_hostapis(info['hostapi'])['name']})"
        take = Take("rec", name, seconds, f"input {dev_name}")
        channels = min(2, int(info["max_input_channels"]))
        threading.Thread(target=self._record_input, name="livesamp-rec", daemon=True,
                         args=(take, sd, info, channels, place or self.place)).start()
        return take

    def _record_input(self, take: Take, sd, info, channels: int, place) -> None:
        try:
            sr = self.session.sr
            try:
                sd.check_input_settings(device=info["index"], channels=channels, samplerate=sr)
            except Exception:  # noqa: BLE001 - the device's own rate then; the bank resamples
                sr = int(info["default_samplerate"])
            n = int(round(take.seconds * sr))
            buf = np.zeros((n, channels), np.float32)
            pos = [0]
            finished = threading.Event()

            def callback(indata, frames, time_info, status):  # PortAudio input thread
                k = min(frames, n - pos[0])
                buf[pos[0]:pos[0] + k] = indata[:k]
                pos[0] += k
                if pos[0] >= n:
                    raise sd.CallbackStop

            with sd.InputStream(device=info["index"], channels=channels, samplerate=sr, dtype="float32",
                                callback=callback, finished_callback=finished.set):
                if not finished.wait(take.seconds + 5.0):
                    raise TimeoutError(f"the input device delivered {pos[0]} of {n} frames")
            prov = {"source": f"recorded with livesamp rec() from {take.source}",
                    "device": take.source.removeprefix("input "), "place": place}
            self._finish(take, buf[:pos[0]], sr, prov)
        except BaseException as e:  # noqa: BLE001 - reported; never reaches the REPL or audio
            self._fail(take, e)

    # -- resample: from the master output ---------------------------------------------------
    def resample(self, name: str, cycles=4) -> Take:
        """resample("loop_a", cycles=4): capture the next `cycles` cycles of the master output."""
        self._check_name(name)
        if self.hub is None:
            raise RuntimeError("resample() needs the master output tap, which this audio output "
                               "does not offer")
        from math import ceil

        if not (isinstance(cycles, (int, float, Fraction)) and cycles > 0):
            raise ValueError(f"cycles must be a positive number, got {cycles!r}")
        clock = self.session.clock
        now = clock.cycle_at(self.session.engine.frame)
        c0 = ceil(now)
        c1 = c0 + Fraction(cycles)
        f0, f1 = clock.frame_at(c0), clock.frame_at(c1)
        take = Take("resample", name, (f1 - f0) / self.session.sr, f"the master output, cycles {c0}..{float(c1):g}",
                    frames=(f0, f1))
        buf = np.zeros((f1 - f0, 2), np.float32)
        got = [0]

        def listener(frame0: int, block: np.ndarray) -> None:  # the tap hub's thread: copy only
            a, b = max(frame0, f0), min(frame0 + len(block), f1)
            if b > a:
                buf[a - f0:b - f0] = block[a - frame0:b - frame0, :2]
                got[0] += b - a
            if frame0 + len(block) >= f1:
                self.hub.remove(listener)
                prov = {"source": "resampled with livesamp resample() from the master output",
                        "notes": f"cycles {c0}..{float(c1):g} at {clock.cps:g} cps; playing: "
                                 + ", ".join(f"{s.name}: {s.source}" for s in self.session.slots
                                             if s.pattern is not None)[:400],
                        "device": "livesamp master output", "place": self.place}
                threading.Thread(target=self._finish_safely, args=(take, buf, self.session.sr, prov),
                                 name="livesamp-resample", daemon=True).start()

        self.hub.add(listener)
        return take

    # -- finishing: a file, a sidecar, a name --------------------------------------------------
    def _finish_safely(self, take, audio, sr, prov) -> None:
        try:
            self._finish(take, audio, sr, prov)
        except BaseException as e:  # noqa: BLE001
            self._fail(take, e)

    def _finish(self, take: Take, audio: np.ndarray, sr: int, prov: dict) -> None:
        import soundfile as sf

        from ..bank import Provenance

        if len(audio) == 0:
            raise RuntimeError("no audio arrived")
        bank = self.bank()
        stamp = time.strftime("%Y%m%d-%H%M%S")
        full = Provenance(source=prov["source"], recipe=f"{take.kind}({take.name!r})",
                          author=os.environ.get("LIVESAMP_AUTHOR") or None,
                          recorded_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"), place=prov.get("place"),
                          device=prov.get("device"), notes=prov.get("notes"))
        with self._lock:
            sub = self.folder / take.name
            sub.mkdir(parents=True, exist_ok=True)
            index = len([p for p in sub.iterdir() if p.suffix == ".flac" and not p.name.startswith(".")])
            path = sub / f"{index:02d}-{stamp}.flac"
            tmp = sub / f".{path.name}.part"
            sf.write(str(tmp), audio, sr, format="FLAC", subtype="PCM_24")
            Path(str(path) + ".json").write_text(json.dumps(full.to_dict(), indent=1) + "\n", encoding="utf-8")
            os.replace(tmp, path)
            bank.refresh()
        take.index, take.path = index, path
        self.session.packer.sample_ids.resolve(take.name, index)  # into the engine now, not mid-schedule
        if self.log is not None:
            from .replay import bank_specs

            self.log.write("take", name=take.name, index=index, file=str(path), take=take.kind,
                           bank=bank_specs([bank])[0])
        take.done.set()
        self.report(f"{take.kind}: {take.label} is ready ({len(audio) / sr:.1f} s): "
                    f"d1 << \"{take.label}\"")

    def _fail(self, take: Take, e: BaseException) -> None:
        take.error = f"{type(e).__name__}: {e}"
        take.done.set()
        self.report(f"{take.kind} {take.name} failed: {take.error}")


def _input_device(device=None):
    """(sounddevice, device info) of the input device to record from, or a clear error."""
    try:
        import sounddevice as sd
    except OSError as e:
        raise RuntimeError(f"rec() needs PortAudio, which is not installed ({e}); "
                           "on Debian/Ubuntu: apt-get install libportaudio2") from None
    try:
        info = sd.query_devices(device, kind="input") if device is None else sd.query_devices(device)
    except (ValueError, sd.PortAudioError) as e:
        raise RuntimeError("rec() found no audio input device"
                           + (f" {device!r}" if device is not None else "")
                           + f" ({e}); plug in a microphone or start JACK, `livesamp devices` lists them"
                           ) from None
    if int(info.get("max_input_channels", 0)) < 1:
        raise RuntimeError(f"rec(): device {info['name']!r} has no input channels; "
                           "`livesamp devices` lists the devices")
    return sd, info
