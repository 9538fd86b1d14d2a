"""Neural voice: quality, speed and safety, the figures of issue 10, in one command.

    .venv/bin/python bench/neural_quality.py              # every data set available
    .venv/bin/python bench/neural_quality.py --quick      # the default bank only, 600 steps
    .venv/bin/python bench/neural_quality.py --json out.json
    .venv/bin/python bench/neural_quality.py --sets ambi,guit --folds 1   # one fold: faster

Runs on one core (one BLAS thread, set before numpy loads). Times are wall clock and CPU
seconds of this process (on a shared machine the CPU time is the fairer figure).

Data. ``default``: livesamp's default bank (108 synthesised samples, 92 s; always there).
If Debian's ``sonic-pi-samples`` is installed (CC0 recordings, /usr/share/sonic-pi/samples):
``ambi`` (11 files, 54 s: the "1 minute" set), ``guit`` (4 files, 24 s) and ``five`` (every
file but drum_* and elec_*: 120 files, 290 s: the "5 minutes" set); the 45 drum_* and
elec_* one-shots are the transfer set, never trained on. Everything is resampled to 48 kHz.

Held-out protocol: 5-fold cross-validation. Each sound is cut into 1 s chunks (100
analysis frames); in fold f, chunk c is held out when c % 5 == f and the others train, so
over the five folds every second of the set is held out once (fold 0 holds out every
sound's first second, its onset: the hardest). The default bank's sounds are mostly
shorter than that: there sound i is held out whole in fold i % 5 (sounds never heard in
training). Every method below renders the held-out chunks from the same analysis with the
same synthesiser and is scored against the original chunk; the figures are pooled over
the folds (weighted by held-out length) and given per fold. ``--folds 1`` runs fold 4 only.

Log-mel distance (``livesamp.neural.metrics.logmel_distance``): 2048-point Hann STFT every
512 samples, 64 HTK-mel triangles 20 Hz-20 kHz summing the power spectrum, band power
in dB of mean square (a full-scale sine reads -3 dB) floored at -80 dB; the mean absolute
difference over all bands and frames, weighted by chunk length. Lower is better.

Methods. ``model``: the trained voice, z from the encoder, loudness lock on (``follow``,
the default when playing) and off. ``oracle``: the synthesiser driven by the analysis
targets themselves (the ceiling of this synth and analysis). ``noise``: white noise
shaped by the original's RMS contour (20 ms windows every 10 ms). ``nn``: nearest-
neighbour frame lookup on the model's own inputs (standardised conditioning x 3 and the
centre frame's standardised log-mel shape x w, w swept over 0.03..3, the best kept),
copying that training frame's harmonic and noise controls shifted to the query's loudness,
rendered at the query's pitch, with and without the same loudness lock (best kept).

Transfer: every drum_*/elec_* one-shot through the voice trained on ``ambi`` (tonal) and on
``guit``, encoder z, follow on: finite, non-silent (output RMS within 30 dB of the
source's), the highest frame level over the source's, and the Pearson r of the A-weighted
loudness contours (10 ms frames within 50 dB of the source's loudest). Latents: per voice,
how many of the 4 dimensions move the spectral centroid monotonically over z = -2..2
(``describe.measure_latents``: each dimension pinned over excerpts of the training
material, as a pattern's ``.z0(...)`` does; the median frame's centroid).
"""
from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from livesamp.neural import features as F  # noqa: E402
from livesamp.neural import metrics as M  # noqa: E402
from livesamp.neural import synth as S  # noqa: E402
from livesamp.neural.build import config_for  # noqa: E402
from livesamp.neural.describe import canonical, excerpts, measure_latents  # noqa: E402
from livesamp.neural.model import param_count  # noqa: E402
from livesamp.neural.modelfile import voice_bytes  # noqa: E402
from livesamp.neural.train import examples, fit  # noqa: E402
from livesamp.neural.voice import analytic_loudness, conditioning, frame_rms_db, guard  # noqa: E402

