"""Provenance cards: what the audience is told about a sound, and nothing more.

A card holds the sample's name and variant, how it was made ("synthesised by livesamp's
default bank", or "recorded") and the provenance fields the performer chose to publish.
Fields that hold file paths or file identities (`source` of a recording, `source_file`,
`original_name`, `image`, `sha256`) and consent records are never published; the
publishable ones are `PUBLISHABLE`, the default choice `DEFAULT_PUBLISH`.

>>> from livesamp.bank.provenance import Provenance
>>> class S: name, index, provenance = "thud", 0, Provenance(
...     "synthesised by livesamp's default bank", "low sine", licence="CC0-1.0", author="livesamp")
>>> card_for(S, "c1")
{'k': 'c1', 'name': 'thud', 'n': 0, 'made': "synthesised by livesamp's default bank", \
'recipe': 'low sine', 'author': 'livesamp', 'licence': 'CC0-1.0'}
"""
from __future__ import annotations

__all__ = ["PUBLISHABLE", "DEFAULT_PUBLISH", "PRIVATE", "card_for", "check_publish"]

# in the order a card shows them
PUBLISHABLE = ("recipe", "recorded_at", "place", "author", "device", "licence", "notes")
DEFAULT_PUBLISH = ("recipe", "recorded_at", "place", "author", "licence")
PRIVATE = ("source", "source_file", "original_name", "image", "sha256", "consent", "seed")
_MAX_FIELD = 160


def check_publish(fields) -> tuple[str, ...]:
    """The fields to publish, checked: names from PUBLISHABLE (a comma-separated string or a
    sequence; "none" publishes only name and kind)."""
    if fields is None:
        return DEFAULT_PUBLISH
    if isinstance(fields, str):
        fields = [f.strip() for f in fields.split(",") if f.strip()]
    fields = tuple(fields)
    if fields in (("none",), ()):
        return ()
    for f in fields:
        if f in PRIVATE:
            raise ValueError(f"provenance field {f!r} is never published (file paths and consent "
                             f"records stay private); publishable: {', '.join(PUBLISHABLE)}")
        if f not in PUBLISHABLE:
            raise ValueError(f"unknown provenance field {f!r}; publishable: {', '.join(PUBLISHABLE)}")
    return tuple(f for f in PUBLISHABLE if f in fields)


def card_for(sample, key: str, publish=None) -> dict:
    """The card for `sample` (name, index, provenance), under `key`."""
    fields = DEFAULT_PUBLISH if publish is None else publish
    prov = getattr(sample, "provenance", None)
    card = {"k": key, "name": str(getattr(sample, "name", "?")), "n": int(getattr(sample, "index", 0))}
    if prov is None:
        card["made"] = "provenance unknown"
        return card
    if prov.is_synthesised:
        card["made"] = "synthesised by livesamp's default bank" if "livesamp" in prov.source else "synthesised"
    elif prov.source.startswith("resampled"):
        card["made"] = "resampled from this performance"
    elif prov.source.startswith("resynthesised"):   # a neural voice: the model card (livesamp/neural/play.py)
        card["made"] = prov.source
    else:
        card["made"] = "recorded"
    for f in fields:
        v = getattr(prov, f, None)
        if v is None or v == "":
            continue
        v = str(v)
        card[f] = v if len(v) <= _MAX_FIELD else v[:_MAX_FIELD - 1] + "…"
    if "licence" in fields and "licence" not in card:
        card["licence"] = "licence unknown"
    return card
