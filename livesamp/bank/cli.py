"""``livesamp samples ...``: import a folder, list, show, rename, revoke, map.

``add_samples_parser(subparsers)`` adds the ``samples`` command to the main parser; each
sub-command stores its handler as ``args.run`` (returns the exit status: 0 done, 1
nothing done or aborted, 2 bad input). Banks are those of the bank list
(``config.load_config``); imports go to ``<data dir>/banks/<bank>``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

__all__ = ["add_samples_parser"]


def add_samples_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("samples", help="your own sample banks: import, list, info, rename, revoke, map",
                              description=__doc__)
    p.add_argument("--config", metavar="TOML", help="bank list to use (default: livesamp's banks.toml)")
    sub = p.add_subparsers(dest="samples_command", metavar="{import,list,info,rename,revoke,map,stale}")
    p.set_defaults(run=lambda args: (p.print_help(), 1)[1])

    i = sub.add_parser("import", help="import a folder of recordings as a bank, proposing names")
    i.add_argument("folder", help="folder of recordings (read recursively)")
    i.add_argument("--bank", help="bank to import into (default: the folder's name)")
    i.add_argument("--to", metavar="FOLDER", help="write the bank here instead of the data folder")
    i.add_argument("--split", action="store_true", help="cut recordings of 2 s or more at silences and onsets")
    i.add_argument("--trim", action="store_true", help="drop leading and trailing silence")
    i.add_argument("--keep-names", action="store_true",
                   help="name sounds by their folder (or file) names instead of proposing names")
    i.add_argument("--link", action="store_true", help="symlink the originals instead of copying them")
    i.add_argument("--yes", "-y", action="store_true", help="accept every proposed name without asking")
    i.add_argument("--author", help="who recorded the sounds")
    i.add_argument("--place", help="where they were recorded")
    i.add_argument("--licence", "--license", dest="licence", help="licence, as an SPDX id (CC-BY-4.0)")
    i.add_argument("--device", help="what they were recorded on")
    i.add_argument("--recorded-at", help="when (ISO 8601), if the files do not say")
    i.add_argument("--consent-by", help="who consents to their use (default: the author)")
    i.add_argument("--scope", help="what the consent covers (default: 'perform, derive')")
    i.add_argument("--notes", help="free notes for every sound")
    i.add_argument("--max-minutes", type=float, default=30.0, help="skip files longer than this (default 30)")
    i.add_argument("--pause-between", type=float, default=0.0, help=argparse.SUPPRESS)  # crash tests
    i.set_defaults(run=_cmd_import)

    ls = sub.add_parser("list", help="list the sounds of every bank (or one)")
    ls.add_argument("--bank", help="only this bank")
    ls.add_argument("--json", action="store_true", help="one JSON object per sample")
    ls.add_argument("--rescan", action="store_true",
                    help="look at every file again (after editing sound files in place)")
    ls.set_defaults(run=_cmd_list)

    info = sub.add_parser("info", help="show a sample's provenance, consent, descriptors and history")
    info.add_argument("sample", help="name or name:n")
    info.add_argument("--bank", help="look in this bank only")
    info.set_defaults(run=_cmd_info)

    rn = sub.add_parser("rename", help="rename a sound (every variant) or one variant name:n")
    rn.add_argument("old", help="name or name:n")
    rn.add_argument("new", help="new name (lowercase letters, digits, _)")
    rn.add_argument("--bank", help="the bank holding it (default: the one that plays it)")
    rn.set_defaults(run=_cmd_rename)

    rv = sub.add_parser("revoke", help="withdraw consent: out of play at once, derived things marked stale")
    rv.add_argument("sample", help="name:n (or name, if it has one variant)")
    rv.add_argument("--reason", required=True, help="why (recorded with the time)")
    rv.add_argument("--bank", help="the bank holding it (default: the one that plays it)")
    rv.set_defaults(run=_cmd_revoke)

    mp = sub.add_parser("map", help="write an HTML map of every sound, placed by its descriptors")
    mp.add_argument("-o", "--output", default="samples-map.html", help="output file (default samples-map.html)")
    mp.add_argument("--bank", help="only this bank")
    mp.set_defaults(run=_cmd_map)

    st = sub.add_parser("stale", help="list derived things (corpora, voices) built from revoked samples")
    st.set_defaults(run=_cmd_stale)
    return p


# -- helpers --------------------------------------------------------------------------

class _Bar:
    """A one-line progress bar on stderr (a line per 10% when stderr is not a terminal)."""

    def __init__(self, what: str, stream=None) -> None:
        self.what, self.stream = what, stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.last_decile = -1

    def __call__(self, done: int, total: int, label: str) -> None:
        frac = done / total if total else 1.0
        if self.tty:
            bar = "#" * int(frac * 30)
            self.stream.write(f"\r{self.what} [{bar:<30}] {done}/{total} {label[:30]:<30}")
            if done >= total:
                self.stream.write("\n")
        else:
            decile = int(frac * 10)
            if decile != self.last_decile:
                self.last_decile = decile
                self.stream.write(f"{self.what}: {done}/{total}\n")
        self.stream.flush()


def _library(args):
    from .config import library_from_config

    return library_from_config(args.config)


def _resolve(lib, ref: str, bank: str | None, *, need_index: bool):
    """(bank object, name, index or None) for ``name`` / ``name:n``."""
    from .errors import UnknownSampleError
    from .indexed import IndexedBank

    name, _, n_text = ref.partition(":")
    if n_text and not n_text.lstrip("-").isdigit():
        raise ValueError(f"{ref!r}: expected name or name:n with a whole number n")
    b = lib.bank_for(name, bank)
    if need_index and not isinstance(b, IndexedBank):
        raise ValueError(f"{name!r} comes from the {b.name!r} bank, which livesamp synthesises: "
                         "only imported or folder banks can be changed")
    n = None
    if n_text:
        n = int(n_text)
        if not 0 <= n < b.count(name):
            raise UnknownSampleError(f"{name}:{n}", [f"{name}:{k}" for k in range(min(b.count(name), 3))])
    return b, name, n


def _err(msg: str) -> int:
    print(f"livesamp samples: {msg}", file=sys.stderr)
    return 2


# -- commands -------------------------------------------------------------------------

def _cmd_import(args) -> int:
    from .config import RESERVED
    from .importer import plan_import
    from .ingest import commit_import
    from .naming import repair_name
    from .paths import banks_dir

    folder = Path(args.folder).expanduser()
    bank = args.bank or repair_name(folder.resolve().name)
    if bank in RESERVED and not args.to:
        return _err(f"the bank name {bank!r} is livesamp's own; choose another with --bank")
    root = Path(args.to).expanduser() if args.to else banks_dir() / bank
    t0 = time.perf_counter()
    try:
        plan = plan_import(folder, root, bank, split=args.split, trim_silence=args.trim, keep_names=args.keep_names,
                           max_seconds=args.max_minutes * 60, progress=_Bar("reading"))
    except (FileNotFoundError, NotADirectoryError, PermissionError) as err:
        return _err(str(err))
    took = time.perf_counter() - t0
    seconds = sum(c.descriptors.length_s for c in plan.candidates)
    print(f"{len(plan.candidates)} sounds ({seconds:.1f} s of audio) measured in {took:.1f} s")
    if plan.candidates:
        print(plan.table())
    if plan.candidates and not args.yes and not _ask(plan):
        print("nothing imported")
        if plan.problems:
            print("\n".join(f"  - {p}" for p in plan.problems))
        return 1
    report = commit_import(plan, link=args.link, author=args.author, place=args.place, licence=args.licence,
                           device=args.device, recorded_at=args.recorded_at, consent_by=args.consent_by,
                           scope=args.scope, notes=args.notes, progress=_Bar("copying" if not args.link else "linking"),
                           pause_s=args.pause_between)
    print(report.summary())
    return 0 if report.imported or not report.problems else 1


def _ask(plan) -> bool:
    """Let the performer rename or skip rows; True to import, False to abort."""
    help_text = 'Enter: import  ·  "3 rain": name row 3 rain  ·  "3 -": skip row 3  ·  "q": quit'
    print(help_text)
    while True:
        try:
            line = input("> ").strip()
        except EOFError:
            print("\nno answer (end of input); use --yes to accept every proposal")
            return False
        if line in ("", "y", "yes"):
            return True
        if line in ("q", "quit", "n", "no"):
            return False
        row, _, new = line.partition(" ")
        try:
            msg = plan.skip(int(row)) if new.strip() == "-" else plan.rename(int(row), new.strip())
        except (ValueError, IndexError) as err:
            msg = f"{err}; {help_text}" if isinstance(err, IndexError) else help_text
        print(msg)
        print(plan.table())


def _cmd_list(args) -> int:
    lib = _library(args)
    banks = [b for b in lib.banks if args.bank is None or b.name == args.bank]
    if not banks:
        return _err(f"no bank {args.bank!r}; banks: {', '.join(b.name for b in lib.banks)}")
    for b in banks:
        if args.rescan and hasattr(b, "refresh"):
            b.refresh(full=True) if hasattr(b, "row") else b.refresh()
        names = b.names()
        if not args.json:
            where = f" ({b.path})" if hasattr(b, "path") else ""
            total = sum(b.count(n) for n in names)
            print(f"bank {b.name}{where}: {len(names)} sounds, {total} samples")
        for name in names:
            for i in range(b.count(name)):
                prov = b.provenance(name, i)
                revoked = b.revocation(name, i) if hasattr(b, "revocation") else None
                if args.json:
                    print(json.dumps({"bank": b.name, "name": name, "n": i, "revoked": revoked is not None,
                                      "provenance": prov.to_dict()}, ensure_ascii=False))
                    continue
                print(f"  {f'{name}:{i}':<20} {prov.short(90)}")
    return 0


def _cmd_info(args) -> int:
    lib = _library(args)
    try:
        b, name, n = _resolve(lib, args.sample, args.bank, need_index=False)
    except (KeyError, ValueError) as err:
        return _err(str(err).strip("'\""))
    variants = [n] if n is not None else list(range(b.count(name)))
    for i in variants:
        prov = b.provenance(name, i)
        print(f"{name}:{i}  (bank {b.name})")
        if hasattr(b, "row"):
            row = b.row(name, i)
            print(f"  file: {row.path}")
        for key, value in prov.to_dict().items():
            if key == "consent" and value:
                state = f"REVOKED {value['revoked_at']}: {value['revoked_reason']}" if value["revoked_at"] else "granted"
                print(f"  consent: {state}; by {value['granted_by']}, scope {value['scope']!r}, "
                      f"{'revocable' if value['revocable'] else 'irrevocable'}, granted {value['granted_at']}")
            elif value is not None:
                print(f"  {key}: {value}")
        if hasattr(b, "row"):
            row = b.row(name, i)
            d = b.descriptors(name, i)
            if d is not None:
                print(f"  sound: {d.duration_s:.2f} s, {d.loudness_db:.1f} dBFS, centroid {d.centroid_hz:.0f} Hz, "
                      f"flatness {d.flatness:.2f}, pitch {d.pitch_hz:.0f} Hz ({d.pitch_confidence:.2f}), "
                      f"attack {d.attack_s * 1000:.0f} ms, decay {d.decay_s:.2f} s, "
                      f"{d.onset_density_hz:.1f} onsets/s")
            for at, _bank, label, event, detail in (b.index.events(row.sha256) if row.sha256 else []):
                print(f"  {at}  {event:<7} {label or ''}  {detail or ''}")
    return 0


def _cmd_rename(args) -> int:
    from .curate import rename

    lib = _library(args)
    try:
        b, name, n = _resolve(lib, args.old, args.bank, need_index=True)
        result = rename(b.index, b.root, b.name, args.old if n is not None else name, args.new)
    except (KeyError, ValueError, OSError) as err:
        return _err(str(err).strip("'\""))
    for old, new in result.moved:
        print(f"{old} -> {new}")
    for old, new in result.shifted:
        print(f"  ({old} is now {new})")
    return 0


def _cmd_revoke(args) -> int:
    lib = _library(args)
    try:
        b, name, n = _resolve(lib, args.sample, args.bank, need_index=True)
    except (KeyError, ValueError) as err:
        return _err(str(err).strip("'\""))
    if n is None:
        if b.count(name) != 1:
            held = ", ".join(f"{name}:{k}" for k in range(b.count(name)))
            return _err(f"{name!r} has {b.count(name)} variants ({held}); say which one, e.g. {name}:0")
        n = 0
    at = b.revoke(name, n, args.reason)
    print(f"revoked {name}:{n} (bank {b.name}) at {at}: {args.reason}")
    print("  it is out of play: a pattern naming it plays silence and warns")
    for s in b.index.stale():
        if s.sha256 == b.row(name, n).sha256:
            print(f"  stale: {s.kind} {s.ident}" + (f" ({s.path})" if s.path else ""))
    return 0


def _cmd_map(args) -> int:
    from .descriptors import describe
    from .soundmap import MapPoint, render_html

    lib = _library(args)
    points = []
    for b in lib.banks:
        if args.bank is not None and b.name != args.bank:
            continue
        for name in b.names():
            for i in range(b.count(name)):
                row = b.row(name, i) if hasattr(b, "row") else None
                d = b.descriptors(name, i) if row is not None else None
                if d is None:
                    try:
                        d = describe(b.audio(name, i, lib.sr), lib.sr)
                    except Exception as err:  # a sound that cannot be read is left off the map, said so
                        print(f"  {name}:{i} ({b.name}) left off the map: {err}", file=sys.stderr)
                        continue
                    if row is not None:
                        b.index.set_descriptors(b.root, row.relpath, d)
                revoked = b.revocation(name, i) if hasattr(b, "revocation") else None
                points.append(MapPoint(f"{name}:{i}", b.name, d, b.provenance(name, i).short(160), revoked is not None))
    out = Path(args.output)
    from .cache import atomic_write

    page = render_html(points).encode("utf-8")
    atomic_write(out, lambda f: f.write(page))
    print(f"wrote {out}: {len(points)} sounds")
    return 0


def _cmd_stale(args) -> int:
    from .index import LibraryIndex

    entries = LibraryIndex().stale()
    if not entries:
        print("nothing is stale")
    for s in entries:
        print(f"{s.kind} {s.ident}: {s.reason} ({s.at})" + (f" [{s.path}]" if s.path else ""))
    return 0