SR = 48000
SONIC = Path("/usr/share/sonic-pi/samples")
CHUNK = 100
EVERY = 5


class Clock:
    def __enter__(self):
        self.w, self.c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.w, time.process_time() - self.c


def load_set(name: str) -> list[tuple[str, np.ndarray]]:
    if name == "default":
        from livesamp.bank import default_library

        lib = default_library(SR)
        return [(f"{n}:{i}", lib.get(n, i).audio().mean(axis=1)) for n in lib.names()
                for i in range(lib.count(n))]
    import soundfile as sf

    from livesamp.bank.base import to_engine_audio

    if name == "ambi":
        files = sorted(SONIC.glob("ambi_*.flac"))
    elif name == "guit":
        files = sorted(SONIC.glob("guit_*.flac"))
    elif name == "five":
        files = sorted(f for f in SONIC.glob("*.flac") if not f.name.startswith(("drum_", "elec_")))
    elif name == "transfer":
        files = sorted(f for f in SONIC.glob("*.flac") if f.name.startswith(("drum_", "elec_")))
    else:
        raise ValueError(name)
    out = []
    for f in files:
        x, rate = sf.read(str(f), dtype="float32", always_2d=True)
        out.append((f.stem, to_engine_audio(x, rate, SR).mean(axis=1)))
    return out


def split(sounds, frames, fold=EVERY - 1):
    """(training analyses, held-out (analysis, audio) chunks): chunk c of every sound is held
    out when c % EVERY == fold."""
    train, held = [], []
    for (_, a), fr in zip(sounds, frames):
        n = len(fr)
        for c, s in enumerate(range(0, n, CHUNK)):
            e = min(n, s + CHUNK)
            part = fr.slice(s, e)
            if c % EVERY == fold:
                held.append((part, a[s * fr.hop:(e - 1) * fr.hop + 1]))
            else:
                train.append(part)
    return train, held


def split_by_sound(sounds, frames, fold=EVERY - 1):
    """Sound i held out whole when i % EVERY == fold (for banks of short one-shots:
    generalisation to sounds never heard)."""
    train, held = [], []
    for i, ((_, a), fr) in enumerate(zip(sounds, frames)):
        if i % EVERY == fold:
            held.append((fr, a[:(len(fr) - 1) * fr.hop + 1]))
        else:
            train.append(fr)
    return train, held


def score(held, render) -> float:
    total = weight = 0.0
    for fr, chunk in held:
        out = render(fr, chunk)
        total += M.logmel_distance(chunk, out, SR) * len(chunk)
        weight += len(chunk)
    return total / weight


def noise_render(seed=0):
    rng = np.random.default_rng(seed)

    def render(fr, chunk):
        env = np.interp(np.arange(len(chunk)), np.arange(len(fr)) * fr.hop, frame_rms_db(chunk, fr.hop, len(fr)))
        return rng.standard_normal(len(chunk)) * 10 ** (env / 20)

    return render


def oracle_render(fr, chunk):
    return S.render(fr.f0, fr.harm, fr.noise, SR, fr.hop, len(chunk))


