"""Neural voices in patterns: voice("NAME") events rendered ahead into samples, their cache
and its bound, the audience's view of them, and consent: revoke -> stale -> retrain."""
from __future__ import annotations

import time

import numpy as np
import pytest
import soundfile as sf

from livesamp import s, sine
from livesamp.bank import DefaultBank, SampleLibrary
from livesamp.live.session import Session
from livesamp.neural.play import NeuralVoices, voices_for
from livesamp.neural.store import StaleVoiceError, UnknownVoiceError, load

SR = 48000


def _session(**kw):
    msgs = []
    session = Session(library=SampleLibrary([DefaultBank()], sr=SR), report=msgs.append, **kw)
    return session, msgs


def test_a_pattern_plays_in_the_default_voice_and_events_name_the_model():
    session, msgs = _session()
    session.play(0, s("thud*2 [tss drip]").voice("default"))
    audio = session.render(2)
    assert np.isfinite(audio).all() and np.abs(audio).max() > 0.01
    infos = list(session.packer.events.values())
    assert infos and all(i.sample.bank == "voice:default" for i in infos)
    info = infos[0]
    assert info.name in ("thud", "tss", "drip") and info.value["voice_source"] == f"{info.name}:{info.index}"
    assert info.value["voice_model"].startswith("voice:default@")
    assert "resynthesised by livesamp's neural voice 'default'" in info.sample.provenance.source
    assert "trained on" in info.sample.provenance.recipe and "z0" in info.sample.provenance.notes
    assert not msgs
    # the audience view's card for it: the model, what it was trained on, the sound it plays
    from livesamp.live.stage.publish import card_for

    card = card_for(info.sample, "c1")
    assert card["made"] == "resynthesised by livesamp's neural voice 'default'"
    assert "trained on" in card["recipe"] and f"resynthesising {info.name}:" in card["recipe"]
    assert card["licence"] == "CC0-1.0"
    # the plain sampler plays the same pattern differently
    plain, _ = _session()
    plain.play(0, s("thud*2 [tss drip]"))
    other = plain.render(2)
    assert np.abs(other - audio).max() > 0.01


def test_renders_are_cached_per_sample_and_quantised_latents():
    session, _ = _session()
    session.play(0, s("thud*4").voice("default").z0(0.5))
    session.render(2)
    nv = voices_for(session.engine)
    assert nv.stats()["renders"] == 1                     # eight events, one render
    session.play(0, s("thud*8").voice("default").z0(sine.range(-2, 2)))
    session.render(1)
    assert 4 <= nv.stats()["renders"] <= 9                # one per distinct z0 (1/8 steps)
    session.play(0, s("thud*4").voice("default").z0(0.51))  # rounds to 0.5: cached
    before = nv.stats()["renders"]
    session.render(1)
    assert nv.stats()["renders"] == before


def test_the_render_budget_plays_the_nearest_latents_and_says_so_once():
    session, msgs = _session()
    nv = NeuralVoices(session.engine, max_renders=2)
    from livesamp.neural import play

    play._BY_ENGINE[session.engine] = nv
    session.play(0, s("thud").voice("default").z0("<-2 0 1.75 2 -1.5>"))
    session.render(5)
    assert nv.stats()["renders"] == 2
    told = [m for m in msgs if "render budget" in m]
    assert len(told) == 1
    played = [i.value["z0"] for i in session.packer.events.values()]
    assert set(played) >= {-2, 0, 1.75, 2, -1.5}              # every event still played
    assert nv._nearest(("default", "thud", 0, load("default").card["ident"], True), ((0, 1.75),)) == \
        nv._ids[("default", "thud", 0, load("default").card["ident"], True, ((0, 0.0),))]


def test_an_unknown_voice_is_refused_with_suggestions_and_the_slot_keeps_playing():
    session, _ = _session()
    session.play(0, s("thud*2"))
    with pytest.raises(UnknownVoiceError, match="did you mean default"):
        session.play(0, s("thud").voice("defualt"))
    assert session.slots[0].pattern is not None


def test_follow_and_sampler_voice_controls():
    session, _ = _session()
    session.play(0, s("hum").voice("default").follow(0))
    a = session.render(1)
    assert np.isfinite(a).all()
    session.play(0, s("hum").voice("sampler"))              # the engine's own voice: no render
    session.render(1)
    infos = list(session.packer.events.values())
    assert infos[-1].sample.bank == "default"
    with pytest.raises(ValueError, match="follow"):
        session.play(1, s("hum").voice("default").follow("yes"))


