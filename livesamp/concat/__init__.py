"""Corpus-based concatenative synthesis: play a sample collection by what it sounds like.

>>> d3 << corpus("default").target("<bright dark>*4").taboo(4)      # doctest: +SKIP
>>> d4 << corpus("swoosh", max_s=0.2).target(centroid=3000, loudness=-12).fast(2)  # doctest: +SKIP
>>> m = mosaic("hum", corpus="default")     # hum rebuilt from the other sounds' units  # doctest: +SKIP

- ``corpus(source, ...)``: the samples of a bank, a sound, a name family or a list, cut
  into units (``analysis.py``), described, cached (``cache.py``), searchable
  (``knn.py``); a ``CorpusPattern`` (``pattern.py``) choosing units for targets given as
  words or descriptor values (``space.py`` has the table of both).
- ``mosaic(target, corpus=...)``: a target sample rebuilt from corpus units (``mosaic.py``).

Every unit plays as a sampler voice on its source sample (begin/end at the unit's bounds,
short attack/release as crossfades) and names that sample, so the audience view credits it.
Importing this package loads no numba kernel and reads nothing.
"""

from __future__ import annotations

from .analysis import DESCRIPTORS, Segmentation
from .corpus import Corpus, CorpusWarning
from .mosaic import Mosaic, MosaicBank
from .pattern import CorpusPattern
from .space import COMPOUNDS, WORDS

__all__ = ["corpus", "mosaic", "Corpus", "CorpusPattern", "CorpusWarning", "Mosaic", "Segmentation",
           "MosaicBank", "DESCRIPTORS", "WORDS", "COMPOUNDS", "session_verbs"]

_SEGMENTATION_FIELDS = ("mode", "min_s", "max_s", "unit_s", "threshold_db", "floor_db")


def _make_corpus(source, library, segmentation, name, progress, seg_fields) -> Corpus:
    if isinstance(source, CorpusPattern):
        return source.corpus
    if isinstance(source, Corpus):
        return source
    unknown = set(seg_fields) - set(_SEGMENTATION_FIELDS)
    if unknown:
        raise TypeError(f"corpus() got unknown options {sorted(unknown)}; segmentation takes "
                        f"{', '.join(_SEGMENTATION_FIELDS)}")
    if seg_fields:
        base = segmentation if isinstance(segmentation, Segmentation) else Segmentation(**(segmentation or {}))
        segmentation = Segmentation(**{**base.__dict__, **seg_fields})
    return Corpus(source, library=library, segmentation=segmentation, name=name, progress=progress)


def corpus(source, *, library=None, segmentation=None, name: str | None = None, progress=None,
           **segmentation_fields) -> CorpusPattern:
    """Units of ``source`` (a bank, sound, name family, ``"*"`` or a list; see
    ``sources.py``) as a pattern: one random unit per cycle until ``.target(...)`` says
    which. Segmentation options go by name: ``corpus("field", min_s=0.1, max_s=1.0)``,
    ``corpus("field", mode="fixed", unit_s=0.25)``. Built (or read from its cache) when
    first played or queried; ``library`` defaults to the configured banks (in a session:
    the session's)."""
    return CorpusPattern(_make_corpus(source, library, segmentation, name, progress, segmentation_fields))


def mosaic(target, corpus="default", *, library=None, k: int = 1, seed: float = 0, weights: dict | None = None,
           xfade_s: float = 0.01, match_loudness: bool = True, **segmentation_fields) -> Mosaic:
    """``target`` (a sound name, ``"name:n"``, or float audio (frames,) / (frames, 2) at the
    library rate) rebuilt from the units of ``corpus`` (a source as for ``corpus()``, or a
    corpus pattern). See ``mosaic.py``."""
    from .mosaic import make_mosaic

    c = _make_corpus(corpus, library, None, None, None, segmentation_fields)
    if isinstance(target, str):
        name, _, n_text = target.partition(":")
        sample = c.library().get(name, int(n_text) if n_text else 0)
        audio, label = sample.audio(), sample.label
    else:
        import numpy as np

        audio = np.asarray(target, dtype=np.float32)
        if audio.ndim == 1:
            audio = np.repeat(audio[:, None], 2, axis=1)
        label = "audio"
    return make_mosaic(c, audio, label, k=k, seed=seed, weights=weights, xfade_s=xfade_s,
                       match_loudness=match_loudness)


def session_verbs(session) -> dict:
    """``corpus`` and ``mosaic`` bound to a session: its current library, and a mosaic's
    render added as a sample (``s("hum_mosaic")``). Corpora are kept by source and
    options, and refreshed (rebuilt if their samples changed) when asked for again."""
    kept: dict = {}
    mosaics = MosaicBank()

    def library():
        return session.library

    def session_corpus(source, *, segmentation=None, name=None, progress=None, **fields) -> CorpusPattern:
        if isinstance(source, (Corpus, CorpusPattern)):
            return corpus(source)
        key = (repr(source), repr(segmentation), name, tuple(sorted(fields.items())))
        c = kept.get(key)
        if c is None:
            c = kept[key] = _make_corpus(source, library, segmentation, name, progress, fields)
        elif c.built:
            c.refresh()
        return CorpusPattern(c)

    def session_mosaic(target, corpus="default", **options) -> Mosaic:
        if isinstance(corpus, str):
            seg = {k: options.pop(k) for k in list(options) if k in _SEGMENTATION_FIELDS}
            corpus = session_corpus(corpus, **seg)
        m = mosaic(target, corpus, library=library, **options)
        mosaics.add(m)
        session.add_bank(mosaics, first=False)  # no-op once the session holds it
        return m

    session_corpus.__doc__ = corpus.__doc__
    session_mosaic.__doc__ = mosaic.__doc__
    session_corpus.__name__, session_mosaic.__name__ = "corpus", "mosaic"
    return {"corpus": session_corpus, "mosaic": session_mosaic}
