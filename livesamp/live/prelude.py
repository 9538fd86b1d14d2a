"""The performer's namespace, built explicitly: the pattern vocabulary plus the session's
verbs (d1..d16, hush, solo, mute, setcps ...). Pattern files in `patterns/` run in it.

Nothing is injected into any module's globals: the REPL, `livesamp play FILE` and
`livesamp replay` each build their own dict with `performer_namespace`.
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["performer_namespace", "load_file", "SESSION_VERBS", "PYTHON_FIRST"]

# Vocabulary names that are also Python builtins: in the REPL the builtin wins (a `for i in
# range(4):` block must work); the pattern versions stay methods: `sine.range(1, 5)`,
# `pat.iter(4)`, `pat.set(...)`, `pat.slice(4, "0 2")`, `pat.round()`.
PYTHON_FIRST = frozenset({"iter", "pow", "range", "round", "set", "slice"})

# The verbs a performer has besides the pattern vocabulary (for completion and the README).
SESSION_VERBS = ("hush", "solo", "unsolo", "mute", "unmute", "setcps", "setbpm", "samples",
                 "rec", "resample", "record", "load", "stage")


class SampleNames(list):
    """A list of sample names that shows itself as words in lines, not as a Python list."""

    def __repr__(self) -> str:
        import shutil

        width = max(40, shutil.get_terminal_size((100, 24)).columns - 2)
        lines, line = [], ""
        for name in self:
            if line and len(line) + 1 + len(name) > width:
                lines.append(line)
                line = name
            else:
                line = f"{line} {name}" if line else name
        lines.append(line)
        return "\n".join(lines) + f"\n({len(self)} sounds)"


def _not_available(name: str, why: str):
    def verb(*args, **kwargs):
        raise RuntimeError(f"{name}() is not available here: {why}")

    verb.__name__ = name
    verb.__doc__ = f"{name}(): not available here ({why})"
    return verb


def performer_namespace(session, extras: dict | None = None) -> dict:
    """The names a performer types: the vocabulary (s, n, fast, every, silence ...), d1..d16,
    the session verbs, and `extras` (rec, resample, record, stage from the REPL's live seat)."""
    import livesamp

    ns = {name: getattr(livesamp, name) for name in livesamp.__all__ if name not in PYTHON_FIRST}
    for i in range(16):
        ns[f"d{i + 1}"] = getattr(session, f"d{i + 1}")

    def samples(match: str = "") -> SampleNames:
        """samples() lists every sample name; samples("sw") those containing "sw"."""
        return SampleNames(name for name in session.library.names() if match in name)

    ns.update({
        "hush": session.hush, "setcps": session.setcps, "setbpm": session.setbpm,
        "solo": session.solo, "unsolo": session.unsolo, "mute": session.mute,
        "unmute": session.unmute, "samples": samples, "session": session,
    })
    from ..concat import session_verbs

    ns.update(session_verbs(session))  # corpus() and mosaic() on the session's library
    for name in ("rec", "resample", "record", "stage"):
        ns[name] = _not_available(name, "no live audio in this session")
    ns["load"] = lambda path: load_file(session, path, ns)
    ns["load"].__doc__ = 'load("patterns/breakbeat.py"): run a pattern file in this namespace'
    if extras:
        ns.update(extras)
    return ns


def load_file(session, path, namespace: dict | None = None, text: str | None = None) -> dict:
    """Run a pattern file (Python in the performer's namespace) against the session.

    `text` overrides the file's content (a replay runs the text that was logged)."""
    path = Path(path)
    code = text if text is not None else path.read_text(encoding="utf-8")
    ns = namespace if namespace is not None else performer_namespace(session)
    exec(compile(code, str(path), "exec"), ns)  # noqa: S102 - the performer's own file
    return ns
