"""livesamp's default bank: onomatopoeic sounds synthesised on the performer's machine.

Nothing is shipped or downloaded: the recipes in ``recipes.py`` synthesise every sound
deterministically (seeded numpy) at 48 kHz in about a second and a half. The result is
cached in the user data folder (``paths.bank_cache_dir("default") / <version>``) and
loaded from there afterwards; the version is a hash of the recipe code and table, so
changing a recipe regenerates (and removes the caches of other versions). Importing
this package generates nothing.
"""

from __future__ import annotations

import hashlib
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..base import to_engine_audio
from ..cache import CACHE_FORMAT, CacheError, prune_other_versions, read_cache, write_cache
from ..errors import BankWarning
from ..paths import bank_cache_dir
from ..provenance import SYNTHESISED_SOURCE, Provenance

if TYPE_CHECKING:
    from .recipes import Recipe

__all__ = ["DefaultBank", "NATIVE_SR"]

NATIVE_SR = 48000
_HASHED_SOURCES = ("synth.py", "recipes.py")


class DefaultBank:
    """The synthesised onomatopoeic bank (``big_swoosh``, ``thud``, ``tss``, ...).

    ``cache_dir``: folder holding one sub-folder per recipe version (default:
    ``<data dir>/banks/default``, resolved when first needed). ``use_cache=False``
    generates in memory only. ``recipes``: a replacement recipe table (tests, forks).
    After audio was first needed, ``loaded_from`` says "cache" or "generated".
    """

    name = "default"

    def __init__(self, *, cache_dir: str | Path | None = None, use_cache: bool = True,
                 recipes: tuple[Recipe, ...] | None = None) -> None:
        self._cache_dir = Path(cache_dir).expanduser() if cache_dir is not None else None
        self._use_cache = use_cache
        self._recipes_arg = recipes
        self._table_cache: dict[str, Recipe] | None = None
        self._version: str | None = None
        self._native: dict[tuple[str, int], np.ndarray] | None = None
        self._audio: dict[tuple[str, int, int], np.ndarray] = {}
        self._lock = threading.RLock()
        self.loaded_from: str | None = None

    # -- catalogue (no audio) ----------------------------------------------------------

    def _table(self) -> dict[str, Recipe]:
        if self._table_cache is None:
            if self._recipes_arg is None:
                from .recipes import RECIPES

                recipes = RECIPES
            else:
                recipes = self._recipes_arg
            table = {}
            for r in recipes:
                if r.name in table:
                    raise ValueError(f"recipe name {r.name!r} appears twice in the table")
                table[r.name] = r
            self._table_cache = table
        return self._table_cache

    def names(self) -> list[str]:
        return sorted(self._table())

    def count(self, name: str) -> int:
        r = self._table().get(name)
        return r.variants if r is not None else 0

    def provenance(self, name: str, index: int) -> Provenance:
        from .recipes import recipe_seed

        r = self._table()[name]
        if not 0 <= index < r.variants:
            raise IndexError(f"{name} has variants 0..{r.variants - 1}, got {index}")
        return Provenance(
            source=SYNTHESISED_SOURCE,
            recipe=r.text,
            seed=recipe_seed(name, index),
            licence="CC0-1.0",
            author="livesamp",
            notes=f"variant {index} of {r.variants}, {r.kind}, 48 kHz numpy synthesis",
        )

    def version(self) -> str:
        """Hash of the synthesis code, the recipe table and the numpy RNG generation."""
        if self._version is None:
            h = hashlib.sha256()
            h.update(f"format={CACHE_FORMAT};sr={NATIVE_SR};numpy={'.'.join(np.__version__.split('.')[:2])}".encode())
            here = Path(__file__).parent
            for fname in _HASHED_SOURCES:
                try:
                    h.update((here / fname).read_bytes())
                except OSError:  # e.g. running from a zip: fall back to the table alone
                    h.update(fname.encode())
            for r in self._table().values():
                fields = (r.name, r.variants, r.text, r.kind, r.peak_db, r.max_rms_db, r.fade_in_s,
                          r.fade_out_s, r.version, r.make.__module__, r.make.__qualname__)
                h.update(repr(fields).encode())
            self._version = h.hexdigest()[:16]
        return self._version

    def cache_folder(self) -> Path:
        """Where this version's cache lives (not created until written)."""
        base = self._cache_dir if self._cache_dir is not None else bank_cache_dir(self.name)
        return base / self.version()

    # -- audio -------------------------------------------------------------------------

    def generate(self) -> dict[tuple[str, int], np.ndarray]:
        """Synthesise every variant now (no cache): float32 mono or (frames, 2) at 48 kHz."""
        from .recipes import render

        return {(r.name, i): render(r, i) for r in self._table().values() for i in range(r.variants)}

    def _ensure(self) -> dict[tuple[str, int], np.ndarray]:
        with self._lock:
            if self._native is None:
                self._native = self._load_or_generate()
            return self._native

    def _load_or_generate(self) -> dict[tuple[str, int], np.ndarray]:
        if self._use_cache:
            folder = self.cache_folder()
            try:
                sounds, _ = read_cache(folder, self.version())
                if set(sounds) == {(r.name, i) for r in self._table().values() for i in range(r.variants)}:
                    self.loaded_from = "cache"
                    return sounds
                warnings.warn(BankWarning(f"default bank cache in {folder} lists other sounds; regenerating"),
                              stacklevel=4)
            except FileNotFoundError:
                pass
            except CacheError as err:
                warnings.warn(BankWarning(f"default bank cache damaged ({err}); regenerating"), stacklevel=4)
        sounds = self.generate()
        self.loaded_from = "generated"
        if self._use_cache:
            prov = {key: self.provenance(*key).to_dict() for key in sounds}
            meta: dict[str, Any] = {"bank": self.name, "version": self.version(), "sr": NATIVE_SR}
            try:
                write_cache(self.cache_folder(), sounds, prov, meta)
                prune_other_versions(self.cache_folder().parent, self.name, self.version())
            except OSError as err:
                warnings.warn(BankWarning(f"could not write the default bank cache to {self.cache_folder()}: "
                                          f"{err}; it will be generated again next time"), stacklevel=4)
        for x in sounds.values():
            x.flags.writeable = False
        return sounds

    def audio(self, name: str, index: int, sr: int = NATIVE_SR) -> np.ndarray:
        key = (name, index, int(sr))
        out = self._audio.get(key)
        if out is not None:
            return out
        if self.count(name) == 0:
            raise KeyError(f"the default bank has no sound {name!r}")
        if not 0 <= index < self.count(name):
            raise IndexError(f"{name} has variants 0..{self.count(name) - 1}, got {index}")
        native = self._ensure()[(name, index)]
        with self._lock:
            out = self._audio.get(key)
            if out is None:
                out = to_engine_audio(native, NATIVE_SR, int(sr))
                self._audio[key] = out
        return out

    def preload(self, sr: int = NATIVE_SR) -> None:
        for r in self._table().values():
            for i in range(r.variants):
                self.audio(r.name, i, sr)

    def __repr__(self) -> str:
        return f"DefaultBank({len(self._table())} sounds)"
