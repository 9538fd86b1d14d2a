#!/usr/bin/env python3
"""Pattern query cost: livesamp against Strudel 1.2.6, 16 typical performance patterns.

    python bench/pattern_query.py            # full run (~1-2 min)
    python bench/pattern_query.py --quick    # < 30 s
    python bench/pattern_query.py --no-node  # livesamp only

The 16 patterns are in ``bench/patterns16.json``, each spelled in Python (``py``, evaluated as
after ``from livesamp import *``) and in Strudel JS (``js``), side by side so they cannot drift.

Method (identical on both sides; the Strudel side is ``bench/pattern_query.mjs`` under node):
for each pattern, W warm-up cycles (from cycle 100000 on), then R samples, each the time to
query K successive fresh cycles ``c..c+1`` (c = 0, 1, 2, ... never queried twice, so no cache
of one cycle can help) divided by K; the figure is the median sample, in microseconds per
slot-cycle.  Times are the process's CPU time (``time.process_time_ns`` /
``process.cpuUsage``): the cost the target is about (a share of a core), and what a shared
machine does not inflate by running other work in between; ``--clock wall`` times wall clock
(``time.perf_counter_ns`` / ``process.hrtime``) instead, and the all-16 row always shows both.
The garbage collector stays on.  "all 16" times the 16 patterns queried together per cycle (one cycle of 16 busy slots);
the target is < 2 ms.  "100 windows" times the 16 patterns over one cycle queried as 100
successive windows of 1/100 cycle, the way a live scheduler asks (livesamp's SchedulerThread
queries every 20 ms: 100 windows per cycle at 0.5 cycles/s); median of T cycles.

Periodic patterns (no randomness or signals) answer a whole cycle from a per-period memo
(livesamp/pattern/cache.py): fresh cycle c is cycle c mod P shifted, exactly.  The table's
figures are with it, as a performance runs; the "memo off" row times the same 16 patterns
built with LIVESAMP_CYCLE_CACHE off (every cycle computed from scratch), so both are visible.

Cross-check: both sides count onset haps (``whole.begin == part.begin``) per pattern for
cycles 0..15; the ``diff`` column gives the number of cycles whose counts differ (0 = same).

Strudel is installed on first use with
``npm install --prefix bench/.strudel @strudel/core@1.2.6 @strudel/mini@1.2.6`` (gitignored).
Without node/npm the script prints the livesamp figures only, with a note.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

TABLE = HERE / "patterns16.json"
STRUDEL_DIR = HERE / ".strudel"
STRUDEL_PACKAGES = ("@strudel/core@1.2.6", "@strudel/mini@1.2.6")
TARGET_US = 2000.0
WARMUP_START = 100_000   # warm-up cycles, far from the measured ones
ALL16_START = 200_000    # the all-slots run queries its own fresh cycles
TICK_START = 300_000     # ... and so does the windowed run


def load_table() -> list[dict]:
    return json.loads(TABLE.read_text())["patterns"]


def build_patterns(table, memo: bool = True):
    import livesamp
    from livesamp.pattern import cache

    ns = {name: getattr(livesamp, name) for name in livesamp.__all__}
    before = cache.ENABLED
    cache.set_enabled(memo)
    try:
        return [eval(entry["py"], ns) for entry in table]  # noqa: S307 (our own table)
    finally:
        cache.set_enabled(before)


def onset_counts(pat, cycles: int) -> list[int]:
    counts = []
    for c in range(cycles):
        counts.append(sum(1 for h in pat.query_arc(c, c + 1)
                          if h.whole is not None and h.whole.begin == h.part.begin))
    return counts


CLOCKS = {"cpu": time.process_time_ns, "wall": time.perf_counter_ns}
now = CLOCKS["cpu"]  # set by main from --clock


def time_pattern(pat, repeats: int, batch: int, warmup: int) -> float:
    """Median over `repeats` samples of the µs per cycle for `batch` fresh successive cycles."""
    query = pat.query_arc
    for c in range(WARMUP_START, WARMUP_START + warmup):
        query(c, c + 1)
    samples = []
    c = 0
    for _ in range(repeats):
        t0 = now()
        for _ in range(batch):
            query(c, c + 1)
            c += 1
        samples.append((now() - t0) / 1000 / batch)
    return statistics.median(samples)


def time_all(pats, repeats: int, batch: int) -> dict:
    """Medians (cpu and wall, measured together) of the µs for all 16 patterns per cycle."""
    cpu_now, wall_now = CLOCKS["cpu"], CLOCKS["wall"]
    queries = [p.query_arc for p in pats]
    cpu, wall = [], []
    c = ALL16_START
    for _ in range(repeats):
        c0, w0 = cpu_now(), wall_now()
        for _ in range(batch):
            for q in queries:
                q(c, c + 1)
            c += 1
        w1, c1 = wall_now(), cpu_now()
        cpu.append((c1 - c0) / 1000 / batch)
        wall.append((w1 - w0) / 1000 / batch)
    return {"cpu": statistics.median(cpu), "wall": statistics.median(wall)}


def time_tick(pats, windows: int, repeats: int) -> float:
    """Median µs for all 16 over one fresh cycle queried in `windows` successive windows."""
    from fractions import Fraction

    queries = [p.query_arc for p in pats]
    offsets = [Fraction(k, windows) for k in range(windows + 1)]
    samples = []
    for c in range(TICK_START, TICK_START + repeats):
        t0 = now()
        for k in range(windows):
            b, e = c + offsets[k], c + offsets[k + 1]
            for q in queries:
                q(b, e)
        samples.append((now() - t0) / 1000)
    return statistics.median(samples)


def ensure_strudel(quiet: bool = False) -> str | None:
    """Install Strudel into bench/.strudel if needed; returns None or the reason it can't run."""
    if shutil.which("node") is None:
        return "node not found: Strudel figures skipped (install nodejs to compare)"
    modules = STRUDEL_DIR / "node_modules" / "@strudel"
    want = {p.rsplit("@", 1)[0]: p.rsplit("@", 1)[1] for p in STRUDEL_PACKAGES}
    have = {}
    for name in want:
        pkg = STRUDEL_DIR / "node_modules" / name / "package.json"
        if pkg.exists():
            have[name] = json.loads(pkg.read_text()).get("version")
    if have == want and (modules / "core" / "dist" / "index.mjs").exists():
        return None
    npm = shutil.which("npm")
    if npm is None:
        return "npm not found: cannot install Strudel into bench/.strudel; Strudel figures skipped"
    STRUDEL_DIR.mkdir(parents=True, exist_ok=True)
    if not quiet:
        print(f"installing {' '.join(STRUDEL_PACKAGES)} into {STRUDEL_DIR.relative_to(ROOT)} ...",
              file=sys.stderr)
    proc = subprocess.run(
        [npm, "install", "--prefix", str(STRUDEL_DIR), "--save-exact", "--no-audit", "--no-fund",
         "--loglevel=error", *STRUDEL_PACKAGES],
        capture_output=True, text=True, timeout=300,
    )
    if proc.returncode != 0:
        return f"npm install failed ({proc.returncode}): {proc.stderr.strip()[-400:]}"
    return None


