"""A JACK server with the dummy driver, for tests of the real PortAudio callback path.

``jack_server`` (session fixture): uses a JACK server that is already running, or
starts ``jackd -R -d dummy -r 48000 -p 256`` (falling back to ``--no-realtime`` if
realtime scheduling is refused), re-initialises PortAudio so it sees the server,
waits until the "JACK Audio Connection Kit" host API lists an output device, and
stops the server it started at the end. Skips if jackd or PortAudio is missing.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass

import pytest

JACK_API = "JACK Audio Connection Kit"


@dataclass
class JackInfo:
    device: int           # PortAudio device index of the JACK output
    realtime: bool        # started with -R (or an unknown external server: assumed True)
    started: bool         # this fixture started it


def _server_running() -> bool:
    if shutil.which("jack_lsp") is None:
        return False
    try:
        r = subprocess.run(["jack_lsp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=5, env={**os.environ, "JACK_NO_START_SERVER": "1"})
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


def _start(args: list[str]) -> subprocess.Popen | None:
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if p.poll() is not None:
            return None
        if _server_running():
            return p
        time.sleep(0.1)
    p.terminate()
    p.wait(5)
    return None


def _jack_device(sd) -> int | None:
    for i, d in enumerate(sd.query_devices()):
        if sd.query_hostapis(d["hostapi"])["name"] == JACK_API and d["max_output_channels"] >= 2:
            return i
    return None


@pytest.fixture(scope="session")
def jack_server():
    from livesamp.io.portaudio import AudioUnavailable, import_sounddevice

    try:
        sd = import_sounddevice()
    except AudioUnavailable as exc:
        pytest.skip(str(exc))
    proc = None
    realtime = True
    if not _server_running():
        jackd = shutil.which("jackd")
        if jackd is None:
            pytest.skip("jackd is not installed (apt-get install jackd2)")
        base = [jackd, "-d", "dummy", "-r", "48000", "-p", "256"]
        proc = _start([jackd, "-R"] + base[1:])
        if proc is None:
            realtime = False
            proc = _start([jackd, "--no-realtime"] + base[1:])
        if proc is None:
            pytest.skip("could not start jackd with the dummy driver")
    device = None
    deadline = time.monotonic() + 10
    while device is None and time.monotonic() < deadline:
        sd._terminate()
        sd._initialize()
        device = _jack_device(sd)
        if device is None:
            time.sleep(0.2)
    if device is None:
        if proc is not None:
            sd._terminate()
            proc.terminate()
            proc.wait(5)
            sd._initialize()
        pytest.skip("PortAudio does not list a JACK output device")
    yield JackInfo(device=device, realtime=realtime, started=proc is not None)
    if proc is not None:
        sd._terminate()      # disconnect PortAudio from JACK first: Pa_Terminate aborts
        proc.terminate()     # the process if the server has already gone away
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        sd._initialize()
