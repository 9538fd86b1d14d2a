"""Mini-notation (TidalCycles/Strudel): ``mini("bd [sn hh]*2 <cp ~>")`` -> Pattern.

Parses and compiles exactly as Strudel 1.2.6 (``@strudel/mini``) does: the same
strings are accepted, and the resulting patterns give the same events,
random choices (``?``, ``|``) included.  Each hap's ``context["locations"]``
lists the ``(start, end)`` character spans of the atoms that produced it.
"""

from __future__ import annotations

from ..cache import cycle_cached
from .compile import catch_query_errors, compile_ast, word_value
from .errors import MiniSyntaxError
from .parser import parse

__all__ = ["mini", "parse", "MiniSyntaxError", "compile_ast", "word_value"]


def mini(text: str):
    """Parse mini-notation ``text`` into a Pattern.

    Raises :class:`MiniSyntaxError` (a ``ValueError``) when Strudel's parser
    would reject the string, e.g. ``mini("bd [sn")``.
    """
    tree = parse(text)  # cached
    return cycle_cached(catch_query_errors(compile_ast(tree)))
