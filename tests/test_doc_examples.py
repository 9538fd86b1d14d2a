"""The docstring examples of the pattern modules are doctests: `show(pat)` prints each hap of
the first cycle as `whole [part] | value`, and any mismatch fails here.

Every public pattern function must carry such an example (test_every_function_has_an_example).
"""
from __future__ import annotations

import doctest
import importlib
import inspect

import pytest

import livesamp
from livesamp.pattern.registry import registered
from livesamp.pattern.show import show

MODULES = ["core", "transform", "signal", "euclid", "sampling", "ops", "show"]

# public names that are helpers rather than pattern functions (no haps to show)
NOT_PATTERN_FUNCTIONS = {
    "core": {"lcm_steps", "is_pattern"},
    "signal": {"rand_at", "rands_at"},
    "euclid": {"bjorklund", "euclid_bits"},
}


def _extraglobs() -> dict:
    names = {name: getattr(livesamp, name) for name in livesamp.__all__}
    names["show"] = show
    return names


@pytest.mark.parametrize("name", MODULES)
def test_doc_examples(name):
    module = importlib.import_module(f"livesamp.pattern.{name}")
    result = doctest.testmod(module, extraglobs=_extraglobs(), optionflags=doctest.ELLIPSIS, report=True,
                             verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} doctest examples failed in {name}"
    assert result.attempted > 0


def _public_functions(module):
    for name, obj in vars(module).items():
        if name.startswith("_") or not callable(obj) or inspect.isclass(obj):
            continue
        if isinstance(obj, livesamp.Pattern):
            continue
        origin = getattr(obj, "__module__", None)
        if origin == module.__name__ or (origin == "livesamp.pattern.registry" and registered.get(name) is obj):
            yield name, obj


@pytest.mark.parametrize("name", [m for m in MODULES if m != "show"])
def test_every_function_has_an_example(name):
    module = importlib.import_module(f"livesamp.pattern.{name}")
    skip = NOT_PATTERN_FUNCTIONS.get(name, set())
    missing = [fname for fname, obj in _public_functions(module)
               if fname not in skip and ">>> show(" not in (obj.__doc__ or "")]
    assert not missing, f"public functions of {name} without a show() example: {missing}"


def test_methods_and_curried_functions_share_the_docstring():
    from livesamp import Pattern, fast

    assert ">>> show(" in Pattern.fast.__doc__
    assert fast.__doc__ == Pattern.fast.__doc__
