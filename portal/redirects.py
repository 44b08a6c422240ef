"""One safe redirect for every ``next`` that comes from a request: only a path on this site, else a default."""
from urllib.parse import unquote, urlsplit

from flask import redirect, url_for


def _unsafe_char(ch: str) -> bool:
    # Browsers drop tabs and newlines inside a URL and read "\" as "/": "/\t/evil" and "/\evil" go off-site.
    return ch == "\\" or ch.isspace() or not ch.isprintable()


def _is_local(path: str) -> bool:
    if not path.startswith("/") or path.startswith("//"):
        return False
    parts = urlsplit(path)
    return not parts.scheme and not parts.netloc


def _as_a_browser_reads_it(path: str) -> str:
    return "".join("/" if ch == "\\" else ch for ch in path if not (ch.isspace() or not ch.isprintable()))


def safe_next(target, default: str | None = None, *, prefix: str = "/") -> str:
    """``target`` when it is a local path (starting with ``prefix``), else ``default`` (the home page)."""
    fallback = default or url_for("main.home")
    if not isinstance(target, str) or not target or len(target) > 2048 or not target.startswith(prefix):
        return fallback
    if any(_unsafe_char(ch) for ch in target) or not _is_local(target):
        return fallback
    decoded = target
    for _ in range(3):  # a proxy or a second decoder may unquote again: each decoded form must stay local too
        undone = unquote(decoded)
        if undone == decoded:
            return target
        decoded = undone
        if not _is_local(_as_a_browser_reads_it(decoded)):
            return fallback
    return fallback  # encoded more than three times: nobody links like that


def redirect_next(target, default: str | None = None, *, prefix: str = "/"):
    """A redirect to ``safe_next(target, default)``."""
    return redirect(safe_next(target, default, prefix=prefix))
