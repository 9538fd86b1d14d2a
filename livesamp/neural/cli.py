"""``livesamp voice ...``: train a neural voice, list voices, show one's card.

``livesamp voice train NAME SOURCE...`` trains in a separate process with a progress bar;
Ctrl-C cancels and writes nothing. With no SOURCE it retrains NAME from the sources its
model file names, leaving out samples whose consent was revoked since (how a stale voice
is made playable again). ``livesamp voice list``; ``livesamp voice info NAME`` shows what
the voice is, what each latent does and every training sample with its provenance.
Handlers return the exit status: 0 done, 1 nothing done (cancelled, failed), 2 bad input.
"""

from __future__ import annotations

import sys
import time

__all__ = ["add_voice_parser"]


def add_voice_parser(subparsers):
    p = subparsers.add_parser("voice", help="neural voices: train one on your sounds, list, info",
                              description=__doc__)
    p.add_argument("--config", metavar="TOML", help="bank list to use (default: livesamp's banks.toml)")
    sub = p.add_subparsers(dest="voice_command", metavar="{train,list,info}")
    p.set_defaults(run=lambda args: (p.print_help(), 1)[1])

    t = sub.add_parser("train", help="train a voice on a folder, a bank or some sound names (about a minute)")
    t.add_argument("name", help="the voice's name (lowercase letters, digits, _ and -)")
    t.add_argument("sources", nargs="*", help="a folder of sound files, a bank (default), sound names (hum, hum:2), "
                                              "a family (swoosh) or '*'; none: the sources NAME was trained on")
    t.add_argument("--steps", type=int, default=None, help="training steps (default: by the amount of audio)")
    t.add_argument("--seed", type=int, default=0, help="random seed (same sounds and seed: the same voice)")
    t.add_argument("--to", metavar="FILE", help="write the model here instead of the data folder's voices/")
    t.add_argument("--author", help="who made the voice (default: the training samples' authors)")
    t.add_argument("--licence", "--license", dest="licence", help="licence of the voice, as an SPDX id")
    t.set_defaults(run=_cmd_train)

    ls = sub.add_parser("list", help="list the voices (yours and livesamp's)")
    ls.set_defaults(run=_cmd_list)

    info = sub.add_parser("info", help="what a voice is, what its latents do, what it was trained on")
    info.add_argument("name")
    info.add_argument("--all", action="store_true", help="list every training sample (default: the first 40)")
    info.set_defaults(run=_cmd_info)
    return p


def _err(msg: str) -> int:
    print(f"livesamp voice: {msg}", file=sys.stderr)
    return 2


