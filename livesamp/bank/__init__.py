"""Sample banks: named, onomatopoeic sounds with provenance, for the scheduler and REPL.

>>> from livesamp.bank import default_library
>>> lib = default_library()
>>> s = lib.get("big_swoosh", 2)       # n wraps modulo the number of variants
>>> s.provenance.short()                # doctest: +ELLIPSIS
'synthesised by livesamp: ...'

Importing this package reads no file and generates nothing; the default bank is
synthesised (or loaded from its cache) the first time audio is needed, or at
``SampleLibrary.preload()``.
"""

from __future__ import annotations

from .base import Bank
from .default import DefaultBank
from .errors import BankError, BankWarning, RevokedSampleError, SampleLoadError, UnknownSampleError
from .folder import FolderBank
from .indexed import IndexedBank
from .config import library_from_config
from .library import SampleLibrary, default_library
from .paths import data_dir
from .provenance import Provenance
from .sample import Sample

__all__ = [
    "Bank", "BankError", "BankWarning", "DefaultBank", "FolderBank", "IndexedBank", "Provenance",
    "RevokedSampleError", "Sample", "SampleLibrary", "SampleLoadError", "UnknownSampleError",
    "data_dir", "default_library", "library_from_config",
]
