"""`livesamp osc`: livesamp as a drop-in SuperDirt, and the `--osc` options of the REPL."""
from __future__ import annotations

import sys
import time

from .config import DEFAULT_BUS_PORT, DEFAULT_PORT, OscConfig, parse_target

__all__ = ["add_osc_parser", "add_osc_options", "config_from_args", "run_osc", "describe"]


def add_osc_options(p, prefix: str = "") -> None:
    """Listening and policy options (`prefix="osc-"` for the REPL's `--osc-port` ...)."""
    p.add_argument(f"--{prefix}host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; others need --allow-remote and --allow)")
    p.add_argument(f"--{prefix}port", type=int, default=DEFAULT_PORT,
                   help=f"UDP port for /dirt/play and /livesamp/... (default {DEFAULT_PORT}, SuperDirt's)")
    p.add_argument(f"--{prefix}bus-port", type=int, default=DEFAULT_BUS_PORT,
                   help=f"UDP port for Tidal's /c_set control buses (default {DEFAULT_BUS_PORT}; 0: off)")
    p.add_argument("--allow-remote", action="store_true",
                   help="allow listening on a non-loopback address (with --allow)")
    p.add_argument("--allow", action="append", default=[], metavar="ADDR",
                   help="a sender address or network heard besides 127.0.0.1 (repeat for several)")
    p.add_argument("--event-to", action="append", default=[], metavar="HOST:PORT",
                   help="send /livesamp/event for every played event there (repeat for several)")
    p.add_argument("--forward-to", action="append", default=[], metavar="HOST:PORT",
                   help="forward every played event as /dirt/play to a real SuperDirt there")
    p.add_argument("--late-drop", type=float, default=0.5, metavar="S",
                   help="drop bundles due more than S seconds ago (default 0.5; later ones play at once)")


def add_osc_parser(subparsers):
    """The `osc` subcommand."""
    from ..cli import _common

    p = subparsers.add_parser(
        "osc", help="listen for SuperDirt OSC (Tidal, Strudel, Sardine) and /livesamp/... messages",
        description="livesamp as a drop-in SuperDirt: plays /dirt/play bundles at their "
                    "timetags, answers /dirt/handshake, and takes /livesamp/slot, /hush, /cps, "
                    "/trigger. Runs until Ctrl-C.")
    add_osc_options(p)
    p.add_argument("--backend", default="auto", choices=["auto", "portaudio", "null"])
    p.add_argument("--device", default=None, help="output device name or index (see `livesamp devices`)")
    p.add_argument("--seconds", type=float, default=None, help="stop after this many seconds")
    p.add_argument("--stats", type=float, default=0.0, metavar="S",
                   help="print the counters every S seconds (default: only at the end)")
    _common(p)
    return p


def config_from_args(args, prefix: str = "") -> OscConfig:
    get = lambda name: getattr(args, (prefix + name).replace("-", "_"))  # noqa: E731
    return OscConfig(host=get("host"), port=get("port"), bus_port=get("bus-port"),
                     allow_remote=args.allow_remote, allow=tuple(args.allow),
                     event_targets=tuple(parse_target(t) for t in args.event_to),
                     forward_targets=tuple(parse_target(t) for t in args.forward_to),
                     late_drop_s=args.late_drop)


def describe(server) -> str:
    host, port = server.address
    bus = f", /c_set on {server.bus_address[1]}" if server.bus_address else ""
    return f"OSC: listening on {host}:{port} (SuperDirt /dirt/play, /livesamp/...{bus})"


def _summary(stats: dict) -> str:
    parts = [f"datagrams {stats['datagrams']}", f"messages {stats['messages']}"]
    if stats["malformed"]:
        parts.append(f"malformed {stats['malformed']}")
    for key in ("late", "far_ahead", "kernel_drops", "queue_refused"):
        if stats[key]:
            parts.append(f"{key} {stats[key]}")
    return "OSC: " + "; ".join(parts)


def run_osc(args) -> int:
    from ..live.session import Session
    from .server import OscServer

    config = config_from_args(args)
    session = Session(sr=args.sr, cps=args.cps, banks=args.bank or None, blocksize=args.blocksize)
    session.start(backend=args.backend, device=args.device)
    try:
        server = OscServer(session, config).start()
    except OSError as e:
        session.stop()
        print(f"livesamp osc: cannot listen on {config.host}:{config.port}: {e.strerror} "
              "(is SuperDirt or another livesamp running? try --port)", file=sys.stderr)
        return 2
    print(describe(server), file=sys.stderr)
    out = getattr(session.output, "describe", None)
    if out is not None:
        print(f"audio: {out()}; Ctrl-C stops", file=sys.stderr)
    try:
        start = time.monotonic()
        next_stats = start + args.stats if args.stats else None
        while args.seconds is None or time.monotonic() - start < args.seconds:
            time.sleep(0.1)
            if next_stats is not None and time.monotonic() >= next_stats:
                print(_summary(server.stats()), file=sys.stderr)
                next_stats += args.stats
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        session.stop()
        print(_summary(server.stats()), file=sys.stderr)
    return 0
