"""Stored text is Dutch: audit summaries and status reasons are data, read later by people in any language."""
import re

from flask_babel import force_locale


def in_dutch(text) -> str:
    """``text`` (a lazy string, ``_l(...)``) rendered in Dutch whatever the visitor's language; a str stays as is."""
    with force_locale("nl"):
        return str(text)


_DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")


def one_stop(text) -> str:
    """A sentence that ends in a name ending in a full stop ("B.V.") gets one full stop, not two ("B.V..");
    an ellipsis ("...") stays."""
    if text is None:
        return ""
    fixed = _DOUBLE_STOP.sub(".", str(text))
    return type(text)(fixed) if hasattr(text, "__html__") else fixed  # Markup stays Markup