class _Bar:
    """A one-line progress bar on stderr (a line per stage and per 10 % off a terminal)."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.last = None

    def __call__(self, stage: str, done: int, total: int, note: str) -> None:
        frac = done / total if total else 1.0
        if self.tty:
            bar = "#" * int(frac * 30)
            self.stream.write(f"\r{stage:<10} [{bar:<30}] {done}/{total} {note[:28]:<28}")
            if done >= total:
                self.stream.write("\n")
        else:
            mark = (stage, int(frac * 10))
            if mark == self.last:
                return
            self.last = mark
            self.stream.write(f"{stage}: {done}/{total} {note}\n")
        self.stream.flush()


def _library(args):
    from ..bank.config import library_from_config

    return library_from_config(args.config)


def _cmd_train(args) -> int:
    from .build import start_training
    from .store import check_name, voice_path

    try:
        check_name(args.name)
    except ValueError as e:
        return _err(str(e))
    sources = list(args.sources)
    if not sources:
        path = voice_path(args.name)
        if path is None:
            return _err(f"no voice {args.name!r} yet: say what to train it on, e.g. "
                        f"livesamp voice train {args.name} ~/recordings/kettle")
        from .modelfile import load_voice

        sources = list(load_voice(path).card.get("sources") or [])
        if not sources:
            return _err(f"voice {args.name!r} does not say what it was trained on; give the sources")
        print(f"retraining {args.name} from {', '.join(sources)} (revoked samples are left out)")
    kwargs = {"steps": args.steps, "seed": args.seed, "author": args.author, "licence": args.licence}
    if args.to:
        kwargs["out"] = args.to
    if args.config:   # the training process reads the bank list from the environment
        import os

        os.environ["LIVESAMP_CONFIG"] = args.config
    bar = _Bar()
    t0 = time.perf_counter()
    job = start_training(args.name, sources, **kwargs)
    try:
        result = job.wait(lambda m: bar(*m[1:]) if m[0] == "progress" else None)
    except KeyboardInterrupt:
        print("\ncancelling ...", file=sys.stderr)
        job.cancel()
        print("cancelled: no model written", file=sys.stderr)
        return 1
    if result[0] == "done":
        _, path, summary, fit, latents, excluded, params = result
        print(f"wrote {path} in {time.perf_counter() - t0:.1f} s ({params} parameters, "
              f"{fit['steps']} steps in {fit['seconds']:.1f} s, analysis {fit['analysis_seconds']:.1f} s)")
        print(f"  {summary}")
        for m in latents or []:
            print(f"  z{m['dim']}: {m['says']} (centroid {m['centroid_hz'][0]:.0f} -> {m['centroid_hz'][-1]:.0f} Hz "
                  f"over z = -2 .. 2)")
        if excluded:
            print(f"  left out (consent revoked): {', '.join(excluded)}")
        print(f'  play it: d1 << s("thud*4").voice("{args.name}")')
        return 0
    if result[0] == "cancelled":
        print("cancelled: no model written", file=sys.stderr)
        return 1
    print(f"livesamp voice train: {result[1]}", file=sys.stderr)
    return 1


def _stale_note(voice) -> str:
    from .store import check_consent

    try:
        revoked = check_consent(voice)
    except Exception:  # noqa: BLE001 - the listing must not fail on a locked index
        return ""
    return f"  STALE: consent revoked for {', '.join(r[0] for r in revoked)}" if revoked else ""


def _cmd_list(args) -> int:
    from .store import list_voices, load

    voices = list_voices()
    if not voices:
        print("no voices (livesamp's default voice is missing from this installation)")
        return 1
    for name, path, shipped in voices:
        try:
            v = load(name, check=False)
        except ValueError as e:
            print(f"{name:<16} unreadable: {e}")
            continue
        where = "livesamp's" if shipped else "yours"
        print(f"{name:<16} {where:<10} {v.card.get('summary', '')}{_stale_note(v)}")
        words = "; ".join(f"z{m['dim']} {m['says']}" for m in v.card.get("latents", []))
        if words:
            print(f"{'':<27} {words}")
    return 0


def _cmd_info(args) -> int:
    from .store import UnknownVoiceError, load

    try:
        v = load(args.name, check=False)
    except UnknownVoiceError as e:
        return _err(str(e))
    except ValueError as e:
        return _err(str(e))
    c = v.card
    print(f"voice {v.name}  ({c.get('path')})")
    print(f"  {c.get('summary', '')}")
    stale = _stale_note(v)
    if stale:
        print(stale.strip() + f"; it plays as silence. Retrain: livesamp voice train {v.name}")
    fit = c.get("fit") or {}
    cfg = c.get("config") or {}
    print(f"  made {c.get('created_at')} by livesamp {c.get('livesamp')}; {c.get('params')} parameters "
          f"(hidden {cfg.get('hidden')}, latent {cfg.get('z_dim')}), seed {cfg.get('seed')}, {fit.get('steps')} steps "
          f"in {fit.get('seconds')} s")
    if c.get("author") or c.get("licence"):
        print(f"  author {c.get('author') or 'unknown'}, licence {c.get('licence') or 'unknown'}")
    print(f"  sources asked for: {', '.join(map(str, c.get('sources', []))) or '?'}")
    on = c.get("latents_measured_on") or {}
    print(f"  latents (each held at -2 .. 2 over {on.get('seconds', 0):.0f} s of the training sounds; "
          f"median centroid and noise share of a frame):")
    for m in c.get("latents", []):
        cent = " ".join(f"{x:.0f}" for x in m["centroid_hz"])
        noisy = " ".join(f"{x:.2f}" for x in m["noise_share"])
        print(f"    z{m['dim']}: {m['says']:<20} centroid Hz {cent}; noise share {noisy}"
              f"{'' if m.get('monotonic') else ' (not monotonic)'}")
    training = c.get("training", [])
    total = sum(t.get("seconds", 0.0) for t in training)
    print(f"  trained on {len(training)} samples ({total:.1f} s):")
    shown = training if args.all else training[:40]
    from ..bank.provenance import Provenance

    for t in shown:
        prov = t.get("provenance")
        try:
            line = Provenance.from_dict(prov).short(80) if prov else "provenance unknown"
        except (ValueError, TypeError):
            line = "provenance unreadable"
        print(f"    {t['label']:<22} {t['bank']:<14} sha256 {t['sha256'][:12]}  {line}")
    if len(shown) < len(training):
        print(f"    ... and {len(training) - len(shown)} more (--all lists them)")
    if c.get("excluded"):
        print(f"  left out (consent revoked): {', '.join(c['excluded'])}")
    return 0
