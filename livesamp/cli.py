"""The `livesamp` command: play, render, devices (and, with no arguments, the REPL)."""
from __future__ import annotations

import argparse
import ast
import os
import sys
import tempfile
import time

__all__ = ["main", "evaluate_expression"]


def evaluate_expression(text: str):
    """A pattern from the command line: a Python expression in the performer's vocabulary
    (`s("thud*2").fast(2)`), a quoted mini-notation string, or bare mini-notation
    (`thud*2 tss`), which means s() of it."""
    import livesamp

    namespace = {name: getattr(livesamp, name) for name in livesamp.__all__}
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return text  # bare mini-notation
    if isinstance(tree.body, ast.Name) and tree.body.id not in namespace:
        return text  # a single sample name
    return eval(compile(tree, "<pattern>", "eval"), namespace)  # noqa: S307 - the performer's own code


def _write_audio(path: str, audio, sr: int) -> None:
    """Write atomically: a temp file in the same folder, then rename."""
    import soundfile as sf

    folder = os.path.dirname(os.path.abspath(path))
    ext = os.path.splitext(path)[1] or ".wav"
    fd, tmp = tempfile.mkstemp(suffix=ext, dir=folder, prefix=".livesamp-")
    os.close(fd)
    try:
        sf.write(tmp, audio, sr, subtype="FLOAT" if ext.lower() == ".wav" else None)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _first_run_notice():
    from .engine.jitcache import first_run_notice

    return first_run_notice()


def _cmd_render(args) -> int:
    from .render import render

    pattern = evaluate_expression(args.pattern)
    t0 = time.perf_counter()
    with _first_run_notice():
        audio = render(pattern, cycles=args.cycles, cps=args.cps, sr=args.sr, banks=args.bank or None,
                       tail_s=args.tail)
    _write_audio(args.output, audio, args.sr)
    took = time.perf_counter() - t0
    secs = len(audio) / args.sr
    peak = float(abs(audio).max()) if len(audio) else 0.0
    print(f"wrote {args.output}: {secs:.2f} s, {args.cycles} cycles at {args.cps} cps, "
          f"peak {peak:.3f}, rendered in {took:.2f} s")
    return 0


def _cmd_play(args) -> int:
    from .live.session import Session

    source = args.pattern
    with _first_run_notice():
        session = Session(sr=args.sr, cps=args.cps, banks=args.bank or None, blocksize=args.blocksize)
        if os.path.isfile(source):
            from .live.prelude import load_file

            load_file(session, source)
        else:
            session.play(0, evaluate_expression(source), source)
        session.start(backend=args.backend, device=args.device)
    print(f"playing on {session.describe_output()}: Ctrl-C to stop", file=sys.stderr)
    try:
        deadline = time.monotonic() + args.seconds if args.seconds else None
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.1)
    except KeyboardInterrupt:
        pass
    finally:
        session.stop()
    return 0


def _cmd_replay(args) -> int:
    from .live.replay import replay

    t0 = time.perf_counter()
    result = replay(args.log, tail_s=args.tail, report=lambda msg: print(msg, file=sys.stderr))
    _write_audio(args.output, result.audio, result.sr)
    secs = len(result.audio) / result.sr
    print(f"wrote {args.output}: {secs:.2f} s, {result.inputs} inputs replayed, "
          f"rendered in {time.perf_counter() - t0:.2f} s")
    for m in result.mismatches:
        print(f"  note: input {m['n']} ({m['text']!r}) went {'well' if m['replayed'] else 'wrong'} in the "
              f"replay but {'well' if m['logged'] else 'wrong'} live", file=sys.stderr)
    return 0


def _cmd_devices(args) -> int:
    from .io.devices import format_devices as describe_devices

    print(describe_devices())
    return 0


def _common(p, blocksize=True) -> None:
    p.add_argument("--cps", type=float, default=0.5625, help="tempo in cycles per second (default 0.5625)")
    p.add_argument("--sr", type=int, default=48000, help="sample rate (default 48000)")
    p.add_argument("--bank", action="append", metavar="FOLDER",
                   help="extra sample folder (a folder per sound name); repeat for several; "
                        "'default' is the built-in bank")
    if blocksize:
        p.add_argument("--blocksize", type=int, default=256, help="audio block size in frames")


