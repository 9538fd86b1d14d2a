"""Command-line parts of the stage: `livesamp --stage [...]` and `livesamp stage [--tty]`."""
from __future__ import annotations

import sys

__all__ = ["add_stage_options", "add_stage_parser", "config_from_args", "run_stage"]


def add_stage_options(ap) -> None:
    """The REPL's stage flags."""
    from . import DEFAULT_PORT
    from .publish import DEFAULT_PUBLISH, PUBLISHABLE

    ap.add_argument("--stage", action="store_true",
                    help=f"serve the audience view (the code, lit as it sounds, and where each sound came "
                         f"from) at http://127.0.0.1:{DEFAULT_PORT}/")
    ap.add_argument("--stage-port", type=int, default=None, metavar="PORT",
                    help=f"the stage's port (default {DEFAULT_PORT}, or the next free one; 0: any)")
    ap.add_argument("--stage-host", default=None, metavar="ADDRESS",
                    help="serve the stage on this interface instead of the loopback, e.g. 0.0.0.0 for a "
                         "projector's machine on the local network (anyone there can watch)")
    ap.add_argument("--stage-publish", default=None, metavar="FIELDS",
                    help=f"provenance fields on the cards, comma-separated, from {','.join(PUBLISHABLE)} "
                         f"(default {','.join(DEFAULT_PUBLISH)}; 'none': names only)")


def config_from_args(args):
    """A StageConfig from the REPL's flags, or None without --stage (the other flags imply it)."""
    from . import StageConfig

    if not (args.stage or args.stage_port is not None or args.stage_host or args.stage_publish):
        return None
    return StageConfig(host=args.stage_host or "127.0.0.1", port=args.stage_port, publish=args.stage_publish)


def add_stage_parser(sub) -> None:
    p = sub.add_parser("stage", help="the audience view of a running livesamp: its URL, or --tty to "
                                     "draw it in this terminal")
    p.add_argument("--tty", action="store_true",
                   help="draw the stage full-screen in this terminal (for sharing a terminal)")
    p.add_argument("--url", default=None,
                   help="the stage to follow (default: the one a livesamp on this machine serves)")
    p.add_argument("--seconds", type=float, default=None, help="stop after this many seconds")


def run_stage(args) -> int:
    from . import DEFAULT_PORT, running_stage_url

    url = args.url or running_stage_url()
    if not args.tty:
        if url is None:
            print(f"no stage is running here: start one with `livesamp --stage` (or stage() at the prompt); "
                  f"it serves http://127.0.0.1:{DEFAULT_PORT}/", file=sys.stderr)
            return 1
        print(url)
        return 0
    from .tty import run_tty

    return run_tty(url or f"http://127.0.0.1:{DEFAULT_PORT}/", seconds=args.seconds)
