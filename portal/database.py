"""Database helpers shared by every package: UTC timestamps, pagination and locking."""
from datetime import UTC, datetime

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


def paginate(stmt, per_page=25, max_per_page=100):
    """Paginate a select() from the request's ?page= and ?per_page=, never erroring on bad input."""
    return db.paginate(stmt, per_page=per_page, max_per_page=max_per_page, error_out=False)
