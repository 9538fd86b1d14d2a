"""livesamp against other engines (SuperCollider's scsynth, pyo, numpy, numba) on the
peers' workloads (W1 grain clouds, W2 sampler voices), with livesamp/peer ratios.

    .venv/bin/python bench/peers.py [--jobs empty,w1-1024,w1-4096] [--peers sc,pyo]
                                    [--runs 3] [--pin 1] [--rounds 1] [--dir /tmp/peers]

Runs the peers' own harness (``bench.py`` in ``--dir``: whole-process CPU time, medians,
every output checked by ``verify.py``) with livesamp as one more peer
(``python -m livesamp.bench JOB OUT.wav``), then prints, per job, livesamp's marginal
rate (work per CPU second with the same engine's ``empty`` job subtracted, the column
RESULTS.md compares) and its ratio to each peer's. The machine may be shared: with
``--rounds R`` the whole comparison runs R times and the medians of each (peer, job)'s
CPU seconds are used, so a load that drifts between the peers' turns evens out.

Setup (once; see RESULTS.md "Setup" in the peers folder): ``cp -r
../shared/reference/peers /tmp/peers``, its venv (``python3 -m venv .venv &&
.venv/bin/pip install -r requirements.txt``, pyo from PyPI), ``apt-get install
supercollider-server`` for ``sc``, and ``.venv/bin/python workload.py source``. The copy
is made here if ``--dir`` does not exist.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "reference" / "peers"


def run_round(d: Path, args, out: Path) -> list[dict]:
    py = d / ".venv" / "bin" / "python"
    if not py.exists():
        raise SystemExit(f"no venv in {d}: see its RESULTS.md 'Setup' (pip install -r requirements.txt)")
    cmd = [str(py), "bench.py", "--runs", str(args.runs), "--warmup", "1", "--jobs", args.jobs,
           "--peers", args.peers, "--out", str(out),
           "--peer", f"livesamp={sys.executable} -m livesamp.bench {{job}} {{out}}"]
    if args.pin is not None:
        cmd += ["--pin", str(args.pin)]
    subprocess.run(cmd, cwd=d, check=False)
    return json.loads((out / "results.json").read_text())["rows"]


def summarise(rounds: list[list[dict]]) -> dict:
    """(peer, job) -> {"cpu": median CPU s over rounds, "work": ..., "ok": all checks}."""
    acc: dict = {}
    for rows in rounds:
        for r in rows:
            a = acc.setdefault((r["peer"], r["job"]), {"cpus": [], "work": r["work"], "ok": True})
            a["cpus"].append(r["cpu_s"])
            a["ok"] = a["ok"] and r["ok"]
    for a in acc.values():
        a["cpu"] = statistics.median(a["cpus"])
    for (peer, job), a in acc.items():
        empty = acc.get((peer, "empty"))
        a["net"] = (a["work"] / (a["cpu"] - empty["cpu"])
                    if a["work"] and empty and a["cpu"] > empty["cpu"] else None)
    return acc


def report(acc: dict) -> str:
    peers = sorted({p for p, _ in acc if p != "livesamp"})
    jobs = [j for j in dict.fromkeys(j for _, j in acc) if j != "empty"]
    lines = ["| job | " + " | ".join(["livesamp"] + peers) + " | "
             + " | ".join(f"livesamp / {p}" for p in peers) + " |",
             "|---|" + "---:|" * (1 + 2 * len(peers))]
    for job in jobs:
        mine = acc.get(("livesamp", job), {}).get("net")
        cells = [f"{mine / 1e6:.0f} M/s" if mine else "-"]
        ratios = []
        for p in peers:
            theirs = acc.get((p, job), {}).get("net")
            cells.append(f"{theirs / 1e6:.0f} M/s" if theirs else "-")
            ratios.append(f"{mine / theirs:.2f}x" if mine and theirs else "-")
        lines.append(f"| {job} | " + " | ".join(cells + ratios) + " |")
    empties = ", ".join(f"{p} {a['cpu']:.2f} s" for (p, j), a in sorted(acc.items()) if j == "empty")
    failed = [f"{p} {j}" for (p, j), a in acc.items() if not a["ok"]]
    lines.append("")
    lines.append("marginal rates: samples per CPU second with the engine's empty job subtracted "
                 f"(empty: {empties})")
    if failed:
        lines.append("CHECK FAILED: " + ", ".join(failed))
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", default="/tmp/peers", help="the peers folder (copied if missing)")
    ap.add_argument("--jobs", default="empty,w1-1024,w1-4096")
    ap.add_argument("--peers", default="sc,pyo")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pin", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args(argv)
    if "empty" not in args.jobs.split(","):
        args.jobs = "empty," + args.jobs
    d = Path(args.dir)
    if not d.exists():
        shutil.copytree(SHARED, d)
    if not (d / "data" / "source.wav").exists():
        subprocess.run([str(d / ".venv" / "bin" / "python"), "workload.py", "source"], cwd=d,
                       check=True)
    rounds = []
    for i in range(args.rounds):
        out = d / "out" / f"peers-round{i}"
        os.makedirs(out, exist_ok=True)
        rounds.append(run_round(d, args, out))
    acc = summarise(rounds)
    print()
    print(report(acc))
    return 0 if all(a["ok"] for a in acc.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
