"""`livesamp samples import` and friends on real files: a messy folder, provenance round trips,
an import killed midway, splitting, the interactive table."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from bank_fixtures import KINDS, make
from livesamp.bank import IndexedBank, SampleLibrary
from livesamp.bank.curate import sha256_file
from livesamp.bank.importer import plan_import
from livesamp.bank.ingest import commit_import
from livesamp.bank.index import LibraryIndex
from livesamp.bank.sidecar import read_sidecar
from livesamp.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A private data folder and no bank list, for this process and its children."""
    monkeypatch.setenv("LIVESAMP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LIVESAMP_CONFIG", str(tmp_path / "absent.toml"))
    return {**os.environ}


def write_kinds(folder: Path, seeds=range(1), fmt="wav") -> dict[str, str]:
    """One file per kind and seed; returns file name -> expected family."""
    folder.mkdir(parents=True, exist_ok=True)
    expected = {}
    for kind, (_, family) in KINDS.items():
        for s in seeds:
            x, sr = make(kind, s)
            name = f"{kind}_{s}.{fmt}"
            sf.write(folder / name, x, sr)
            expected[name] = family
    return expected


@pytest.fixture
def messy(tmp_path):
    """Good recordings mixed with every kind of bad input."""
    src = tmp_path / "messy"
    good = write_kinds(src)
    sf.write(src / "thump_0.flac", make("thump", 3)[0], 48000)  # flac too
    sf.write(src / "sub" / "Kick Drum (final) ü.aiff" if (src / "sub").mkdir() is None else None,
             make("thump", 4)[0], 44100)
    sf.write(src / "sub" / "tone.ogg", make("bright_tone", 5)[0], 48000)
    (src / "corrupt.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00garbage" * 4)
    (src / "empty.wav").write_bytes(b"")
    sf.write(src / "zero_frames.wav", np.zeros(0), 48000)
    (src / "sampler.xyz").write_bytes(b"\x00\x01")
    (src / "notes.txt").write_text("recorded on the pier")
    (src / ".DS_Store").write_bytes(b"junk")
    sf.write(src / "silent.flac", np.zeros(48000), 48000)
    nan = np.full(4800, 0.1, np.float32)
    nan[100] = np.nan
    sf.write(src / "nan.wav", nan, 48000, subtype="FLOAT")
    sf.write(src / "long.wav", 0.1 * np.random.default_rng(0).standard_normal(48000 * 20), 48000)
    shutil.copy(src / "sweep_0.wav", src / "sub" / "copy of sweep.wav")
    with open(os.path.join(os.fsencode(src), b"bad\xffname.wav"), "wb") as f:
        sf.write(f, make("noise_burst", 8)[0], 48000, format="WAV")  # a good sound, a name that is not UTF-8
    sf.write(src / "line\nbreak.wav", make("noise_burst", 7)[0], 48000)
    return src, good


def test_messy_folder_imports_the_good_files_and_lists_the_rest(messy, env, capsys):
    src, good = messy
    code = main(["samples", "import", str(src), "--bank", "pier", "--yes", "--max-minutes", "0.25",
                 "--author", "Ann", "--place", "the pier", "--licence", "CC-BY-4.0"])
    out = capsys.readouterr().out
    assert code == 0, out
    report = out[out.index("imported "):]
    assert report.startswith("imported 11 sounds into bank 'pier'"), report
    problems = report[report.index("problems:"):].splitlines()[1:]
    expect = {"corrupt.wav": "corrupt or not audio: Error in WAV/W64/RF64 file", "empty.wav": "empty file (0 bytes)",
              "zero_frames.wav": "holds no audio (0 frames)", "sampler.xyz": "not a sound file (.xyz)",
              "notes.txt": "not a sound file (.txt)", "silent.flac": "silent",
              "nan.wav": "holds NaN or infinite samples", "long.wav": "too long: 0.3 min (limit 0 min",
              "copy of sweep.wav": "same audio as sweep_0.wav in this folder"}
    for name, what in expect.items():
        hits = [p for p in problems if name in p]
        assert hits and what in hits[0], (name, problems)
    assert any("bad\ufffdname.wav" in p and "not valid UTF-8" in p for p in problems)
    assert "line\\nbreak.wav" in out  # shown escaped on one line
    assert not any(".DS_Store" in p for p in problems)
    bank = IndexedBank(Path(env["LIVESAMP_DATA_DIR"]) / "banks" / "pier")
    labels = {(bank.provenance(n, i).original_name): f"{n}:{i}" for n in bank.names() for i in range(bank.count(n))}
    assert "Kick Drum (final) ü.aiff" in labels and "line\nbreak.wav" in labels and "tone.ogg" in labels
    from livesamp.bank.naming import family_of
    wrong = {f: labels[f] for f, fam in good.items() if family_of(labels[f]) != fam}
    assert not wrong
    prov = bank.provenance(*labels["thump_0.wav"].split(":")[:1], int(labels["thump_0.wav"].split(":")[1]))
    assert (prov.author, prov.place, prov.licence) == ("Ann", "the pier", "CC-BY-4.0")
    assert prov.consent.granted_by == "Ann" and prov.consent.revocable and prov.consent.revoked_at is None
    assert prov.sha256 == sha256_file(src / "thump_0.wav") and prov.source_file == str((src / "thump_0.wav").resolve())


