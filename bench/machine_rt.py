"""Can this machine run audio at block 256 without xruns at all, whatever the client?

    .venv/bin/python bench/machine_rt.py              # 60 s each
    .venv/bin/python bench/machine_rt.py --seconds 20

Two measurements with no livesamp code involved, to read the live tests' xrun counts
against (their idle controls answer the same question from inside the engine):

1. ``jackd -R -d dummy -r 48000 -p 256`` with no client connected: the xruns it logs
   itself (``JackTimedDriver::Process XRun``: the driver woke up later than its next
   period). Needs ``jackd`` (jackd2) and no JACK server already running.
2. ``cyclictest`` (Debian ``rt-tests``), one SCHED_FIFO-80 thread waking every 5.333 ms
   (one period of 256 frames at 48 kHz): how many wake-ups came more than a period late,
   and the worst. Skipped if ``cyclictest`` is not installed.

A machine where either count is above zero cannot show zero xruns for any JACK client.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

PERIOD_US = 5333          # 256 frames at 48 kHz


def _jack_running() -> bool:
    if shutil.which("jack_lsp") is None:
        return False
    r = subprocess.run(["jack_lsp"], capture_output=True, timeout=5,
                       env={**os.environ, "JACK_NO_START_SERVER": "1"})
    return r.returncode == 0


def jackd_alone(seconds: float) -> dict:
    """Start a dummy JACK server with no client, count the xruns it logs."""
    jackd = shutil.which("jackd")
    if jackd is None:
        return {"skipped": "jackd is not installed (apt-get install jackd2)"}
    if _jack_running():
        return {"skipped": "a JACK server is already running: stop it first (this needs its own)"}
    with tempfile.TemporaryFile(mode="w+") as log:
        p = subprocess.Popen([jackd, "-R", "-d", "dummy", "-r", "48000", "-p", "256"],
                             stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            time.sleep(2.0)                    # start-up
            log.seek(0, os.SEEK_END)
            start = log.tell()
            time.sleep(seconds)
            log.flush()
            log.seek(start)
            text = log.read()
        finally:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
    return {"seconds": seconds, "xruns": len(re.findall(r"Process XRun = \d+ usec", text)),
            "graph_errors": text.count("Process error")}


def cyclictest(seconds: float) -> dict:
    exe = shutil.which("cyclictest")
    if exe is None:
        return {"skipped": "cyclictest is not installed (apt-get install rt-tests)"}
    r = subprocess.run([exe, "-m", "-p", "80", "-i", str(PERIOD_US), "-D", str(int(seconds)), "-q",
                        "-h", str(PERIOD_US), "-t", "1"], capture_output=True, text=True)

    def field(name):
        m = re.search(rf"# {name}:\s*([\d ]+)", r.stdout)
        return [int(x) for x in m.group(1).split()] if m else []

    total, worst, late = field("Total"), field("Max Latencies"), field("Histogram Overflows")
    if not total:
        return {"skipped": f"cyclictest failed: {(r.stderr or r.stdout).strip()[:200]}"}
    return {"seconds": seconds, "wakeups": sum(total), "later_than_a_period": sum(late),
            "worst_us": max(worst) if worst else None}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60.0)
    args = ap.parse_args(argv)
    j = jackd_alone(args.seconds)
    print(f"jackd -d dummy -p 256, no client: {j}")
    c = cyclictest(args.seconds)
    print(f"cyclictest, FIFO 80, every {PERIOD_US} us: {c}")
    bad = j.get("xruns", 0) + c.get("later_than_a_period", 0)
    if "skipped" in j and "skipped" in c:
        print("verdict: nothing measured")
        return 1
    print("verdict: " + ("this machine cannot show zero xruns at block 256 for any JACK client"
                         if bad else "no late wake-ups seen: the live tests' xrun counts are the engine's"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
