"""From a folder, a bank or some names to a voice model file: ``train_voice``.

Sources are written as for a corpus (``livesamp.concat.sources``): a bank name
(``default``), a sound name (``hum``, ``hum:2``), a name family (``swoosh``), ``*``, or a
folder of sound files (read recursively; each file's ``.json`` provenance sidecar is read
if it has one). Samples whose consent was revoked are left out and listed in the card's
``excluded``. Steps: analyse every sound (cached beside it: ``cache.py``), train
(``train.fit``), measure and order the latent dimensions (``describe.py``), write the model
file atomically (``modelfile.py``) and register it in the library index as a derived thing
built from those samples' sha256 (so ``livesamp samples revoke`` marks it stale).

``start_training`` runs all that in a separate process (``multiprocessing``, spawned, at a
lower priority and on one BLAS thread), so a live session in this process keeps its audio:
the returned ``TrainingJob`` reports progress, can be cancelled (no file is written unless
training completes) and says where the model went.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["TrainingSound", "collect", "train_voice", "start_training", "TrainingJob", "config_for",
           "TrainingCancelled"]


class TrainingCancelled(KeyboardInterrupt):
    """Training was cancelled before the model was written."""


@dataclass
class TrainingSound:
    """One sound to train on, and where it came from."""

    label: str
    bank: str
    sha256: str
    provenance: dict | None
    file: Path | None
    load: object            # () -> float32 (frames, channels) audio at the training rate

    def audio(self) -> np.ndarray:
        return self.load()


def _is_path(item: str, library) -> bool:
    """A folder or file rather than a bank, a sound name, a family or '*'."""
    if os.sep in item or item.startswith((".", "~")):
        return True
    if item == "*" or item in library or item in {b.name for b in library.banks}:
        return False
    return Path(item).exists()


def _folder_sounds(item: str, sr: int) -> list[TrainingSound]:
    from ..bank.base import to_engine_audio
    from ..bank.curate import sha256_file
    from ..bank.folder import AUDIO_EXTENSIONS
    from ..bank.sidecar import read_sidecar

    root = Path(item).expanduser()
    if not root.exists():
        raise FileNotFoundError(f"no folder or file {item!r}")
    files = [root] if root.is_file() else sorted(
        p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in AUDIO_EXTENSIONS
        and not any(part.startswith(".") for part in p.relative_to(root).parts))
    out = []
    for f in files:
        try:
            side = read_sidecar(f)
        except ValueError:
            side = None
        prov = side.provenance.to_dict() if side is not None else {"source": f"sound file {f}"}

        def load(f=f):
            import soundfile as sf

            x, rate = sf.read(str(f), dtype="float32", always_2d=True)
            return to_engine_audio(x, rate, sr)

        rel = f.name if root.is_file() else str(f.relative_to(root))
        out.append(TrainingSound(rel, f"folder {root.name}", sha256_file(f), prov, f, load))
    return out


def collect(sources, library) -> tuple[list[TrainingSound], list[str]]:
    """(sounds, labels of revoked samples left out) for a list of source items."""
    from ..concat.sources import resolve, sample_sha256

    items = [sources] if isinstance(sources, str) else list(sources)
    if not items:
        raise ValueError("say what to train on: a bank (default), sound names, a family, '*' or a folder")
    sounds: list[TrainingSound] = []
    excluded: list[str] = []
    seen: set[str] = set()
    for item in items:
        if _is_path(item, library):
            got = _folder_sounds(item, library.sr)
        else:
            samples, revoked = resolve(library, item)
            excluded.extend(revoked)
            got = [TrainingSound(s.label, s.bank, sample_sha256(library, s),
                                 s.provenance.to_dict() if s.provenance is not None else None,
                                 _file_of(library, s), s.audio) for s in samples]
        for s in got:
            if s.sha256 in seen:
                continue
            seen.add(s.sha256)
            if s.provenance and (s.provenance.get("consent") or {}).get("revoked_at"):
                excluded.append(s.label)
                continue
            sounds.append(s)
    revoked = _revoked_in_index([s.sha256 for s in sounds])
    if revoked:
        excluded.extend(s.label for s in sounds if s.sha256 in revoked)
        sounds = [s for s in sounds if s.sha256 not in revoked]
    return sounds, excluded


def _file_of(library, sample):
    bank = library.bank_for(sample.name, sample.bank)
    f = getattr(bank, "file", None)
    try:
        return f(sample.name, sample.index) if f is not None else None
    except (KeyError, IndexError, OSError):
        return None


def _revoked_in_index(shas) -> set[str]:
    try:
        from ..bank.index import LibraryIndex

        return set(LibraryIndex().revoked_among(shas))
    except Exception:  # noqa: BLE001 - no index: nothing was revoked through it
        return set()


ENVELOPE_BINS = 96


def config_for(seconds: float, seed: int = 0, steps: int | None = None):
    """The training settings for this much audio: up to 2.5 minutes, 128 hidden units
    (47.7k parameters) and 2500 steps; more audio, 192 units (77k) and 3500 steps. Either
    way the harmonics are read from a 96-bin spectral envelope (``Config.envelope``)."""
    from .model import Config

    if seconds <= 150:
        cfg = Config(hidden=128, steps=2500, seed=seed, envelope=ENVELOPE_BINS)
    else:
        cfg = Config(hidden=192, steps=3500, seed=seed, envelope=ENVELOPE_BINS)
    if steps is not None:
        from dataclasses import replace

        cfg = replace(cfg, steps=int(steps))
    return cfg


def _summary(sounds: list[TrainingSound], seconds: float) -> str:
    banks: dict[str, int] = {}
    for s in sounds:
        banks[s.bank] = banks.get(s.bank, 0) + 1
    where = ", ".join(f"{n} of {b}" for b, n in sorted(banks.items(), key=lambda kv: -kv[1])[:3])
    if len(banks) > 3:
        where += f" and {len(banks) - 3} more sources"
    synth = all((s.provenance or {}).get("source", "").startswith("synthesised") for s in sounds)
    kind = " (synthesised sounds)" if synth else ""
    return f"neural voice trained on {len(sounds)} samples, {seconds:.0f} s: {where}{kind}"


def train_voice(name: str, sources, *, library=None, out: str | Path | None = None, config=None, seed: int = 0,
                steps: int | None = None, progress=None, cancel=None, register: bool = True, author: str | None = None,
                licence: str | None = None):
    """Train the voice ``name`` on ``sources`` and write it (default: ``<data dir>/voices/
    NAME.npz``). ``progress(stage, done, total, note)`` with stage "analysis", "training" or
    "describing"; ``cancel()`` returning True stops before anything is written
    (``TrainingCancelled``). Returns (path, Voice)."""
    import livesamp

    from ..bank.provenance import utc_now
    from .cache import Analyses
    from .describe import canonical, excerpts, measure_latents
    from .features import ANALYSIS_VERSION
    from .modelfile import FORMAT, digest, ident, save_voice
    from .model import param_count
    from .store import check_name, voices_dir
    from .train import examples, fit

    check_name(name)
    if library is None:
        from ..bank.config import library_from_config

        library = library_from_config()
    say = progress or (lambda *a: None)
    t_start = time.perf_counter()
    sounds, excluded = collect(sources, library)
    if not sounds:
        raise ValueError(f"nothing to train on in {sources!r}" + (f" (left out, revoked: {', '.join(excluded)})"
                                                                   if excluded else ""))
    analyses = Analyses(capacity=len(sounds) + 1)
    frames = []
    t0 = time.perf_counter()
    for i, s in enumerate(sounds):
        if cancel is not None and cancel():
            raise TrainingCancelled("cancelled during analysis")
        frames.append(analyses.of(s.sha256, library.sr, s.audio, s.file, s.label, s.bank, s.provenance))
        say("analysis", i + 1, len(sounds), s.label)
    analysis_s = time.perf_counter() - t0
    seconds = sum(f.seconds for f in frames)
    cfg = config or config_for(seconds, seed, steps)
    data = examples(frames, cfg.context)

    def on_step(step, total, loss):
        say("training", step, total, f"loss {loss:.3f}")

    def stop():
        return cancel is not None and cancel()

    try:
        fitted = fit(data, cfg, progress=on_step, cancel=stop)
    except KeyboardInterrupt as e:
        raise TrainingCancelled(str(e) or "cancelled during training") from None
    say("describing", 0, 1, "measuring the latent dimensions")
    voice = fitted.voice
    measured_on = excerpts(frames)
    latents = canonical(voice, measure_latents(voice, measured_on))
    if stop():
        raise TrainingCancelled("cancelled before writing")
    say("describing", 1, 1, "")
    provs = [s.provenance or {} for s in sounds]
    authors = sorted({p.get("author") for p in provs if p.get("author")})
    licences = sorted({p.get("licence") for p in provs if p.get("licence")})
    voice.card = {
        "format": FORMAT, "name": name, "created_at": utc_now(), "livesamp": livesamp.__version__,
        "analysis_version": ANALYSIS_VERSION,
        "sources": [sources] if isinstance(sources, str) else list(sources),
        "summary": _summary(sounds, seconds),
        "author": author or (", ".join(authors) if authors else None),
        "licence": licence or (licences[0] if len(licences) == 1 else None),
        "params": param_count(voice.params), "seed": cfg.seed,
        "fit": {"steps": fitted.steps, "seconds": round(fitted.seconds, 2), "analysis_seconds": round(analysis_s, 2),
                "frames": len(data), "final_loss": round(fitted.history[-1][2], 5) if fitted.history else None},
        "audio_seconds": round(seconds, 2),
        "training": [{"label": s.label, "bank": s.bank, "sha256": s.sha256, "seconds": round(f.seconds, 3),
                      "provenance": s.provenance} for s, f in zip(sounds, frames)],
        "excluded": sorted(set(excluded)),
        "latents_measured_on": {"excerpts": len(measured_on),
                                "seconds": round(sum(f.seconds for f in measured_on), 2)},
        "latents": latents,
    }
    path = Path(out) if out is not None else voices_dir() / f"{name}.npz"
    save_voice(voice, path)
    voice.card["ident"] = ident(voice)
    voice.card["path"] = str(path)
    if register:
        try:
            from ..bank.index import LibraryIndex

            LibraryIndex().register_derived("voice", ident(voice), [s.sha256 for s in sounds], path=str(path),
                                            note=voice.card["summary"])
        except Exception:  # noqa: BLE001 - an unwritable index must not lose the model
            pass
    voice.card["took_s"] = round(time.perf_counter() - t_start, 2)
    voice.card["digest"] = digest(voice)
    return path, voice


# -- in a separate process ---------------------------------------------------------------

def _worker(name, sources, kwargs, queue, cancel_event, library_spec):
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent decides; it sets cancel_event
    try:
        os.nice(5)
    except OSError:
        pass
    try:
        library = None
        if library_spec is not None:
            from ..bank import DefaultBank, FolderBank, SampleLibrary

            banks = [DefaultBank() if b == "default" else FolderBank(b) for b in library_spec[0]]
            library = SampleLibrary(banks, sr=library_spec[1])
        path, voice = train_voice(name, sources, library=library, progress=lambda *a: queue.put(("progress",) + a),
                                  cancel=cancel_event.is_set, **kwargs)
        queue.put(("done", str(path), voice.card.get("summary"), voice.card.get("fit"), voice.card.get("latents"),
                   voice.card.get("excluded"), voice.card.get("params")))
    except TrainingCancelled as e:
        queue.put(("cancelled", str(e)))
    except BaseException as e:  # noqa: BLE001 - reported to the parent
        queue.put(("error", f"{type(e).__name__}: {e}"))


class TrainingJob:
    """A voice training in another process: ``poll()`` for messages, ``cancel()``, ``wait()``."""

    def __init__(self, process, queue, cancel_event):
        self.process, self.queue, self._cancel = process, queue, cancel_event
        self.result = None          # ("done", path, ...), ("cancelled", why) or ("error", message)

    def poll(self, timeout: float = 0.1) -> list:
        """Messages since the last call: ("progress", stage, done, total, note) ... and at the
        end one of "done", "cancelled" or "error"."""
        import queue as q

        out = []
        try:
            msg = self.queue.get(timeout=timeout)
            while True:
                out.append(msg)
                if msg[0] in ("done", "cancelled", "error"):
                    self.result = msg
                msg = self.queue.get_nowait()
        except q.Empty:
            pass
        if self.result is None and not self.process.is_alive() and not out:
            self.result = ("error", f"the training process ended without a word (exit code {self.process.exitcode})")
        return out

    @property
    def finished(self) -> bool:
        return self.result is not None

    def cancel(self, wait_s: float = 10.0) -> None:
        """Ask the process to stop (it stops within a training step), then end it if it does not."""
        self._cancel.set()
        self.process.join(wait_s)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(2.0)
        if self.result is None:
            self.result = ("cancelled", "cancelled")

    def wait(self, on_message=None):
        while self.result is None:
            for m in self.poll(0.2):
                if on_message is not None:
                    on_message(m)
        self.process.join(5.0)
        return self.result


def start_training(name: str, sources, *, banks=None, sr: int = 48000, **kwargs) -> TrainingJob:
    """``train_voice`` in a spawned process (one BLAS thread, lower priority). ``banks``: a
    list of folders / "default" for the library (default: the configured banks)."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    cancel_event = ctx.Event()
    library_spec = (list(banks), int(sr)) if banks is not None else None
    saved = {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    for k in saved:
        os.environ[k] = "1"
    try:
        p = ctx.Process(target=_worker, args=(name, sources, kwargs, queue, cancel_event, library_spec),
                        name=f"livesamp-train-{name}", daemon=True)
        p.start()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return TrainingJob(p, queue, cancel_event)