class NearestFrame:
    """The nearest-neighbour frame lookup baseline (see the module docstring)."""

    def __init__(self, train_frames):
        keep = [fr.loudness > -70 for fr in train_frames]
        self.cond = np.concatenate([conditioning(fr)[k] for fr, k in zip(train_frames, keep)]).astype(np.float64)
        self.shape = np.concatenate([(fr.logmel - fr.loudness[:, None])[k] for fr, k in zip(train_frames, keep)])
        self.harm = np.concatenate([fr.harm[k] for fr, k in zip(train_frames, keep)]).astype(np.float64)
        self.noise = np.concatenate([fr.noise[k] for fr, k in zip(train_frames, keep)]).astype(np.float64)
        self.loud = np.concatenate([fr.loudness[k] for fr, k in zip(train_frames, keep)]).astype(np.float64)
        self.cm, self.cs = self.cond.mean(0), self.cond.std(0) + 1e-6
        self.sm, self.ss = self.shape.mean(0), self.shape.std(0) + 1e-6

    def renderer(self, w_shape: float, lock: bool, w_cond: float = 3.0):
        db = np.concatenate([(self.cond - self.cm) / self.cs * w_cond, (self.shape - self.sm) / self.ss * w_shape], 1)
        dn = (db * db).sum(1)

        def render(fr, chunk):
            q = np.concatenate([(conditioning(fr) - self.cm) / self.cs * w_cond,
                                (fr.logmel - fr.loudness[:, None] - self.sm) / self.ss * w_shape], 1)
            j = np.argmin((q * q).sum(1)[:, None] - 2 * q @ db.T + dn[None, :], axis=1)
            g = 10 ** ((np.maximum(fr.loudness, -120) - self.loud[j]) / 20)[:, None]
            harm, noise = self.harm[j] * g, self.noise[j] * g
            k = np.arange(1, F.N_HARM + 1)
            harm = np.where(k[None, :] * fr.f0[:, None] < F.HARM_TOP * SR, harm, 0.0)
            if lock:
                ms = analytic_loudness(harm, noise, fr.f0.astype(np.float64), SR)
                gain = np.minimum(np.sqrt(10 ** (np.maximum(fr.loudness, -120) / 10) / np.maximum(ms, 1e-30)), 10.0)
                harm, noise = harm * gain[:, None], noise * gain[:, None]
            return guard(S.render(fr.f0, harm, noise, SR, fr.hop, len(chunk)), fr, chunk)

        return render


def rtf(voice, sounds) -> float:
    """Seconds of audio per CPU second for one voice (decoder, lock, synth, guard), over the
    longest sounds of the set, analysis excluded (done once per sample, when it is loaded)."""
    longest = sorted(sounds, key=lambda s: -len(s[1]))[:4]
    frames = [F.analyse(a, SR) for _, a in longest]
    voice.render(frames[0], source=longest[0][1])
    with Clock() as c:
        for fr, (_, a) in zip(frames, longest):
            voice.render(fr, source=a)
    return sum(len(a) for _, a in longest) / SR / c.cpu


def score_fold(sounds, frames, splitter, fold, cfg, log=print):
    """Train on every fold but ``fold``, score every method on ``fold``: (figures, voice,
    training analyses)."""
    train, held = splitter(sounds, frames, fold)
    data = examples(train, cfg.context)
    with Clock() as ct:
        voice = fit(data, cfg).voice
    r = {"fold": fold, "held_seconds": round(sum(len(c) for _, c in held) / SR, 2),
         "train_wall_s": round(ct.wall, 1), "train_cpu_s": round(ct.cpu, 1)}
    r["model_lock"] = score(held, lambda fr, c: voice.render(fr, follow=True, source=c))
    r["model_nolock"] = score(held, lambda fr, c: voice.render(fr, follow=False, source=c))
    r["oracle"] = score(held, lambda fr, c: guard(oracle_render(fr, c), fr, c))
    r["noise"] = score(held, noise_render())
    nn = NearestFrame(train)
    sweep = {}
    for w in (0.03, 0.1, 0.3, 1.0, 3.0):
        for lock in (False, True):
            sweep[f"w{w}{'_lock' if lock else ''}"] = score(held, nn.renderer(w, lock))
    r["nn_sweep"] = sweep
    log(f"  fold {fold}: held out {r['held_seconds']} s; model {r['model_lock']:.3f}, oracle {r['oracle']:.3f}, "
        f"noise {r['noise']:.3f} ({r['noise'] / r['model_lock']:.2f}x), nn {min(sweep.values()):.3f}; "
        f"train {ct.cpu:.1f} s CPU")
    return r, voice, train


METHODS = ("model_lock", "model_nolock", "oracle", "noise")