def build_parser() -> argparse.ArgumentParser:
    from .live.stage.cli import add_stage_options, add_stage_parser
    from .osc.cli import add_osc_options, add_osc_parser
    from .schedule.clock import LOOKAHEAD_S

    ap = argparse.ArgumentParser(
        prog="livesamp", description=__doc__,
        epilog="With no command, livesamp starts the audio and opens the performer's REPL.")
    ap.add_argument("--record", metavar="FILE", default=None,
                    help="record the master output to FILE (.flac, .wav), flushed every 0.25 s")
    ap.add_argument("--backend", default="auto", choices=["auto", "portaudio", "null"],
                    help="audio output (auto: PortAudio if it works, else the silent null backend)")
    ap.add_argument("--device", default=None, help="output device name or index (see `livesamp devices`)")
    ap.add_argument("--log", default=None, metavar="FILE",
                    help="session log file (default: a new file in the data folder's sessions/)")
    ap.add_argument("--cps", type=float, default=None, help="starting tempo in cycles per second")
    ap.add_argument("--lookahead", type=float, default=LOOKAHEAD_S, metavar="SECONDS",
                    help=f"how far ahead of the audio patterns are scheduled (default {LOOKAHEAD_S} s); more "
                         "survives a busy machine, less answers faster")
    ap.add_argument("--bank", action="append", metavar="FOLDER",
                    help="extra sample folder; repeat for several; 'default' is the built-in bank")
    ap.add_argument("--osc", action="store_true",
                    help="also listen for OSC (Tidal's /dirt/play, /livesamp/...): see `livesamp osc -h`")
    add_osc_options(ap.add_argument_group("OSC options (with --osc)"), prefix="osc-")
    add_stage_options(ap.add_argument_group("the audience view (--stage)"))
    sub = ap.add_subparsers(dest="command")
    add_osc_parser(sub)
    add_stage_parser(sub)
    r = sub.add_parser("render", help="render a pattern to an audio file offline")
    r.add_argument("pattern", help='a pattern: \'s("thud*2 tss").fast(2)\' or bare mini-notation \'thud*2 tss\'')
    r.add_argument("--cycles", type=float, default=8, help="how many cycles (default 8)")
    r.add_argument("-o", "--output", default="out.wav", help="output file (.wav, .flac ...)")
    r.add_argument("--tail", type=float, default=0.5, help="seconds of tail after the last cycle")
    _common(r, blocksize=False)
    p = sub.add_parser("play", help="play a pattern (or a patterns/ file) live until Ctrl-C")
    p.add_argument("pattern")
    p.add_argument("--backend", default="auto", choices=["auto", "portaudio", "null"])
    p.add_argument("--device", default=None, help="output device name or index (see `livesamp devices`)")
    p.add_argument("--seconds", type=float, default=None, help="stop after this many seconds")
    _common(p)
    sub.add_parser("devices", help="list audio devices")
    from .bank.cli import add_samples_parser
    add_samples_parser(sub)
    from .neural.cli import add_voice_parser
    add_voice_parser(sub)
    rp = sub.add_parser("replay", help="render a logged performance (a session log) to an audio file")
    rp.add_argument("log", help="a session log (.jsonl), as printed when the REPL starts and ends")
    rp.add_argument("-o", "--output", default="set.wav", help="output file (.wav, .flac ...)")
    rp.add_argument("--tail", type=float, default=2.0,
                    help="seconds after the last input when the log has no clean end (a crash)")
    return ap


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "render":
            return _cmd_render(args)
        if args.command == "play":
            return _cmd_play(args)
        if args.command == "devices":
            return _cmd_devices(args)
        if args.command in ("samples", "voice"):
            return args.run(args)
        if args.command == "replay":
            return _cmd_replay(args)
        if args.command == "osc":
            from .osc.cli import run_osc

            return run_osc(args)
        if args.command == "stage":
            from .live.stage.cli import run_stage

            return run_stage(args)
        from .live.stage.cli import config_from_args as stage_config

        stage = stage_config(args)
        osc = None
        if args.osc:
            from .osc.cli import config_from_args

            osc = config_from_args(args, prefix="osc-")
    except BrokenPipeError:          # `livesamp voice info x | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())   # no second error at exit
        return 0
    except (ValueError, TypeError, KeyError, OSError) as e:
        print(f"livesamp: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    from .live.repl import run_repl

    return run_repl(backend=args.backend, device=args.device, banks=args.bank or None, log_path=args.log,
                    record=args.record, cps=args.cps, osc=osc, lookahead_s=args.lookahead, stage=stage)


if __name__ == "__main__":
    sys.exit(main())
