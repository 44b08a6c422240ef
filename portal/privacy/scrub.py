"""Replace a person's address and name wherever the portal stored them as text, in every table.

Used by erasure and by the retention of unverified accounts. It walks the SQLAlchemy metadata, so a column
added later is covered without a change here; tests search every text column afterwards to prove it.
"""
import json
import re

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


def _text_columns():
    for table in db.metadata.sorted_tables:
        if not table.primary_key.columns:
            continue
        for column in table.columns:
            if isinstance(column.type, String | Text) and not column.primary_key and not column.foreign_keys:
                yield table, column, False
            elif isinstance(column.type, JSON):
                yield table, column, True


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
    for table, column, is_json in _text_columns():
        text_of = func.lower(cast(column, Text)) if is_json else func.lower(column)
        searched = needles + ([json.dumps(n)[1:-1] for n in needles if json.dumps(n)[1:-1] != n] if is_json else [])
        conditions = [text_of.contains(n.lower(), autoescape=True) for n in searched]
        pk = list(table.primary_key.columns)
        rows = db.session.execute(select(*pk, column).where(or_(*conditions))).all()
        for row in rows:
            new = _replace(row[-1], pattern, lookup)
            if not is_json and column.type.length:
                new = new[:column.type.length]
            if new != row[-1]:
                db.session.execute(update(table).where(*[c == v for c, v in zip(pk, row[:-1], strict=True)])
                                   .values({column.name: new}))
                changed += 1
    return changed
