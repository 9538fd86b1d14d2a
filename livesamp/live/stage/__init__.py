"""The audience view: the code projected, what sounds highlighted, where each sound came from.

`Stage(session).start()` serves a read-only page (http://127.0.0.1:8720/ by default) that
shows each active slot's code with its atoms lit as they sound, the last few evaluated
inputs, a provenance card for each sound as it plays, level meters per slot and the
master's waveform and spectrum. `livesamp --stage` starts one with the REPL; `stage()` at
the prompt starts one later; `livesamp stage --tty` mirrors it in a terminal.

    from livesamp.live.session import Session
    from livesamp.live.stage import Stage

    session = Session().start(backend="null")
    session.d1 << "thud*2 [tss tsk]"
    with Stage(session) as stage:
        print(stage.url)
"""
from __future__ import annotations

import errno
import ipaddress
import json
import os
from dataclasses import dataclass

from .hub import StageHub
from .publish import DEFAULT_PUBLISH, PUBLISHABLE, check_publish
from .server import StageServer, static_files

__all__ = ["Stage", "StageConfig", "DEFAULT_PORT", "PUBLISHABLE", "DEFAULT_PUBLISH", "running_stage_url"]

DEFAULT_PORT = 8720
_TRIES = 10          # the default port, then the next ones when it is taken


@dataclass(frozen=True)
class StageConfig:
    """Where and what the stage serves.

    `host`: the interface (loopback by default; another address shows the page on the
    local network, e.g. to a projector's machine: say so explicitly). `port`: None tries
    8720 and the next few; 0 takes any free port; another number that one only.
    `publish`: provenance fields shown on cards (see `publish.PUBLISHABLE`)."""

    host: str = "127.0.0.1"
    port: int | None = None
    publish: tuple = DEFAULT_PUBLISH
    meter_hz: float = 20.0
    console_lines: int = 6
    max_streams: int = 16

    def __post_init__(self):
        object.__setattr__(self, "publish", check_publish(self.publish))
        if not 1.0 <= float(self.meter_hz) <= 60.0:
            raise ValueError(f"meter_hz must be within 1..60, got {self.meter_hz!r}")
        if self.port is not None and not 0 <= int(self.port) <= 65535:
            raise ValueError(f"port must be within 0..65535, got {self.port!r}")

    @property
    def loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


class Stage:
    """The hub and the HTTP server for one session; `evaluator` (optional) feeds the console."""

    def __init__(self, session, config: StageConfig | None = None, evaluator=None, report=print):
        self.session = session
        self.config = config or StageConfig()
        self.report = report
        self.evaluator = evaluator
        self.hub = StageHub(session, self.config.publish, console_lines=self.config.console_lines,
                            meter_hz=self.config.meter_hz, report=report)
        self.files = static_files()
        self.max_streams = self.config.max_streams
        self.loopback_only = self.config.loopback
        self.stopping = False
        self.server: StageServer | None = None
        self._url_file = None

    def start(self) -> Stage:
        cfg = self.config
        ports = [DEFAULT_PORT + k for k in range(_TRIES)] if cfg.port is None else [int(cfg.port)]
        last = None
        for port in ports:
            try:
                self.server = StageServer(self, cfg.host, port)
                break
            except OSError as e:
                last = e
                if e.errno != errno.EADDRINUSE:
                    raise
        if self.server is None:
            raise OSError(last.errno, f"stage: no free port in {ports[0]}..{ports[-1]} ({last.strerror})")
        self.hub.start()
        self.server.start()
        if self.evaluator is not None:
            self.evaluator.listeners.append(self.hub.console)
        self._write_url_file()
        return self

    @property
    def url(self) -> str:
        host, port = self.server.address
        host = host if self.config.host not in ("0.0.0.0", "::") else _lan_address()
        return f"http://{f'[{host}]' if ':' in host else host}:{port}/"

    def describe(self) -> str:
        """One line for the performer."""
        where = "" if self.loopback_only else " (visible on the local network)"
        return f"stage: {self.url}{where}  (read-only; add ?transparent=1 for OBS)"

    def stop(self) -> None:
        self.stopping = True
        if self.evaluator is not None and self.hub.console in self.evaluator.listeners:
            self.evaluator.listeners.remove(self.hub.console)
        self.hub.stop()
        if self.server is not None:
            self.server.stop()
        self._remove_url_file()

    close = stop

    def __enter__(self) -> Stage:
        return self.start() if self.server is None else self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- where `livesamp stage --tty` finds it -------------------------------------------------
    def _write_url_file(self) -> None:
        try:
            path = _url_path()
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"url": self.url, "pid": os.getpid()}))
            os.replace(tmp, path)
            self._url_file = path
        except OSError:
            self._url_file = None   # a nicety: --tty can be given --url

    def _remove_url_file(self) -> None:
        path, self._url_file = self._url_file, None
        try:
            if path is not None and json.loads(path.read_text()).get("pid") == os.getpid():
                path.unlink()
        except (OSError, ValueError):
            pass


def _url_path():
    from ...bank.paths import data_dir

    return data_dir() / "stage.json"


def running_stage_url() -> str | None:
    """The URL of the stage a livesamp on this machine serves, if one said so."""
    try:
        info = json.loads(_url_path().read_text())
        pid = int(info["pid"])
        os.kill(pid, 0)
        return str(info["url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _lan_address() -> str:
    """This machine's address on the local network (no packet is sent)."""
    import socket

    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("192.0.2.1", 9))
        return s.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        s.close()