def run_set(name, steps=None, folds=EVERY, log=print) -> dict:
    """Quality by k-fold cross-validation over the set's 1 s chunks (``folds`` of the EVERY
    folds, each held out once); the voice of the last fold is the one whose speed,
    latents and transfer are measured."""
    sounds = load_set(name)
    seconds = sum(len(a) for _, a in sounds) / SR
    F.analyse(sounds[0][1][:SR], SR)                      # compile / load the kernels first
    with Clock() as ca:
        frames = [F.analyse(a, SR) for _, a in sounds]
    splitter = split_by_sound if name == "default" else split
    cfg = config_for(seconds, seed=0, steps=steps)
    log(f"[{name}] {len(sounds)} files, {seconds:.0f} s; analysis {ca.cpu:.2f} s CPU; "
        f"{cfg.steps} steps, hidden {cfg.hidden}; {folds} of {EVERY} folds")
    per_fold = []
    for fold in range(EVERY - folds, EVERY):
        r, voice, train = score_fold(sounds, frames, splitter, fold, cfg, log)
        per_fold.append(r)
    weights = np.array([r["held_seconds"] for r in per_fold])
    pooled = {k: float(np.dot(weights, [r[k] for r in per_fold]) / weights.sum()) for k in METHODS}
    nn_pooled = {k: float(np.dot(weights, [r["nn_sweep"][k] for r in per_fold]) / weights.sum())
                 for k in per_fold[0]["nn_sweep"]}
    best = min(nn_pooled, key=nn_pooled.get)
    last = per_fold[-1]
    res = {"set": name, "files": len(sounds), "seconds": round(seconds, 1),
           "held_seconds": round(float(weights.sum()), 1), "folds": folds,
           "params": param_count(voice.params), "model_kb": round(len(voice_bytes(voice)) / 1024, 1),
           "hidden": cfg.hidden, "steps": cfg.steps,
           "analysis_wall_s": round(ca.wall, 2), "analysis_cpu_s": round(ca.cpu, 2),
           "analysis_x_realtime": round(seconds / ca.cpu, 1),
           "train_wall_s": last["train_wall_s"], "train_cpu_s": last["train_cpu_s"]}
    for k in METHODS:
        res[k] = round(pooled[k], 3)
    res["nn_best"] = round(nn_pooled[best], 3)
    res["nn_best_setting"] = best
    res["nn_sweep"] = {k: round(v, 3) for k, v in nn_pooled.items()}
    res["excess_over_oracle_db"] = round(res["model_lock"] - res["oracle"], 3)
    res["noise_ratio"] = round(pooled["noise"] / pooled["model_lock"], 2)
    res["model_minus_nn_db"] = round(res["model_lock"] - res["nn_best"], 3)
    res["per_fold"] = [{"fold": r["fold"], "held_seconds": r["held_seconds"], "train_cpu_s": r["train_cpu_s"],
                        **{k: round(r[k], 3) for k in METHODS}, "nn_best": round(min(r["nn_sweep"].values()), 3),
                        "noise_ratio": round(r["noise"] / r["model_lock"], 2)} for r in per_fold]
    res["noise_ratio_worst_fold"] = min(r["noise_ratio"] for r in res["per_fold"])
    res["rtf"] = round(rtf(voice, sounds), 1)
    measured = canonical(voice, measure_latents(voice, excerpts(train)))
    res["latents"] = [{"says": m["says"], "centroid_hz": m["centroid_hz"], "noise_share": m["noise_share"],
                       "monotonic": m["monotonic"]} for m in measured]
    res["monotonic_dims"] = sum(m["monotonic"] for m in measured)
    log(f"[{name}] log-mel dB over {folds} folds ({res['held_seconds']} s held out): model {res['model_lock']} "
        f"(no lock {res['model_nolock']}), oracle {res['oracle']}, noise {res['noise']} ({res['noise_ratio']}x; "
        f"worst fold {res['noise_ratio_worst_fold']}x), nn {res['nn_best']} ({best}); RTF {res['rtf']}x; "
        f"monotonic latents {res['monotonic_dims']}/4")
    res["_voice"] = voice
    return res


