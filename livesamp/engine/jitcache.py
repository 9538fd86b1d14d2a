"""Keep numba's on-disk cache of the engine kernels consistent with their source.

numba invalidates a cached function only when *its own* source file changes, not
when a function it calls (and compiled into itself) changes in another file. The
render kernel calls into five modules, and the live callback compiles the whole
kernel into itself, so after an edit or an upgrade a stale cache would run old code
against new state layouts. ``ensure_fresh`` hashes every kernel source file (and the
numba/Python versions) and, when the hash differs from the stamp stored beside the
cache, deletes the cached kernels there so they are rebuilt once.

Called at import by ``livesamp.engine`` and ``livesamp.io.block`` (before anything
is compiled or loaded; numba loads lazily, the cfunc in ``io/_callback.py`` at
import, which comes after ``io/block.py``).
"""
from __future__ import annotations

import hashlib
import os
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import numba

__all__ = ["ensure_fresh", "kernel_digest", "engine_cached", "first_run_notice"]

_ROOT = Path(__file__).resolve().parents[1]          # the livesamp package
_SOURCES = ("engine", "io/block.py", "io/_callback.py")
_STAMP = "livesamp-kernels.stamp"
_digest: str | None = None


def kernel_digest() -> str:
    """Hash of every source file whose code ends up in the compiled kernels."""
    global _digest
    if _digest is None:
        h = hashlib.sha256()
        h.update(f"{numba.__version__} {sys.version_info[:3]}".encode())
        files = []
        for item in _SOURCES:
            p = _ROOT / item
            files += sorted(p.rglob("*.py")) if p.is_dir() else [p]
        for f in files:
            h.update(str(f.relative_to(_ROOT)).encode())
            try:
                h.update(f.read_bytes())
            except OSError:
                pass
        _digest = h.hexdigest()
    return _digest


def ensure_fresh(*dispatchers) -> None:
    """Clear the cache directories of ``dispatchers`` if the kernel sources changed."""
    digest = kernel_digest()
    dirs = set()
    for d in dispatchers:
        cache = getattr(d, "_cache", None)
        path = getattr(cache, "_cache_path", None)
        if path:
            dirs.add(path)
    for path in dirs:
        stamp = os.path.join(path, _STAMP)
        try:
            with open(stamp) as f:
                if f.read().strip() == digest:
                    continue
        except OSError:
            pass
        try:
            os.makedirs(path, exist_ok=True)
            for name in os.listdir(path):
                if name.endswith((".nbi", ".nbc")):
                    try:
                        os.remove(os.path.join(path, name))
                    except OSError:
                        pass
            with open(stamp, "w") as f:
                f.write(digest + "\n")
        except OSError:
            pass   # a read-only cache: numba will just compile in memory


def engine_cached() -> bool:
    """True when numba has the render kernel cached (in ``NUMBA_CACHE_DIR`` if set)."""
    root = os.environ.get("NUMBA_CACHE_DIR")
    if root:
        return any(Path(root).rglob("render.render_block-*.nbi"))
    cache = Path(__file__).resolve().parent / "__pycache__"
    return any(cache.glob("render.render_block-*.nbi"))


@contextmanager
def first_run_notice(stream=None, every: float = 15.0):
    """Around work that may compile the engine: on a first run (no cached kernels) say so,
    then tell the elapsed time every ``every`` seconds until the work is done (the compile
    is one long call that cannot report its own progress)."""
    stream = stream or sys.stderr
    if engine_cached():
        yield
        return
    print("livesamp: first run: compiling the audio engine (1-3 minutes, once; later starts "
          "take a few seconds)", file=stream, flush=True)
    done = threading.Event()
    t0 = time.monotonic()

    def tick():
        while not done.wait(every):
            print(f"livesamp: still compiling ... {time.monotonic() - t0:.0f} s", file=stream, flush=True)

    ticker = threading.Thread(target=tick, name="livesamp-first-run", daemon=True)
    ticker.start()
    try:
        yield
    finally:
        done.set()
        ticker.join()
        print(f"livesamp: engine compiled and cached ({time.monotonic() - t0:.0f} s)", file=stream, flush=True)
