"""The performer's namespace, built explicitly: the pattern vocabulary plus the session's
verbs (d1..d16, hush, setcps ...). Pattern files in `patterns/` run in it."""
from __future__ import annotations

from pathlib import Path

__all__ = ["performer_namespace", "load_file"]


def performer_namespace(session) -> dict:
    import livesamp

    ns = {name: getattr(livesamp, name) for name in livesamp.__all__}
    for i in range(16):
        ns[f"d{i + 1}"] = getattr(session, f"d{i + 1}")
    ns.update({
        "hush": session.hush, "setcps": session.setcps, "setbpm": session.setbpm,
        "solo": session.solo, "unsolo": session.unsolo, "mute": session.mute,
        "unmute": session.unmute, "samples": lambda: session.library.names(),
        "session": session,
    })
    ns["load"] = lambda path: load_file(session, path, ns)
    return ns


def load_file(session, path, namespace: dict | None = None) -> dict:
    """Run a pattern file (Python in the performer's namespace) against the session."""
    path = Path(path)
    code = path.read_text(encoding="utf-8")
    ns = namespace if namespace is not None else performer_namespace(session)
    exec(compile(code, str(path), "exec"), ns)  # noqa: S102 - the performer's own file
    return ns