def _kit(root):
    (root / "kettle").mkdir(parents=True)
    t = np.arange(int(0.6 * SR)) / SR
    rng = np.random.default_rng(0)
    for i, f in enumerate((180.0, 260.0, 330.0)):
        tone = 0.3 * np.sin(2 * np.pi * f * t) * np.exp(-2 * t) + 0.02 * rng.standard_normal(len(t))
        sf.write(root / "kettle" / f"k{i}.wav", tone.astype(np.float32), SR)


def test_revoke_makes_the_voice_stale_and_training_again_leaves_the_sample_out(tmp_path, monkeypatch):
    from livesamp.bank.indexed import IndexedBank
    from livesamp.neural.build import train_voice

    monkeypatch.setenv("LIVESAMP_DATA_DIR", str(tmp_path / "data"))
    _kit(tmp_path / "kit")
    bank = IndexedBank(tmp_path / "kit", "kit")
    lib = SampleLibrary([bank, DefaultBank()], sr=SR)
    path, voice = train_voice("kettle", "kettle", library=lib, steps=40)
    assert path == tmp_path / "data" / "voices" / "kettle.npz"
    assert sorted(t["label"] for t in voice.card["training"]) == ["kettle:0", "kettle:1", "kettle:2"]
    assert all(t["provenance"] for t in voice.card["training"])
    assert load("kettle").name == "kettle"

    msgs = []
    session = Session(library=lib, report=msgs.append)
    session.play(0, s("thud*2").voice("kettle"))
    assert np.abs(session.render(1)).max() > 0.001

    bank.revoke("kettle", 1, reason="the kettle's owner asked")
    with pytest.raises(StaleVoiceError, match="kettle:1"):
        load("kettle")
    time.sleep(voices_for(session.engine).poll_s + 0.05)   # the consent poll's period
    quiet = session.render(2)                         # the playing pattern falls silent ...
    assert np.abs(quiet[SR // 2:]).max() < 1e-4      # (after the event already scheduled before)
    told = [m for m in msgs if "stale" in m]
    assert len(told) == 1 and "livesamp voice train kettle" in told[0]   # ... with one clear message
    session.play(1, s("tss").voice("kettle"))         # a new pattern is refused the same way
    assert len([m for m in msgs if "stale" in m]) == 1

    path2, voice2 = train_voice("kettle", voice.card["sources"], library=lib, steps=40)
    assert voice2.card["excluded"] == ["kettle:1"]
    assert sorted(t["label"] for t in voice2.card["training"]) == ["kettle:0", "kettle:2"]
    assert load("kettle").card["ident"] != voice.card["ident"]
    session.play(0, s("thud*2").voice("kettle"))
    assert np.abs(session.render(1)).max() > 0.001    # playable again


def test_repl_completion_names_voices_and_says_what_each_latent_does():
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from livesamp.live.editing import PerformerCompleter

    c = PerformerCompleter({}, lambda: ["thud", "tss"])

    def complete(text):
        return {x.text: x.display_meta_text for x in c.get_completions(Document(text), CompleteEvent(True))}

    got = complete('s("thud").voice("default").z')
    says = load("default").card["latents"][0]["says"]
    assert got["z0"].startswith(f"z0 of default: {says}")
    assert "default" in complete('s("thud").voice("de') and "thud" not in complete('s("thud").voice("de')
    assert complete('s("th') == {"thud": "sample"}


def test_the_example_renders_with_the_default_voice(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "neural.wav"
    proc = subprocess.run([sys.executable, str(root / "examples" / "neural_voice.py"), str(out)],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "resynthesised by livesamp's neural voice 'default'" in proc.stdout
    audio, sr = sf.read(out)
    assert sr == SR and np.isfinite(audio).all() and np.abs(audio).max() > 0.01


def test_live_slots_have_their_next_cycle_rendered_ahead():
    """Played live (here the null output, keeping time), a slot with a neural voice gets its
    next cycle's renders made on the background thread: no event starts late."""
    session, msgs = _session(lookahead_s=0.1)
    session.setcps(2)
    session.play(0, s("thud*4 hum").voice("default").z0(sine.range(-2, 2).slow(5)))
    session.start(backend="null")
    try:
        time.sleep(4.0)
        stats = session.engine.stats()
    finally:
        session.stop()
    nv = voices_for(session.engine)
    assert nv.stats()["prefetched"] >= 3
    assert stats["late"] == 0 and stats["started"] >= 20