def run_strudel(repeats: int, batch: int, warmup: int, check_cycles: int, windows: int,
                tick_repeats: int, clock: str = "cpu") -> tuple[dict | None, str | None]:
    reason = ensure_strudel()
    if reason:
        return None, reason
    cmd = ["node", str(HERE / "pattern_query.mjs"), "--repeats", str(repeats), "--batch", str(batch),
           "--warmup", str(warmup), "--check-cycles", str(check_cycles),
           "--windows", str(windows), "--tick-repeats", str(tick_repeats), "--clock", clock,
           "--strudel-dir", str(STRUDEL_DIR), "--table", str(TABLE)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return None, "node timed out: Strudel figures skipped"
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        return None, f"node failed ({proc.returncode}): {(proc.stderr or proc.stdout).strip()[-600:]}"
    return json.loads(lines[-1]), None


def fmt_us(x: float | None) -> str:
    return "-" if x is None else f"{x:,.1f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats (< 30 s in all)")
    ap.add_argument("--repeats", type=int, help="samples per pattern (default 200, quick 50)")
    ap.add_argument("--batch", type=int, help="fresh cycles per sample (default 8, quick 2)")
    ap.add_argument("--warmup", type=int, help="warm-up cycles per pattern (default 50, quick 20)")
    ap.add_argument("--check-cycles", type=int, default=16, help="cycles for the onset cross-check")
    ap.add_argument("--windows", type=int, default=100,
                    help="windows per cycle for the live-scheduler row (0 to skip)")
    ap.add_argument("--tick-repeats", type=int, help="cycles for that row (default 7, quick 2)")
    ap.add_argument("--no-node", action="store_true", help="livesamp figures only")
    ap.add_argument("--clock", choices=sorted(CLOCKS), default="cpu",
                    help="cpu: the process's CPU time (default); wall: wall-clock time")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = ap.parse_args(argv)
    repeats = args.repeats or (50 if args.quick else 200)
    batch = args.batch or (2 if args.quick else 8)
    warmup = args.warmup if args.warmup is not None else (20 if args.quick else 50)
    tick_repeats = args.tick_repeats or (2 if args.quick else 7)
    if repeats < 1 or batch < 1:
        ap.error("--repeats and --batch must be positive")

    global now
    now = CLOCKS[args.clock]
    table = load_table()
    t_start = time.perf_counter()
    pats = build_patterns(table)
    gc.enable()  # realistic: the collector runs as it would during a performance

    ours = []
    for entry, pat in zip(table, pats):
        counts = onset_counts(pat, args.check_cycles)
        us = time_pattern(pat, repeats, batch, warmup)
        ours.append({"name": entry["name"], "us": us, "onsets": counts})
    all16_both = time_all(pats, repeats, batch)
    all16 = all16_both[args.clock]
    all16_plain = time_all(build_patterns(table, memo=False), repeats, batch)[args.clock]
    tick = time_tick(pats, args.windows, tick_repeats) if args.windows > 0 else None
    ours_sum = sum(p["us"] for p in ours)

    strudel, note = (None, "--no-node: Strudel figures skipped") if args.no_node else \
        run_strudel(repeats, batch, warmup, args.check_cycles, args.windows, tick_repeats, args.clock)
    theirs = {p["name"]: p for p in strudel["patterns"]} if strudel else {}

    import livesamp

    print(f"pattern query cost, µs of {args.clock} time per slot-cycle (median of {repeats} samples x"
          f" {batch} fresh cycles, {warmup} warm-up cycles, gc on)")
    print(f"livesamp {livesamp.__version__} on Python {platform.python_version()}"
          + (f"  |  Strudel core {strudel['core']} / mini {strudel['mini']} on node {strudel['node']}"
             if strudel else ""))
    print()
    w = max(len(p["name"]) for p in ours)
    print(f"{'pattern':<{w}}  {'livesamp':>12}  {'strudel':>12}  {'ratio':>6}  {'onsets/cyc':>12}  diff")
    mismatched = 0
    for p in ours:
        t = theirs.get(p["name"])
        ratio = f"{p['us'] / t['us']:.2f}" if t else "-"
        if t:
            diff = sum(1 for a, b in zip(p["onsets"], t["onsets"]) if a != b)
            diff += abs(len(p["onsets"]) - len(t["onsets"]))
            mismatched += diff > 0
            diff_s = str(diff) if diff == 0 else f"{diff} MISMATCH"
        else:
            diff_s = "-"
        mean_onsets = sum(p["onsets"]) / max(1, len(p["onsets"]))
        print(f"{p['name']:<{w}}  {fmt_us(p['us']):>12}  {fmt_us(t['us'] if t else None):>12}  {ratio:>6}"
              f"  {mean_onsets:>12.2f}  {diff_s}")
    print("-" * (w + 56))
    s_sum = strudel["sum_us"] if strudel else None
    s_all = strudel["all16_us"] if strudel else None
    print(f"{'sum of 16':<{w}}  {fmt_us(ours_sum):>12}  {fmt_us(s_sum):>12}  "
          f"{(f'{ours_sum / s_sum:.2f}' if s_sum else '-'):>6}")
    print(f"{'all 16 / cycle':<{w}}  {fmt_us(all16):>12}  {fmt_us(s_all):>12}  "
          f"{(f'{all16 / s_all:.2f}' if s_all else '-'):>6}")
    print(f"{'  ... memo off':<{w}}  {fmt_us(all16_plain):>12}  {fmt_us(s_all):>12}  "
          f"{(f'{all16_plain / s_all:.2f}' if s_all else '-'):>6}")
    other = "wall" if args.clock == "cpu" else "cpu"
    s_other = strudel.get(f"all16_{other}_us") if strudel else None
    print(f"{'  ... ' + other + ' time':<{w}}  {fmt_us(all16_both[other]):>12}  {fmt_us(s_other):>12}  "
          f"{(f'{all16_both[other] / s_other:.2f}' if s_other else '-'):>6}")
    if tick is not None:
        s_tick = strudel.get("tick_us") if strudel else None
        label = f"all 16, {args.windows} windows"
        print(f"{label:<{w}}  {fmt_us(tick):>12}  {fmt_us(s_tick):>12}  "
              f"{(f'{tick / s_tick:.2f}' if s_tick else '-'):>6}")
    print()
    core_pct = all16 / 1e6 * 0.5 * 100  # share of one core at 0.5 cycles per second
    verdict = "PASS" if all16 < TARGET_US else "FAIL"
    print(f"verdict: {verdict}: all 16 slots cost {all16 / 1000:.3f} ms of {args.clock} time per cycle "
          f"(target < {TARGET_US / 1000:g} ms) = {core_pct:.2f}% of a core at 0.5 cycles/s")
    print(f"without the cycle memo: {all16_plain / 1000:.3f} ms per cycle")
    if tick is not None:
        print(f"live-scheduler shape: one cycle as {args.windows} windows costs {tick / 1000:.1f} ms"
              f" = {tick / 1e6 * 0.5 * 100:.1f}% of a core at 0.5 cycles/s")
    if strudel:
        print(f"onset cross-check over cycles 0..{args.check_cycles - 1}: "
              + ("all 16 patterns agree" if mismatched == 0 else f"{mismatched} pattern(s) DIFFER"))
    if note:
        print(f"note: {note}")
    if hasattr(os, "getloadavg"):
        print(f"load average during the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"
              " (figures are only comparable on an otherwise idle machine)")
    print(f"(run took {time.perf_counter() - t_start:.1f} s)")

    if args.json:
        Path(args.json).write_text(json.dumps({
            "clock": args.clock,
            "livesamp": {"patterns": ours, "sum_us": ours_sum, "all16_us": all16,
                         "all16_cpu_us": all16_both["cpu"], "all16_wall_us": all16_both["wall"],
                         "all16_memo_off_us": all16_plain, "tick_us": tick,
                         "windows": args.windows},
            "strudel": strudel, "note": note, "target_us": TARGET_US,
            "repeats": repeats, "batch": batch, "warmup": warmup,
        }, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
