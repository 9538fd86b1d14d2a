"""Warm start of a 10,000-sample bank: how long until ``get()`` answers, in a fresh process.

Builds (once, in a temporary folder unless ``--folder`` is given) a bank of 1,000 sound
names with 10 variants each: tiny WAV files, each with a provenance sidecar as
``livesamp samples import`` writes. Then, each in a new Python process:

- cold: the index is empty, every header and sidecar is read;
- warm: the index is current, the files are only ``stat``-ed.

The warm-start figure runs from after ``import livesamp.bank`` (printed apart: it is the
same for any bank) to a ``SampleLibrary`` of the bank having answered ``get()`` for 100
names with their provenance; interpreter start-up is printed apart too.

    .venv/bin/python bench/bank_warm_start.py [--names 1000 --variants 10] [--runs 3]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

_CHILD = r"""
import time, sys
t0 = time.perf_counter()
import livesamp.bank
t1 = time.perf_counter()
from livesamp.bank import IndexedBank, SampleLibrary
lib = SampleLibrary([IndexedBank(sys.argv[1], "bench")])
names = lib.names()
for name in names[:: max(1, len(names) // 100)]:
    s = lib.get(name, 3)
    s.provenance.short()
t2 = time.perf_counter()
print(t2 - t1, t1 - t0, sum(lib.count(n) for n in names))
"""


def build(folder: Path, names: int, variants: int) -> None:
    """The bank folder: names x variants tiny WAVs with sidecars."""
    from livesamp.bank.descriptors import Descriptors
    from livesamp.bank.provenance import Consent, Provenance
    from livesamp.bank.sidecar import Sidecar, write_sidecar

    rng = np.random.default_rng(0)
    clip = (0.1 * rng.standard_normal(480)).astype(np.float32)
    d = Descriptors(0.01, 0.01, -20, -10, 5000, 2000, 0.5, 0.0, 0.5, 0, 0.1, 0.001, 0.005, 0.005, 0, 0)
    for i in range(names):
        sub = folder / f"s{i:04d}"
        sub.mkdir(parents=True, exist_ok=True)
        for k in range(variants):
            f = sub / f"{k:03d}-take.wav"
            sf.write(f, clip, 48000, subtype="PCM_16")
            prov = Provenance(source=f"recording take{i}-{k}.wav", author="bench", licence="CC0-1.0",
                              sha256=f"{i:032x}{k:032x}", consent=Consent(granted_by="bench"))
            write_sidecar(f, Sidecar(prov, d, "tss", "bench"))


def run(folder: Path, env: dict) -> tuple[float, float, int, float]:
    """(seconds to open the bank and answer, seconds importing livesamp.bank, samples,
    seconds of the whole child process)."""
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _CHILD, str(folder)], env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1]), int(out[2]), time.perf_counter() - t0


def measure(folder: Path, data: Path, runs: int = 3) -> dict:
    """Cold start, then ``runs`` warm starts (the best is kept: the machine is shared)."""
    env = {**os.environ, "LIVESAMP_DATA_DIR": str(data)}
    (data / "index.sqlite").unlink(missing_ok=True)
    cold = run(folder, env)
    time.sleep(2.1)  # folder mtimes younger than 2 s are not trusted (index.sync)
    run(folder, env)
    warm = [run(folder, env) for _ in range(runs)]
    best = min(warm, key=lambda w: w[0] + w[1])
    return {"samples": cold[2], "cold_s": cold[0], "warm_s": best[0], "import_s": best[1],
            "warm_process_s": min(w[3] for w in warm)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--names", type=int, default=1000)
    ap.add_argument("--variants", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--folder", help="keep the generated bank here (reused if present)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.folder) if args.folder else Path(tmp) / "bench"
        if not folder.exists():
            t0 = time.perf_counter()
            build(folder, args.names, args.variants)
            print(f"built {args.names * args.variants} samples in {time.perf_counter() - t0:.1f} s")
        data = Path(tmp) / "data"
        data.mkdir()
        r = measure(folder, data, args.runs)
    print(f"{r['samples']} samples: cold start {r['cold_s']:.2f} s; warm start {r['warm_s']:.2f} s "
          f"(+ {r['import_s']:.2f} s importing livesamp.bank = {r['warm_s'] + r['import_s']:.2f} s; "
          f"whole process with interpreter start-up {r['warm_process_s']:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
