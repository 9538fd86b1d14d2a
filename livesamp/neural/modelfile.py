"""The model file: one ``.npz`` holding a voice's weights and its card.

Arrays: the network's parameters (``enc_w1`` ... ``dec_b3``), the encoder input
standardisation (``enc_mean``, ``enc_std``) and ``card``: JSON text saying what the voice
is. The card holds:

- ``name``, ``created_at``, ``livesamp`` (version), ``format``, ``analysis_version``, ``sr``;
- ``config`` (network shape, training schedule and ``seed``), ``params`` (count), ``fit``
  (steps, seconds, final loss);
- ``sources``: what was asked for (bank names, sound names, folders), so ``livesamp voice
  train NAME`` can retrain from the same sources;
- ``training``: every training sample: ``label``, ``bank``, ``sha256`` of its audio,
  ``seconds``, ``provenance`` (the sample's record as the bank holds it); ``excluded``:
  samples left out because their consent was revoked;
- ``latents``: per latent dimension, what moving it does, measured after training
  (``describe.py``): ``says`` ("brighter, breathier"), the spectral centroid, flatness and
  loudness at z = -2, -1, 0, 1, 2, and whether the centroid moves monotonically;
- ``summary``: one line for people ("trained on 112 samples (92 s) of the default bank").

``digest`` is the sha256 of the weights: ``voice:<name>@<digest[:12]>`` names the voice in
the library index's derived things (so revoking a training sample marks it stale).
Written atomically (temporary file, then rename): a cancelled or crashed training never
leaves half a model.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import numpy as np

from .model import Config
from .voice import Voice

__all__ = ["save_voice", "load_voice", "voice_bytes", "digest", "ident", "FORMAT", "READS", "PARAM_NAMES"]

FORMAT = 3   # 3: harmonics may be read from a spectral envelope (Config.envelope); 2: 96 harmonics
READS = (2, 3)   # format 2 is format 3 without the envelope: still played as it is
PARAM_NAMES = ("enc_w1", "enc_b1", "enc_w2", "enc_b2", "dec_w1", "dec_b1", "dec_w2", "dec_b2", "dec_w3", "dec_b3")


def digest(voice: Voice) -> str:
    h = hashlib.sha256()
    for k in PARAM_NAMES:
        h.update(np.ascontiguousarray(voice.params[k], np.float32).tobytes())
    h.update(np.ascontiguousarray(voice.enc_mean, np.float32).tobytes())
    h.update(np.ascontiguousarray(voice.enc_std, np.float32).tobytes())
    return h.hexdigest()


def ident(voice: Voice) -> str:
    return f"voice:{voice.name}@{digest(voice)[:12]}"


def voice_bytes(voice: Voice) -> bytes:
    """The model file's content."""
    card = dict(voice.card)
    card.setdefault("format", FORMAT)
    card["config"] = voice.config.to_dict()
    card["sr"] = voice.sr
    buf = io.BytesIO()
    arrays = {k: np.asarray(voice.params[k], np.float32) for k in PARAM_NAMES}
    text = np.frombuffer(json.dumps(card, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), np.uint8)
    np.savez(buf, card=text, enc_mean=voice.enc_mean.astype(np.float32),
             enc_std=voice.enc_std.astype(np.float32), **arrays)
    return buf.getvalue()


def save_voice(voice: Voice, path: str | Path) -> Path:
    """Write the model file atomically; returns its path."""
    from ..bank.cache import atomic_write

    data = voice_bytes(voice)
    path = Path(path)
    atomic_write(path, lambda f: f.write(data))
    return path


def load_voice(path: str | Path) -> Voice:
    """Read a model file; ``ValueError`` (naming the file) if it is not one."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as z:
            card = json.loads(z["card"].tobytes().decode("utf-8"))
            params = {k: z[k] for k in PARAM_NAMES}
            mean, std = z["enc_mean"], z["enc_std"]
    except (OSError, KeyError, ValueError, EOFError) as err:
        raise ValueError(f"{str(path)!r} is not a livesamp voice model: {err}") from err
    if card.get("format") not in READS:
        raise ValueError(f"{str(path)!r} is a voice model of format {card.get('format')!r}; this livesamp reads "
                         f"formats {' and '.join(map(str, READS))}: retrain it (livesamp voice train {path.stem} "
                         f"SOURCES)")
    cfg = Config.from_dict(card.get("config", {}))
    return Voice(params, mean, std, cfg, card, sr=int(card.get("sr", 48000)))