def test_provenance_survives_import_rename_restart_and_info(tmp_path, env, capsys):
    src = tmp_path / "rec"
    write_kinds(src, fmt="flac")
    shutil.copy(src / "thump_0.flac", tmp_path / "keep.flac")
    (src / "thump_0.png").write_bytes(b"\x89PNG picture of the door")
    from livesamp.bank.provenance import Provenance
    from livesamp.bank.sidecar import Sidecar, write_sidecar
    write_sidecar(src / "bright_tone_0.flac", Sidecar(Provenance(source="recording by a friend", author="Bo",
                                                                 device="Zoom H4n", recorded_at="2024-05-01")))
    assert main(["samples", "import", str(src), "--bank", "door", "--yes", "--author", "Ann",
                 "--place", "the shed", "--licence", "CC0-1.0", "--device", "phone"]) == 0
    out = capsys.readouterr().out
    label = next(line.split()[1] for line in out.splitlines() if "thump_0.flac" in line)
    friend = next(line.split()[1] for line in out.splitlines() if "bright_tone_0.flac" in line)
    assert main(["samples", "rename", label, "door_slam"]) == 0
    assert f"{label} -> door_slam:0" in capsys.readouterr().out
    assert main(["samples", "revoke", "door_slam", "--reason", "the neighbour objected"]) == 0
    assert "revoked door_slam:0 (bank door)" in capsys.readouterr().out
    # restart: a new process reads it all back from the bank folder and the index
    code = ("import sys\nfrom livesamp.cli import main\n"
            "for a in (['info', 'door_slam:0'], ['info', sys.argv[1]], ['list', '--bank', 'door']):\n"
            "    print('=====')\n    main(['samples', *a])\n")
    info, other, listing = subprocess.run([sys.executable, "-c", code, friend], env=env, capture_output=True,
                                          text=True, check=True, cwd=ROOT).stdout.split("=====")[1:]
    for text in ("author: Ann", "place: the shed", "licence: CC0-1.0", "device: phone",
                 "original_name: thump_0.flac", f"sha256: {sha256_file(tmp_path / 'keep.flac')}",
                 "image: 000-thump_0.flac.png", "consent: REVOKED", "the neighbour objected; by Ann",
                 " import ", " rename ", f"{label} -> door_slam:0", " revoke "):
        assert text in info, (text, info)
    assert "source: recording by a friend" in other and "author: Ann" in other and "recorded_at: 2024-05-01" in other
    assert "door_slam:0" in listing and "REVOKED recording thump_0.flac" in listing
    bank_dir = Path(env["LIVESAMP_DATA_DIR"]) / "banks" / "door"
    assert (bank_dir / "door_slam" / "000-thump_0.flac.png").read_bytes().startswith(b"\x89PNG")
    assert not (bank_dir / "thud").exists() or not list((bank_dir / "thud").glob("*.png"))


def bank_is_consistent(bank_dir: Path) -> int:
    """Every sound file the bank would list decodes and has a sidecar whose sha256 matches."""
    n = 0
    for sub in bank_dir.iterdir():
        if not sub.is_dir() or sub.name.startswith("."):
            continue
        for f in sub.iterdir():
            if f.name.startswith(".") or f.suffix == ".json":
                continue
            side = read_sidecar(f)
            assert side is not None, f"{f} has no sidecar"
            assert side.provenance.sha256 == sha256_file(f), f"{f} does not match its sidecar"
            assert sf.read(f)[0].size > 0
            n += 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bank = IndexedBank(bank_dir)
    assert sum(bank.count(x) for x in bank.names()) == n
    return n


SAMPLES = ("import argparse, sys\nfrom livesamp.bank.cli import add_samples_parser\n"
           "ap = argparse.ArgumentParser(prog='livesamp')\nadd_samples_parser(ap.add_subparsers())\n"
           "args = ap.parse_args(sys.argv[1:])\nsys.exit(args.run(args))\n")  # `livesamp samples ...`, lighter


