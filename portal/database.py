"""Database helpers shared by every package: UTC timestamps, pagination and locking."""
from datetime import UTC, datetime

from flask import request
from sqlalchemy import DateTime, TypeDecorator

from portal.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def for_update(stmt):
    """Lock selected rows where the backend supports it (SQLite serialises writers anyway)."""
    if is_postgres():
        return stmt.with_for_update()
    return stmt


MAX_PAGE = 10000


def paginate(stmt, per_page=25, max_per_page=100):
    """Paginate a select() from the request's ?page= and ?per_page=, never erroring on bad input.

    The page number is clamped so that a huge ?page= cannot overflow the database's OFFSET.
    """
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    return db.paginate(stmt, page=page, per_page=per_page, max_per_page=max_per_page, error_out=False)
