"""``livesamp voice train | list | info``: training in a separate process, cancelling, and
what the commands tell the performer."""
from __future__ import annotations

import numpy as np
import soundfile as sf

from livesamp.cli import main

SR = 48000


def _folder(root):
    root.mkdir(parents=True)
    t = np.arange(int(0.5 * SR)) / SR
    for i, f in enumerate((150.0, 300.0)):
        sf.write(root / f"tone{i}.wav", (0.3 * np.sin(2 * np.pi * f * t) * np.exp(-3 * t)).astype(np.float32), SR)


def test_voice_list_and_info_show_the_default_voice_and_its_training_set(capsys):
    assert main(["voice", "list"]) == 0
    out = capsys.readouterr().out
    assert "default" in out and "livesamp's" in out and "z0" in out
    assert main(["voice", "info", "default"]) == 0
    out = capsys.readouterr().out
    assert "trained on" in out and "big_swoosh:0" in out and "sha256" in out and "synthesised by livesamp" in out
    assert "z0:" in out and "centroid" in out
    assert main(["voice", "info", "nope"]) == 2
    assert "unknown voice" in capsys.readouterr().err


def test_voice_train_from_a_folder_in_a_background_process(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LIVESAMP_DATA_DIR", str(tmp_path / "data"))
    _folder(tmp_path / "rec")
    assert main(["voice", "train", "tones", str(tmp_path / "rec"), "--steps", "30"]) == 0
    out = capsys.readouterr().out
    model = tmp_path / "data" / "voices" / "tones.npz"
    assert model.is_file() and "wrote" in out and "z0:" in out
    assert (tmp_path / "rec" / "tone0.wav.neural.npz").is_file()     # the analysis sits beside the sound
    assert main(["voice", "info", "tones"]) == 0
    out = capsys.readouterr().out
    assert "tone0.wav" in out and "tone1.wav" in out and "folder rec" in out
    # no sources: retrain from the sources the model names
    assert main(["voice", "train", "tones", "--steps", "20"]) == 0
    assert "retraining tones from" in capsys.readouterr().out


def test_cancelled_training_writes_nothing(tmp_path, monkeypatch):
    from livesamp.neural.build import start_training

    monkeypatch.setenv("LIVESAMP_DATA_DIR", str(tmp_path / "data"))
    _folder(tmp_path / "rec")
    job = start_training("gone", [str(tmp_path / "rec")], steps=100000)
    seen = []
    while not any(m[0] == "progress" and m[1] == "training" for m in seen) and not job.finished:
        seen.extend(job.poll(0.5))
    job.cancel()
    assert job.result[0] == "cancelled" and not job.process.is_alive()
    voices = tmp_path / "data" / "voices"
    assert not voices.exists() or not any(voices.iterdir())          # no model, no temporary file


def test_voice_train_refuses_bad_names_and_missing_sources(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LIVESAMP_DATA_DIR", str(tmp_path / "data"))
    assert main(["voice", "train", "Bad Name", "default"]) == 2
    assert main(["voice", "train", "grain", "default"]) == 2
    assert main(["voice", "train", "fresh"]) == 2
    err = capsys.readouterr().err
    assert "lowercase" in err and "voice kind" in err and "say what to train it on" in err


def test_voice_info_piped_into_head_ends_quietly():
    """A reader that stops early (``| head -2``) is not an error: exit 0, nothing on stderr."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "livesamp", "voice", "info", "default"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()                              # what `head` does once it has its lines
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0
    assert first.startswith(b"voice default") and err == b"", err