def transfer(voice, sounds) -> dict:
    rs, over, quiet, finite = [], [], [], 0
    for label, src in sounds:
        fr = F.analyse(src, SR)
        out = voice.render(fr, follow=True, source=src)
        finite += bool(np.isfinite(out).all())
        quiet.append(M.rms_db(out) - M.rms_db(src))
        sdb = frame_rms_db(src, fr.hop, len(fr))
        odb = frame_rms_db(out, fr.hop, len(fr))
        loud = sdb > sdb.max() - 50
        over.append(float(np.max((odb - sdb)[loud])) if loud.any() else 0.0)
        if len(fr) >= 10:        # r over a handful of frames means little
            r = M.loudness_correlation(src, out, SR)
            if np.isfinite(r):
                rs.append(r)
    return {"n": len(sounds), "finite": finite, "non_silent": int(sum(q > -30 for q in quiet)),
            "rms_change_db_min": round(min(quiet), 1), "rms_change_db_max": round(max(quiet), 1),
            "frame_over_source_db_max": round(max(over), 1), "loudness_r_median": round(float(np.median(rs)), 4),
            "loudness_r_min": round(float(np.min(rs)), 4), "loudness_r_n": len(rs)}


def end_to_end(name: str, steps=None) -> dict:
    """``train_voice`` as ``livesamp voice train`` runs it (all frames, latents described,
    model written), in this process, timed."""
    import tempfile

    from livesamp.neural.build import train_voice

    sounds = load_set(name)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / name
        folder.mkdir()
        import soundfile as sf

        for label, a in sounds:
            sf.write(folder / f"{label.replace(':', '_')}.wav", a, SR, subtype="FLOAT")
        os.environ["LIVESAMP_DATA_DIR"] = str(Path(tmp) / "data")
        from livesamp.bank import SampleLibrary

        stages = {}
        last = [time.process_time(), "start"]

        def progress(stage, done, total, note):
            if stage != last[1]:
                now = time.process_time()
                stages[last[1]] = round(now - last[0], 2)
                last[:] = [now, stage]

        with Clock() as c:
            path, voice = train_voice(name, [str(folder)], library=SampleLibrary([], sr=SR), steps=steps,
                                      progress=progress, register=False)
        stages[last[1]] = round(time.process_time() - last[0], 2)
        return {"set": name, "wall_s": round(c.wall, 1), "cpu_s": round(c.cpu, 1), "stages_cpu_s": stages,
                "file_kb": round(path.stat().st_size / 1024, 1), "params": param_count(voice.params)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="the default bank only, 600 steps")
    ap.add_argument("--sets", default=None, help="comma-separated: default, ambi, guit, five")
    ap.add_argument("--json", default=None, help="write the figures here")
    ap.add_argument("--folds", type=int, default=EVERY, choices=range(1, EVERY + 1),
                    help=f"cross-validation folds to run (default all {EVERY}; 1: the last fold only)")
    args = ap.parse_args(argv)
    sonic = SONIC.is_dir()
    sets = args.sets.split(",") if args.sets else (["default"] + (["ambi", "guit", "five"] if sonic else []))
    if args.quick:
        sets = ["default"]
    if not sonic:
        print("sonic-pi-samples is not installed (apt-get install sonic-pi-samples): default bank only")
    steps = 600 if args.quick else None
    results = {"sets": [], "transfer": {}, "end_to_end": [], "machine": {"cpus": os.cpu_count(),
               "load_avg": os.getloadavg(), "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS")}}
    voices = {}
    for name in sets:
        r = run_set(name, steps, 1 if args.quick else args.folds)
        voices[name] = r.pop("_voice")
        results["sets"].append(r)
    if sonic and not args.quick:
        shots = load_set("transfer")
        for name in ("ambi", "guit"):
            if name in voices:
                t = transfer(voices[name], shots)
                results["transfer"][name] = t
                print(f"[transfer via {name}] {t}")
        for name in ("ambi", "five"):
            if name in sets:
                e = end_to_end(name)
                results["end_to_end"].append(e)
                print(f"[voice train {name}] {e}")
    elif args.quick:
        pass
    print(json.dumps(results, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
