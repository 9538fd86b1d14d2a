"""The performer's seat: a started Session with its session log, master tap, recorder,
live sampling and the namespace the REPL evaluates in. `run_repl` puts a prompt in front
of it; tests can drive it without one.

Start-up says what it does in one line each: the audio output (or why not, and that the
null backend plays instead), the banks, the log file, the recording.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path

from ..schedule.clock import DEFAULT_CPS, LOOKAHEAD_S

__all__ = ["Performance", "RateLimitedReport"]


class RateLimitedReport:
    """Prints background messages; the same message again within `every_s` is held back and
    counted, and the count is said with its next showing."""

    def __init__(self, out=print, every_s: float = 5.0):
        self.out = out
        self.every_s = every_s
        self._last: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def __call__(self, msg: str) -> None:
        now = time.monotonic()
        with self._lock:
            shown, held = self._last.get(msg, (-1e9, 0))
            if now - shown < self.every_s:
                self._last[msg] = (shown, held + 1)
                return
            self._last[msg] = (now, 0)
            if len(self._last) > 256:
                self._last = {k: v for k, v in self._last.items() if now - v[0] < self.every_s}
        self.out(msg if not held else f"{msg} (and {held} more like it)")


class Performance:
    """A live session, its log, recorder and takes. `close()` ends it cleanly."""

    def __init__(self, backend: str = "auto", device=None, banks=None, log_path=None, record=None,
                 sr: int = 48000, cps=DEFAULT_CPS, blocksize: int = 256, report=print,
                 preload: bool = True, lookahead_s: float = LOOKAHEAD_S, takes_folder=None):
        from .evaluate import Evaluator
        from .log import SessionLog
        from .prelude import performer_namespace
        from .replay import bank_specs
        from .session import Session
        from .tap import TapHub
        from .takes import Takes

        self.report = RateLimitedReport(report)
        self.session = session = Session(sr=sr, cps=cps, banks=banks, blocksize=blocksize,
                                         lookahead_s=lookahead_s, report=self.report)
        self.hub = TapHub(self.report)
        session.taps.append(self.hub.feed)
        self.takes = Takes(session, self.hub, report=self.report, folder=takes_folder)
        if preload:
            session.library.preload()
        self.audio_note = self._start_audio(backend, device)
        self.log = SessionLog(log_path)
        self.log.write("start", sr=session.sr, cps=str(session.clock._segments[-1][2]),
                       blocksize=session.blocksize, lookahead_s=session.lookahead_s,
                       banks=bank_specs(session.library), scheduler_frame=session.scheduler_start_frame,
                       output=session.describe_output())
        self.takes.log = self.log
        self.recorder = None
        self.stage = None
        extras = {"rec": self.takes.rec, "resample": self.takes.resample, "record": self.record,
                  "stage": self.open_stage}
        self.namespace = performer_namespace(session, extras)
        self.evaluator = Evaluator(session, self.log, self.namespace, echo=report)
        if record:
            self.record(record)

    def _start_audio(self, backend: str, device) -> str:
        from .tap import output_tap_reader

        session = self.session
        heard = []
        session.report = heard.append  # open_output says why it fell back to the null output
        try:
            session.start(backend=backend, device=device)
            note = f"audio: {session.describe_output()}"
        except Exception as e:  # noqa: BLE001 - say why, then play on the null backend
            if backend == "null":
                raise
            why = f"{type(e).__name__}: {e}".strip()
            session.stop()
            session.start(backend="null")
            note = f"audio: no sound ({why}); playing to {session.describe_output()} instead"
        finally:
            session.report = self.report
        if heard:
            note = "\n".join([*heard, note])
        self._reader = output_tap_reader(session.output)
        if self._reader is not None:
            self.hub.start(self._reader)
        return note

    # -- record() -------------------------------------------------------------------------
    def record(self, path=None):
        """record("set.flac") records the master output to a file (flushed every 0.25 s, so a
        crash loses at most that); record() again stops it."""
        from .recorder import Recorder

        if path is None and self.recorder is not None:
            rec, self.recorder = self.recorder, None
            self.hub.remove(rec.feed)
            rec.close()
            self.log.write("record", event="stop", path=str(rec.path), frames=rec.frames_written)
            self.report(f"recorded {rec.describe()}")
            return None
        if path is None:
            from ..bank.paths import data_dir

            path = data_dir() / "recordings" / time.strftime("set-%Y%m%d-%H%M%S.flac")
        if self.recorder is not None:
            self.record(None)
        rec = Recorder(Path(path), self.session.sr, start_frame=None, report=self.report)
        start = self.hub.add(rec.feed)   # the frame of the first block it will be fed
        rec.begin_at(start if start is not None else 0)
        self.recorder = rec
        self.log.write("record", event="start", path=str(rec.path), frame=rec.start_frame)
        self.report(f"recording the master output to {rec.path} (record() stops it)")
        return None

    # -- stage() --------------------------------------------------------------------------
    def open_stage(self, on=True, port=None, host="127.0.0.1", publish=None, config=None):
        """stage() serves the audience view and prints its URL (again: where it is);
        stage(port=8000); stage(host="0.0.0.0") shows it to the local network (a projector's
        machine); stage(publish="licence,author") chooses the provenance on the cards;
        stage(False) closes it."""
        from .stage import Stage, StageConfig

        if not on:
            if self.stage is not None:
                self.stage.stop()
                self.stage = None
                self.report("stage closed")
            return None
        if self.stage is None:
            cfg = config or StageConfig(host=host, port=port, publish=publish)
            self.stage = Stage(self.session, cfg, evaluator=self.evaluator, report=self.report).start()
        self.report(self.stage.describe())
        return None

    # -- the end --------------------------------------------------------------------------
    def close(self) -> None:
        session = self.session
        if self.stage is not None:
            self.stage.stop()
            self.stage = None
        session.stop()                   # the scheduler, then the output
        self.hub.stop(self._reader)      # what the tap still holds goes to the recorder
        if self.recorder is not None:
            self.record(None)
        self.log.write("stop", frame=session.engine.frame)
        self.log.close()

    def __enter__(self) -> Performance:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
