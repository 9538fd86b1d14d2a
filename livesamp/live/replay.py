"""`livesamp replay LOG -o set.wav`: re-render a logged performance offline, exactly.

Why it is exact: the live scheduler queries patterns ahead of the audio in steps; each
evaluated input's slot and tempo changes land between two of those steps (the session lock
sees to it), at the scheduler cursor, which is `clock.cycle_at(F)` of an integer horizon
frame F, and the log holds that F. The replay drives an offline Session with the same
scheduler and kernel: it renders block by block, never lets the scheduler run past the next
input's F, advances it to exactly F, evaluates the input's text (and the logged text of
any file it loaded), and goes on. Patterns are pure functions of cycle time, randomness
included, so the same patterns from the same cycles give the same triggers at the same
frames, and the engine turns them into the same samples. What cannot be replayed: inputs
whose meaning depends on the outside world (Python's `random`, files read by hand, the
clock on the wall); samples recorded with rec()/resample() are read back from the files
the session left in the performer's bank.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from .log import read_log

__all__ = ["replay", "ReplayResult", "bank_specs", "banks_from_specs"]


@dataclass
class ReplayResult:
    audio: np.ndarray           # (frames, 2) float32, frame 0 = the live stream's frame 0
    sr: int
    inputs: int                 # inputs replayed
    mismatches: list = field(default_factory=list)   # inputs whose outcome differed from the log
    recordings: list = field(default_factory=list)   # (path, first frame) of live recordings


def bank_specs(banks) -> list[dict]:
    """How to rebuild a library's banks (a SampleLibrary or a list of banks): for the
    session log's start record."""
    from ..bank import DefaultBank, FolderBank, IndexedBank

    specs = []
    for bank in getattr(banks, "banks", banks):
        if isinstance(bank, DefaultBank):
            specs.append({"type": "default"})
        elif isinstance(bank, FolderBank):
            specs.append({"type": "indexed" if isinstance(bank, IndexedBank) else "folder",
                          "path": str(bank.path), "name": bank.name})
        else:
            specs.append({"type": "unknown", "name": getattr(bank, "name", repr(bank))})
    return specs


def banks_from_specs(specs, report=print) -> list:
    """The banks `bank_specs` described. Folders listed through the library index are
    opened through it again, so a sample whose consent was revoked since stays silent."""
    from ..bank import DefaultBank, FolderBank, IndexedBank

    banks = []
    index = None
    for spec in specs:
        if spec.get("type") == "default":
            banks.append(DefaultBank())
        elif spec.get("type") in ("folder", "indexed"):
            path = Path(spec["path"])
            if path.is_dir() and spec["type"] == "indexed":
                if index is None:
                    from ..bank.index import LibraryIndex

                    index = LibraryIndex()
                banks.append(IndexedBank(path, spec.get("name"), index=index))
            elif path.is_dir():
                banks.append(FolderBank(path, name=spec.get("name")))
            else:
                report(f"replay: sample folder {str(path)!r} is gone; its sounds will be missing")
        else:
            report(f"replay: cannot rebuild bank {spec.get('name')!r} (not a folder bank)")
    return banks


def _quiet_verb(name: str):
    def verb(*args, **kwargs):
        return None  # the take's file is already in the bank; a replay records nothing

    verb.__name__ = name
    return verb


def replay(log_path, tail_s: float = 2.0, end_frame: int | None = None, report=print) -> ReplayResult:
    """Re-render the performance in `log_path` from stream frame 0.

    Ends at the logged stop frame, or (a crashed session) `tail_s` after the last input's
    frame; `end_frame` overrides both.
    """
    from .evaluate import Evaluator
    from .prelude import performer_namespace
    from .session import Session

    records = read_log(log_path)
    starts = [i for i, r in enumerate(records) if r.get("kind") == "start"]
    if len(starts) > 1:  # `--log FILE` used for several sessions: the last one
        report(f"replay: {log_path} holds {len(starts)} sessions; replaying the last")
        records = records[starts[-1]:]
    start = next((r for r in records if r.get("kind") == "start"), {})
    inputs = [r for r in records if r.get("kind") == "input" and r.get("frame") is not None]
    takes = [r for r in records if r.get("kind") == "take"]
    specs = list(start.get("banks", [{"type": "default"}]))
    mine = [t.get("bank") for t in takes if t.get("bank")]
    if mine and not any(s.get("path") == mine[0]["path"] for s in specs):
        specs.insert(0, mine[0])  # the performer's bank was made during the session
    sr = int(start.get("sr", 48000))
    session = Session(sr=sr, cps=Fraction(start.get("cps", "9/16")), blocksize=int(start.get("blocksize", 256)),
                      lookahead_s=float(start.get("lookahead_s", 0.1)),
                      library=_library(specs, sr, report), report=lambda msg: None)
    extras = {name: _quiet_verb(name) for name in ("rec", "resample", "record")}
    evaluator = Evaluator(session, log=None, namespace=performer_namespace(session, extras),
                          echo=lambda msg: None)
    if start.get("scheduler_frame") is not None:
        session.scheduler.start_at_frame(int(start["scheduler_frame"]))

    stop = next((r for r in reversed(records) if r.get("kind") == "stop"), None)
    if end_frame is None:
        if stop is not None and stop.get("frame") is not None:
            end_frame = int(stop["frame"])
        else:
            last = max([int(r["frame"]) for r in inputs], default=0)
            end_frame = last + int(tail_s * sr)
    end_frame = int(end_frame)

    engine, scheduler = session.engine, session.scheduler
    block = session.blocksize
    lookahead = int(session.lookahead_s * sr)
    out = np.zeros((max(0, end_frame), 2), dtype=np.float32)
    result = ReplayResult(out, sr, 0)
    i = 0
    f = 0
    while f < end_frame:
        n = min(block, end_frame - f)
        horizon = f + n + lookahead
        while i < len(inputs) and int(inputs[i]["frame"]) <= horizon:
            rec = inputs[i]
            i += 1
            session.advance(int(rec["frame"]))
            _run_input(evaluator, rec, result)
        session.advance(horizon)
        out[f:f + n] = engine.render(n)
        f += n
    result.recordings = [(r.get("path"), r.get("frame")) for r in records
                         if r.get("kind") == "record" and r.get("event") == "start"]
    return result


def _library(specs, sr, report):
    from ..bank import SampleLibrary

    return SampleLibrary(banks_from_specs(specs, report), sr=sr)


def _run_input(evaluator, rec: dict, result: ReplayResult) -> None:
    files = rec.get("files") or {}
    if files:
        from .prelude import load_file

        def load(path):
            text = files.get(str(path))
            load_file(evaluator.session, path, evaluator.ns, text=text)

        evaluator.ns["load"] = load
    try:
        got = evaluator.evaluate(rec["text"])
    except SystemExit:
        got = {"ok": True, "frame": rec["frame"]}
    result.inputs += 1
    if got is None:
        return
    if got["ok"] != rec.get("ok", True) or got["frame"] != rec["frame"]:
        result.mismatches.append({"n": rec.get("n"), "text": rec["text"], "logged": rec.get("ok"),
                                  "replayed": got["ok"], "error": got.get("error"),
                                  "frame": (rec["frame"], got["frame"])})
