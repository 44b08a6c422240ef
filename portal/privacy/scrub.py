"""Replace a person's address and name wherever the portal stored them as text, in every table.

Used by erasure and by the retention of unverified accounts. It walks the SQLAlchemy metadata, so a column
added later is covered without a change here; tests search every text column afterwards to prove it.
"""
import json
import re
from functools import reduce

from sqlalchemy import JSON, String, Text, cast, func, or_, select, update

from portal.extensions import db


def replacements(email: str, name: str, email_pseudonym: str, name_pseudonym: str) -> dict[str, str]:
    """What to replace by what: the address always; a name where it stands in full and is distinctive enough
    not to hit other words (two words, six characters or more: "Jan" alone is left)."""
    found = {}
    if email and email.strip():
        found[email.strip().lower()] = email_pseudonym
    name = (name or "").strip()
    if len(name) >= 6 and " " in name:
        found[name] = name_pseudonym
    return found


def _text_columns(shortest: int):
    """Per table, its text and JSON columns long enough to hold a needle of ``shortest`` characters."""
    for table in db.metadata.sorted_tables:
        if not table.primary_key.columns:
            continue
        columns = []
        for column in table.columns:
            if column.primary_key or column.foreign_keys:
                continue
            if isinstance(column.type, String | Text):
                if column.type.length is None or column.type.length >= shortest:
                    columns.append((column, False))
            elif isinstance(column.type, JSON):
                columns.append((column, True))
        if columns:
            yield table, columns


def _replace(value, pattern, lookup):
    if isinstance(value, str):
        return pattern.sub(lambda m: lookup[m.group(0).lower()], value)
    if isinstance(value, list):
        return [_replace(v, pattern, lookup) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, pattern, lookup) for k, v in value.items()}
    return value


def scrub_everywhere(found: dict[str, str]) -> int:
    """Replace each key of ``found`` (see ``replacements``) by its value in every text and JSON column, case
    insensitively; returns the number of values changed.

    Core statements: the audit log's append-only guard is an ORM event, and the AVG requires this one change.
    """
    needles = list(found)
    if not needles:
        return 0
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
    lookup = {n.lower(): v for n, v in found.items()}
    changed = 0
    escaped = [json.dumps(n)[1:-1] for n in needles]
    # One scan per table: the rows where any of its text columns holds a needle.
    for table, columns in _text_columns(min(len(n) for n in needles)):
        # All the row's text in one lowered string, so each row costs one lower() and a LIKE per needle.
        parts = [func.coalesce(cast(column, Text) if is_json else column, "") for column, is_json in columns]
        combined = func.lower(reduce(lambda a, b: a.concat("\x1f").concat(b), parts))
        searched = needles + [e for e in escaped if e not in needles]
        conditions = [combined.contains(n.lower(), autoescape=True) for n in searched]
        pk = list(table.primary_key.columns)
        for row in db.session.execute(select(*pk, *[c for c, _j in columns]).where(or_(*conditions))).all():
            values = {}
            for (column, is_json), old in zip(columns, row[len(pk):], strict=True):
                if old is None:
                    continue
                new = _replace(old, pattern, lookup)
                if not is_json and column.type.length:
                    new = new[:column.type.length]
                if new != old:
                    values[column.name] = new
            if values:
                db.session.execute(update(table).where(*[c == v for c, v in zip(pk, row[:len(pk)], strict=True)])
                                   .values(values))
                changed += 1
    return changed