def test_an_import_killed_midway_leaves_a_bank_that_loads(tmp_path, env):
    src = tmp_path / "many"
    write_kinds(src, seeds=range(3))  # 18 recordings
    bank_dir = Path(env["LIVESAMP_DATA_DIR"]) / "banks" / "many"
    cmd = [sys.executable, "-c", SAMPLES, "samples", "import", str(src), "--yes", "--pause-between", "0.03"]
    counts = []
    for kill_after in (2, 9):
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            listed = [f for f in bank_dir.rglob("*") if f.is_file() and not f.name.startswith(".")]
            if sum(f.suffix != ".json" for f in listed) >= kill_after:
                break
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL, "the import finished before it could be killed"
        counts.append(bank_is_consistent(bank_dir))
    assert 2 <= counts[0] <= counts[1] < 18
    done = subprocess.run(cmd[:-2], env=env, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert f"imported {18 - counts[1]} sounds" in done
    assert done.count("in the bank (skipped)") == counts[1]  # the already imported ones are recognised
    assert bank_is_consistent(bank_dir) == 18
    assert not [f for f in bank_dir.rglob(".*.tmp")]  # the next import tidied the leftovers


def test_split_cuts_a_field_recording_into_sounds(tmp_path, env):
    sr = 48000
    rng = np.random.default_rng(3)
    x = 1e-4 * rng.standard_normal(20 * sr)
    for t, kind in [(1.0, "noise_burst"), (4.0, "thump"), (8.0, "bright_tone"), (12.0, "noise_burst"),
                    (15.0, "thump")]:
        y, _ = make(kind, int(t))
        y = y[:sr // 2] if kind != "noise_burst" else y
        x[int(t * sr):int(t * sr) + len(y)] += y
    src = tmp_path / "walk"
    src.mkdir()
    sf.write(src / "walk.wav", x, sr, subtype="PCM_24")
    sf.write(src / "short.wav", make("thump", 1)[0][: sr], sr)  # under 2 s: kept whole
    plan = plan_import(src, tmp_path / "bank", split=True)
    spans = [c.span for c in plan.candidates if c.source.name == "walk.wav"]
    assert len(spans) == 5
    for (a, b), t in zip(spans, [1.0, 4.0, 8.0, 12.0, 15.0]):
        assert t - 0.01 <= a / sr <= t + 0.04 and b / sr > t + 0.05  # fixtures start up to 30 ms in
    assert [c.span for c in plan.candidates if c.source.name == "short.wav"] == [None]
    report = commit_import(plan, index=LibraryIndex())
    assert len(report.imported) == 6 and not report.problems
    bank = IndexedBank(tmp_path / "bank")
    cut = [bank.provenance(n, i) for n in bank.names() for i in range(bank.count(n))
           if bank.provenance(n, i).original_name.startswith("walk.wav [")]
    assert len(cut) == 5 and all(p.recipe.startswith("cut from walk.wav") for p in cut)
    assert all(bank.file(n, i).suffix == ".flac" for n in bank.names() for i in range(bank.count(n))
               if "walk" in bank.provenance(n, i).original_name)
    trimmed = plan_import(src, tmp_path / "bank2", trim_silence=True).candidates
    assert [c.span for c in trimmed if c.source.name == "walk.wav"][0][0] / sr == pytest.approx(1.0, abs=0.02)


def test_the_proposals_table_can_rename_skip_or_quit(tmp_path, env, capsys, monkeypatch):
    src = tmp_path / "few"
    write_kinds(src)
    answers = iter(["1 Rain Drop", "2 -", "9 x", "hello", ""])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert main(["samples", "import", str(src), "--bank", "few"]) == 0
    out = capsys.readouterr().out
    assert "'Rain Drop' is not a sound name; row 1 is now rain_drop:0 (repaired)" in out
    assert "will not be imported" in out and "no row 9: rows are 1 to 6" in out
    assert "imported 5 sounds" in out and "rain_drop:0" in out
    assert "name 'Rain Drop' is not a sound name (repaired to 'rain_drop')" in out
    monkeypatch.setattr("builtins.input", lambda prompt="": "q")
    assert main(["samples", "import", str(src), "--bank", "other"]) == 1
    assert "nothing imported" in capsys.readouterr().out
    assert not (Path(env["LIVESAMP_DATA_DIR"]) / "banks" / "other").exists()

    def eof(prompt=""):
        raise EOFError

    monkeypatch.setattr("builtins.input", eof)
    assert main(["samples", "import", str(src), "--bank", "other"]) == 1
    assert "use --yes" in capsys.readouterr().out


def test_link_keep_names_and_bad_arguments(tmp_path, env, capsys):
    src = tmp_path / "kit"
    for name in ("Big Kick", "snare"):
        (src / name).mkdir(parents=True)
        sf.write(src / name / "a.wav", make("thump", len(name))[0], 48000)
    assert main(["samples", "import", str(src), "--keep-names", "--link", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "big_kick:0" in out and "snare:0" in out and "repaired to 'big_kick'" in out
    linked = Path(env["LIVESAMP_DATA_DIR"]) / "banks" / "kit" / "big_kick" / "000-a.wav"
    assert linked.is_symlink() and linked.resolve() == (src / "Big Kick" / "a.wav").resolve()
    lib = SampleLibrary([IndexedBank(linked.parent.parent)])
    assert lib.get("big_kick").audio().shape[1] == 2
    assert main(["samples", "import", str(tmp_path / "nowhere")]) == 2
    assert main(["samples", "import", str(src / "snare" / "a.wav")]) == 2
    assert main(["samples", "import", str(src), "--bank", "default", "--yes"]) == 2
    err = capsys.readouterr().err
    assert "no folder" in err and "is a file" in err and "livesamp's own" in err
    assert main(["samples", "info", "big_kik"]) == 2
    assert "did you mean big_kick" in capsys.readouterr().err
    assert main(["samples", "revoke", "thud", "--reason", "x"]) == 2  # the synthesised bank
    assert "synthesises" in capsys.readouterr().err
