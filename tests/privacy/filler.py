"""Fill any table through the SQLAlchemy metadata: a row with every required column set, parents created as
needed, and every column that refers to a user pointing at the given user. Text columns carry ``marker`` (the
person's name and address) where it fits, so a test can search for it afterwards."""
import itertools
from datetime import date
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, Numeric, String, Text

from portal.database import UTCDateTime, utcnow
from portal.extensions import db

_counter = itertools.count(1)


def user_columns(table):
    return [c for c in table.columns if any(fk.column.table.name == "user" for fk in c.foreign_keys)]


def tables_referring_to_users():
    return [t for t in db.metadata.sorted_tables if t.name != "user" and user_columns(t)]


def _value(column, marker: str):
    n = next(_counter)
    kind = column.type
    if isinstance(kind, UTCDateTime | DateTime):
        return utcnow()
    if isinstance(kind, Date):
        return date(2024, 1, 1)
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Numeric):
        return Decimal("1")
    if isinstance(kind, Integer):
        return n
    if isinstance(kind, JSON):
        return {"note": f"{marker} {n}"}
    if isinstance(kind, String | Text):
        text = f"{n} {marker}"
        length = getattr(kind, "length", None)
        return text if not length or len(text) <= length else f"v{n}"[:length]
    raise AssertionError(f"no value for {column}")


def fill(table, user_id: int, marker: str = "") -> int:
    """Insert one row into ``table``; returns its id."""
    values = {}
    for column in table.columns:
        if column.primary_key and isinstance(column.type, Integer):
            continue
        foreign = list(column.foreign_keys)
        if foreign:
            target = foreign[0].column.table
            if target.name == "user":
                values[column.name] = user_id
            elif not column.nullable:
                values[column.name] = fill(target, user_id, marker)
            continue
        if column.default is not None or column.server_default is not None:
            if isinstance(column.type, String | Text | JSON) and marker:
                values[column.name] = _value(column, marker)
            continue
        if column.nullable and not (isinstance(column.type, String | Text | JSON) and marker):
            continue
        values[column.name] = _value(column, marker)
    result = db.session.execute(table.insert().values(values))
    return result.inserted_primary_key[0]
