"""The performer's vocabulary: every pattern function, signal and control by name.

Names are snake_case; Strudel's camelCase spellings are accepted as aliases
(`degradeBy` is `degrade_by`).
"""
from __future__ import annotations

import re

from . import controls, euclid, ops, sampling, signal, transform  # noqa: F401 (registration)
from .core import (arrange, cat, fastcat, nothing, polymeter, pure, reify, seq, sequence, silence,
                   slowcat, stack, stepcat, timecat)
from .mini import MiniSyntaxError, mini
from .registry import registered

__all__ = ["VOCABULARY", "camel_case"]


def camel_case(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _build() -> dict[str, object]:
    vocab: dict[str, object] = {}
    vocab.update(registered)
    for name in signal.__all__:
        vocab[name] = getattr(signal, name)
    vocab.update({
        "mini": mini, "MiniSyntaxError": MiniSyntaxError, "pure": pure, "reify": reify,
        "silence": silence, "nothing": nothing, "stack": stack, "cat": cat, "slowcat": slowcat,
        "fastcat": fastcat, "seq": seq, "sequence": sequence, "timecat": timecat, "stepcat": stepcat,
        "polymeter": polymeter, "arrange": arrange, "superimpose": transform.superimpose,
        "layer": transform.layer, "choose_with": signal.choose_with, "choose_in_with": signal.choose_in_with,
        "bjorklund": euclid.bjorklund,
    })
    for name in ("set", "keep", "add", "sub", "mul", "div", "mod", "pow", "struct", "mask"):
        vocab[name] = getattr(ops, name)
    vocab.update(controls.setters())
    # Pattern methods get camelCase aliases too
    from .core import Pattern

    for name in list(vocab):
        if "_" in name.strip("_") and re.fullmatch(r"[a-z][a-z0-9_]*", name):
            camel = camel_case(name)
            vocab.setdefault(camel, vocab[name])
            if hasattr(Pattern, name) and not hasattr(Pattern, camel):
                setattr(Pattern, camel, getattr(Pattern, name))
                if hasattr(Pattern, "_" + name):
                    setattr(Pattern, "_" + camel, getattr(Pattern, "_" + name))
    return vocab


VOCABULARY = _build()
