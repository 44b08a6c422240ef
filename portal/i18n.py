"""Stored text is Dutch: audit summaries and status reasons are data, read later by people in any language."""
from flask_babel import force_locale


def in_dutch(text) -> str:
    """``text`` (a lazy string, ``_l(...)``) rendered in Dutch whatever the visitor's language; a str stays as is."""
    with force_locale("nl"):
        return str(text)
